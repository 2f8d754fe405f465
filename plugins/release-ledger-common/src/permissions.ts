import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The catalog's entity resource type (`RESOURCE_TYPE_CATALOG_ENTITY` in
 * `@backstage/plugin-catalog-common/alpha`). Spelled out so this isomorphic
 * package needs no catalog dependency for one string.
 */
const CATALOG_ENTITY = 'catalog-entity';

/**
 * Writing events for the releases of one catalog entity (ticking a checklist
 * item and adding a release note are events too), and starting a gate
 * evaluation, whose verdict becomes events. A resource permission on the
 * entity, so a policy can answer with the catalog's conditions, e.g.
 * `catalogConditions.isEntityOwner`. Service principals (pipelines) may
 * always write; signed-in users need this permission on every entity they
 * write for.
 *
 * @public
 */
export const releaseLedgerEventCreatePermission = createPermission({
  name: 'release-ledger.event.create',
  attributes: { action: 'create' },
  resourceType: CATALOG_ENTITY,
});

/** Reading releases, their events, gates, comms and metrics. @public */
export const releaseLedgerReadPermission = createPermission({
  name: 'release-ledger.release.read',
  attributes: { action: 'read' },
});

/**
 * Writing leadership's weekly note on the metrics page. Users only: a
 * service token cannot write it.
 *
 * @public
 */
export const releaseLedgerNoteUpdatePermission = createPermission({
  name: 'release-ledger.note.update',
  attributes: { action: 'update' },
});

/**
 * Putting parked Slack messages back in line (after fixing a channel or the
 * token). Service principals may always requeue. @public
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
