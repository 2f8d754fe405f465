import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Writing events into the ledger. Service principals (pipelines) may always
 * write; signed-in users need this permission.
 *
 * @public
 */
export const releaseLedgerEventCreatePermission = createPermission({
  name: 'release-ledger.event.create',
  attributes: { action: 'create' },
});

/** Reading releases and their events. @public */
export const releaseLedgerReadPermission = createPermission({
  name: 'release-ledger.release.read',
  attributes: { action: 'read' },
});

/** Writing leadership's weekly note on the metrics page. @public */
export const releaseLedgerNoteUpdatePermission = createPermission({
  name: 'release-ledger.note.update',
  attributes: { action: 'update' },
});

/**
 * Putting parked Slack messages back in line (after fixing a channel or the
 * token). @public
 */
export const releaseLedgerCommsManagePermission = createPermission({
  name: 'release-ledger.comms.manage',
  attributes: { action: 'update' },
});

/**
 * Replaying a gate over a past release's canary window (queries the metrics
 * backend; stores nothing, emits no events). Service principals may always
 * replay; signed-in users need this permission.
 *
 * @public
 */
export const releaseLedgerGateReplayPermission = createPermission({
  name: 'release-ledger.gate.replay',
  attributes: { action: 'read' },
});

/** Every permission Release Ledger declares. @public */
export const releaseLedgerPermissions = [
  releaseLedgerEventCreatePermission,
  releaseLedgerReadPermission,
  releaseLedgerNoteUpdatePermission,
  releaseLedgerCommsManagePermission,
  releaseLedgerGateReplayPermission,
];
