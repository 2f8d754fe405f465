import type {
  AuthService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { ChecklistPinStore } from './ChecklistPinStore';
import { ChecklistPinWorker } from './ChecklistPinWorker';
import { ChecklistReader } from './ChecklistReader';
import { ChecklistService } from './ChecklistService';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { createChecklistsProjector } from './checklistsProjector';

/**
 * The checklists capability: its projector (asks for a pin when a release
 * starts), the worker that reads the files with Backstage's UrlReader and
 * the SCM integrations of the portal's config, and the pinned checklists.
 */
export function createChecklists(options: {
  db: Knex;
  config: RootConfigService;
  urlReader: UrlReaderService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  ledger: Pick<ReleaseLedgerStore, 'getRelease' | 'listReleases'>;
}) {
  const pins = new ChecklistPinStore(options.db);
  const worker = new ChecklistPinWorker({
    pins,
    reader: new ChecklistReader({ urlReader: options.urlReader }),
    catalog: options.catalog,
    auth: options.auth,
    integrations: ScmIntegrations.fromConfig(options.config),
    logger: options.logger,
  });
  const service = new ChecklistService({ pins, ledger: options.ledger });
  return { projector: createChecklistsProjector(), worker, service };
}
