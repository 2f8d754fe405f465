import { incidentIdOf } from '../ledger/projectIncident';
import type { LedgerProjector } from '../ledger/projectors';
import type { BulkWriter } from '../database/bulkWrites';
import { refreshMetricsProjection } from './metricsProjection';
import type { LookUpComponentFacts } from './componentFacts';

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
  /**
   * Owners and Systems of the components a release deploys, when their
   * footprints are first written (see componentFacts.ts). The catalog is
   * asked inside the drain: when it cannot answer, the drain fails and is
   * retried with backoff, as for a database error. Without it, components
   * are counted without an owner or System.
   */
  componentFacts?: LookUpComponentFacts;
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
        componentFacts: options.componentFacts,
      });
      for (const [incidentId, where] of attributions) {
        batch.incidents.set(incidentId, where);
      }
    },
  };
}
