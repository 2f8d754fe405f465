import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ReleaseLedgerConfig } from '../config';
import { DatabaseReleaseLedgerStore } from './DatabaseReleaseLedgerStore';
import { EventIntake } from './EventIntake';
import { ProjectionDrainWorker } from './ProjectionDrainWorker';

/**
 * Builds the ledger: runs the plugin's migrations (once, before any
 * capability starts), the store with its append and release projection,
 * the intake, and this instance's drain of the deferred projections.
 * Capabilities add their projectors with `store.addProjectors` before the
 * backend starts.
 */
export async function createLedger(options: {
  database: DatabaseService;
  config: ReleaseLedgerConfig;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const { config, logger } = options;
  if (config.eventLogOnly) {
    logger.warn(
      'release-ledger: releaseLedger.benchmark.eventLogOnly is set: events are stored and nothing is projected from them (benchmarks only)',
    );
  }
  const store = await DatabaseReleaseLedgerStore.create({
    database: options.database,
    eventLogOnly: config.eventLogOnly,
    rules: { requiredPrFields: config.requiredPrFields },
  });
  const intake = new EventIntake({
    store,
    catalog: options.catalog,
    auth: options.auth,
    maxFutureSkewMs: config.maxFutureSkewMs,
  });
  const drains = new ProjectionDrainWorker({
    queue: store.projectionQueue,
    logger,
    lagWarningMs: config.projections.lagWarningMs,
    // Concurrent drains only help a database with concurrent writers.
    concurrency:
      config.projections.drainConcurrency ?? (store.isPostgres ? 2 : 1),
  });
  store.onCommitted(() => drains.wake());
  return { store, intake, drains };
}
