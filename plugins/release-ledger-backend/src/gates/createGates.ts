import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { readGateLimits } from './definitions/gateLimits';
import { readGateSets } from './definitions/gateSets';
import { EvaluationStore } from './evaluation/EvaluationStore';
import { GateEvaluator } from './evaluation/GateEvaluator';
import { GateService } from './GateService';
import { PrometheusClient, readPrometheusConnections } from './prometheus';
import { GateProviders } from './providers/GateProviders';

/** How often each instance looks for due measurements. */
const POLL_SECONDS = 5;

/**
 * Adds each configured Prometheus connection as a provider: `prometheus`,
 * or the connection's own id when several are listed.
 */
export function addConfiguredProviders(
  config: Config,
  providers: GateProviders,
): void {
  for (const { id, ...connection } of readPrometheusConnections(config)) {
    providers.addProvider(new PrometheusClient(connection, { id }));
  }
}

/**
 * Gates, once every provider is registered: reads the gate sets (stopping
 * startup on a bad one), and schedules the evaluation worker on every
 * instance — claims keep two instances off the same evaluation, so the
 * task is `local` and measurements stay on time on any instance.
 */
export async function createGates(deps: {
  config: Config;
  db: Knex;
  ledger: ReleaseLedgerStore;
  providers: GateProviders;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
}): Promise<GateService> {
  const limits = readGateLimits(deps.config);
  const sets = readGateSets(deps.config, deps.providers.ids(), limits);
  const evaluator = new GateEvaluator({
    evaluations: new EvaluationStore(deps.db),
    ledger: deps.ledger,
    providers: deps.providers,
    logger: deps.logger,
  });
  await deps.scheduler.scheduleTask({
    id: 'release-ledger-gate-evaluations',
    scope: 'local',
    frequency: { seconds: POLL_SECONDS },
    timeout: { minutes: 5 },
    fn: async () => {
      await evaluator.runDue();
    },
  });
  return new GateService({
    ledger: deps.ledger,
    sets,
    limits,
    providers: deps.providers,
    evaluator,
    annotationsOf: async entityRef => {
      const entity = await deps.catalog.getEntityByRef(entityRef, {
        credentials: await deps.auth.getOwnServiceCredentials(),
      });
      return entity?.metadata.annotations;
    },
  });
}
