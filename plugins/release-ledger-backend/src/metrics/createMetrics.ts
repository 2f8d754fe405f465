import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import type { MetricsConfig } from '../config';
import { bulkWriterFor } from '../database/bulkWrites';
import { scheduleComponentBackfill } from './componentBackfill';
import { catalogComponentFacts } from './componentFacts';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { createMetricsProjector } from './metricsProjector';
import { MetricsService } from './MetricsService';
import { scheduleSystemBackfill } from './systemBackfill';

/**
 * Builds DORA metrics: the projector that attributes incidents and keeps
 * footprints (deferred, first of the ledger's projectors: comms reads its
 * attributions), the read store and service behind `GET /metrics`, and the
 * scheduled back-fills of releases' systems and components' footprints.
 */
export function createMetrics(options: {
  db: Knex;
  config: MetricsConfig;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
}) {
  const store = new DatabaseMetricsStore(options.db);
  const service = new MetricsService({
    store,
    catalog: options.catalog,
    auth: options.auth,
    config: options.config,
  });
  const componentFacts = catalogComponentFacts(options);
  const projector = createMetricsProjector({
    bulk: bulkWriterFor(options.db),
    attributionWindowHours: options.config.incidentAttributionWindowHours,
    componentFacts,
  });
  return {
    store,
    service,
    projector,
    /**
     * Schedules metrics' tasks (the back-fills of systems and of component
     * footprints) on the scheduler.
     */
    scheduleTasks: async () => {
      await scheduleSystemBackfill(options);
      await scheduleComponentBackfill({ ...options, componentFacts });
    },
  };
}
