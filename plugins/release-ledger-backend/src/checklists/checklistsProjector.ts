import type { LedgerProjector } from '../ledger/projectors';
import { belongsToRelease } from '../ledger/ReleaseLedgerStore';
import { ChecklistPinStore, PinRequest } from './ChecklistPinStore';

/**
 * Asks for the checklist of every release that starts, at the commit its
 * `release_started` names. Deferred and cheap: it only writes the request
 * in the drain's transaction; the file is read by the ChecklistPinWorker,
 * outside any transaction (a call to the SCM host must not hold one open).
 */
export function createChecklistsProjector(): LedgerProjector {
  return {
    id: 'checklists',
    mode: 'deferred',
    async project(tx, batch) {
      const requests = new Map<string, PinRequest>();
      for (const event of batch.fresh) {
        if (!belongsToRelease(event) || event.type !== 'release_started') {
          continue;
        }
        if (requests.has(event.releaseId)) continue;
        requests.set(event.releaseId, {
          releaseId: event.releaseId,
          entityRef: event.releaseEntityRef,
          commit: event.attributes.commit,
        });
      }
      await ChecklistPinStore.request(
        tx,
        [...requests.values()],
        batch.receivedAt,
      );
    },
  };
}
