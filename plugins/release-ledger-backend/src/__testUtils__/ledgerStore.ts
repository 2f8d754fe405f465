import type { DatabaseService } from '@backstage/backend-plugin-api';
import { DEFAULT_INCIDENT_ATTRIBUTION_HOURS } from '@release-ledger/plugin-release-ledger-common';
import { createCommsProjector } from '../comms/outbox/commsProjector';
import { bulkWriterFor } from '../database/bulkWrites';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import type { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import { createMetricsProjector } from '../metrics/metricsProjector';

/**
 * The ledger's store with the projectors plugin.ts gives it, in the same
 * order: metrics (it attributes incidents), then comms (it replies in the
 * attributed release's thread).
 */
export async function createLedgerStore(options: {
  database: DatabaseService;
  incidentAttributionWindowHours?: number;
  pmPerReleaseChannel?: string;
}): Promise<DatabaseReleaseLedgerStore> {
  const bulk = bulkWriterFor(await options.database.getClient());
  return DatabaseReleaseLedgerStore.create({
    database: options.database,
    projectors: [
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
    ],
  });
}

/**
 * Appends events, then drains the deferred projections (footprints,
 * incident attribution, outbox), as the plugin's drain worker does right
 * after the commit: for tests that read what the projectors wrote.
 */
export async function appendAndProject(
  ledger: DatabaseReleaseLedgerStore,
  events: AcceptedEvent[],
): Promise<Array<'created' | 'duplicate'>> {
  const statuses = await ledger.appendEvents(events);
  await ledger.projectionQueue.drainAll();
  return statuses;
}
