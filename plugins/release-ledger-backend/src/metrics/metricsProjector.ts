import { incidentIdOf } from '../ledger/projectIncident';
import type { LedgerProjector } from '../ledger/projectors';
import type { BulkWriter } from '../database/bulkWrites';
import { refreshMetricsProjection } from './metricsProjection';

/**
 * Metrics' consequences of new events: incidents re-projected and
 * attributed, release footprints recomputed. Leaves where each incident of
 * the batch stands in it, for comms. Deferred: metrics are read over weeks,
 * so a second of lag costs nothing, and every write is an upsert of state
 * recomputed from the log (a drain run twice writes the same rows).
 */
export function createMetricsProjector(options: {
  bulk: BulkWriter;
  /** Hours after a promotion in which an incident without a release is attributed to it. */
  attributionWindowHours: number;
}): LedgerProjector {
  return {
    id: 'metrics',
    mode: 'deferred',
    async project(tx, batch) {
      const incidentIds = [
        ...new Set(batch.fresh.flatMap(e => incidentIdOf(e) ?? [])),
      ];
      const attributions = await refreshMetricsProjection(tx, options.bulk, {
        projected: batch.releases,
        incidentIds,
        attributionWindowHours: options.attributionWindowHours,
      });
      for (const [incidentId, where] of attributions) {
        batch.incidents.set(incidentId, where);
      }
    },
  };
}
