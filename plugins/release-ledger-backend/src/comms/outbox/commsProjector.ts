import type { BulkWriter } from '../../database/bulkWrites';
import { incidentIdOf } from '../../ledger/projectIncident';
import type { LedgerProjector } from '../../ledger/projectors';
import { belongsToRelease } from '../../ledger/ReleaseLedgerStore';
import { enqueueMessages } from './OutboxStore';
import {
  planAttributedIncidentReplies,
  planMessages,
  TouchedRelease,
} from './planMessages';

/**
 * The Slack messages new events owe, written to the outbox. Deferred, in the
 * drain's transaction after the metrics projector: an incident sent without
 * a release replies in the thread of the release metrics attributed it to.
 * Idempotent: every outbox row has a dedupe key (a card is re-armed), so a
 * drain run again after a crash sends nothing twice.
 */
export function createCommsProjector(options: {
  bulk: BulkWriter;
  /** PM/CS channel that gets one summary per finished release. */
  pmPerReleaseChannel?: string;
  /** Nothing sends the messages (no Slack): they are written "not delivered" with this reason. */
  undelivered?: string;
}): LedgerProjector {
  return {
    id: 'comms',
    mode: 'deferred',
    async project(tx, batch) {
      const touched = new Map<string, TouchedRelease>();
      for (const [releaseId, p] of batch.releases) {
        touched.set(releaseId, {
          release: p.release,
          previousStatus: p.previousStatus,
        });
      }
      const unreleased = batch.fresh.filter(e => !belongsToRelease(e));
      const releaseOf = new Map<string, string>();
      for (const e of unreleased) {
        const where = batch.incidents.get(incidentIdOf(e) ?? '');
        if (where?.attribution === 'window' && where.releaseId) {
          releaseOf.set(e.eventId, where.releaseId);
        }
      }
      await enqueueMessages(
        tx,
        options.bulk,
        [
          ...planMessages(batch.fresh.filter(belongsToRelease), touched, {
            pmPerReleaseChannel: options.pmPerReleaseChannel,
          }),
          ...planAttributedIncidentReplies(unreleased, releaseOf),
        ],
        batch.receivedAt,
        { undelivered: options.undelivered },
      );
    },
  };
}
