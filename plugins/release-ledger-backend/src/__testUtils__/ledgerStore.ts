import type { DatabaseService } from '@backstage/backend-plugin-api';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
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
