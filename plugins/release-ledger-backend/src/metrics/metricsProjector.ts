import { incidentIdOf } from '../ledger/projectIncident';
import type { LedgerProjector } from '../ledger/projectors';
import type { BulkWriter } from '../database/bulkWrites';
import { refreshMetricsProjection } from './metricsProjection';

/**
 * Metrics' consequences of an append: incidents re-projected and attributed,
 * release footprints recomputed. Leaves where each incident of the append
 * stands in the batch, for comms.
 */
export function createMetricsProjector(options: {
  bulk: BulkWriter;
  /** Hours after a promotion in which an incident without a release is attributed to it. */
  attributionWindowHours: number;
}): LedgerProjector {
  return {
    id: 'metrics',
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
