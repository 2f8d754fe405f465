import { DEFAULT_INCIDENT_ATTRIBUTION_HOURS } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { createCommsProjector } from './comms/outbox/commsProjector';
import { bulkWriterFor } from './database/bulkWrites';
import type { LedgerProjector } from './ledger/projectors';
import { createMetricsProjector } from './metrics/metricsProjector';

/**
 * The projectors the plugin registers on the ledger, in the order they must
 * run: metrics first (it attributes incidents), then comms (it replies in
 * the attributed release's thread). Wiring, like plugin.ts; tests and the
 * benchmarks build the ledger with the same list.
 */
export function standardProjectors(options: {
  db: Knex;
  /** Hours after a promotion in which an incident without a release is attributed to it (default 72). */
  incidentAttributionWindowHours?: number;
  /** PM/CS channel that gets one summary per finished release. */
  pmPerReleaseChannel?: string;
}): LedgerProjector[] {
  const bulk = bulkWriterFor(options.db);
  return [
    createMetricsProjector({
      bulk,
      attributionWindowHours:
        options.incidentAttributionWindowHours ??
        DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
    }),
    createCommsProjector({
      bulk,
      pmPerReleaseChannel: options.pmPerReleaseChannel,
    }),
  ];
}
