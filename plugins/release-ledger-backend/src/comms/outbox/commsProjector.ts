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
 * The Slack messages an append owes, written to the outbox in the same
 * transaction (so nothing is lost or sent for events that rolled back).
 * Runs after the metrics projector: an incident sent without a release
 * replies in the thread of the release metrics attributed it to.
 */
export function createCommsProjector(options: {
  bulk: BulkWriter;
  /** PM/CS channel that gets one summary per finished release. */
  pmPerReleaseChannel?: string;
}): LedgerProjector {
  return {
    id: 'comms',
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
      );
    },
  };
}
