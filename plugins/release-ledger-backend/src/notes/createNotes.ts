import type {
  AuthService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { readNotesConfig } from './notesConfig';
import { NotesService } from './NotesService';

/**
 * The release notes capability: notes built from a release's commits with
 * conventional-commits-parser and commitlint, as JSON or markdown.
 */
export async function createNotes(options: {
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
  ledger: Pick<ReleaseLedgerStore, 'getRelease'>;
}) {
  const service = new NotesService({
    ledger: options.ledger,
    catalog: options.catalog,
    auth: options.auth,
    config: await readNotesConfig(options.config),
  });
  return { service };
}
