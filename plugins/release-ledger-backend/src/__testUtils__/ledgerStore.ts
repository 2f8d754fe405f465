import type { DatabaseService } from '@backstage/backend-plugin-api';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import type { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import { standardProjectors } from '../standardProjectors';

/** The ledger's store as the plugin builds it: with the metrics and comms projectors. */
export async function createLedgerStore(options: {
  database: DatabaseService;
  incidentAttributionWindowHours?: number;
  pmPerReleaseChannel?: string;
}): Promise<DatabaseReleaseLedgerStore> {
  return DatabaseReleaseLedgerStore.create({
    database: options.database,
    projectors: standardProjectors({
      db: await options.database.getClient(),
      incidentAttributionWindowHours: options.incidentAttributionWindowHours,
      pmPerReleaseChannel: options.pmPerReleaseChannel,
    }),
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
  await ledger.projectionQueue?.drainAll();
  return statuses;
}
