import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { CommsConfig } from './commsConfig';
import { CommsService } from './CommsService';
import { OutboxWorker, WorkerSources } from './delivery/OutboxWorker';
import {
  MessageTransport,
  NOT_CONFIGURED,
  NotConfiguredTransport,
  SlackTransport,
} from './delivery/SlackTransport';
import { bulkWriterFor } from '../database/bulkWrites';
import { createCommsProjector } from './outbox/commsProjector';
import { OutboxStore } from './outbox/OutboxStore';
import { ReleaseRouting } from './routing/ReleaseRouting';

/**
 * Builds the comms pipeline from config: the projector that plans Slack
 * messages into the outbox (deferred, after metrics' projector), routing
 * against the catalog, the Slack transport (or the not-configured one), the
 * outbox worker and the service behind the comms endpoints.
 */
export function createComms(options: {
  db: Knex;
  config: CommsConfig;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  releases: WorkerSources['releases'];
  footprints: WorkerSources['footprints'];
  notes?: WorkerSources['notes'];
}) {
  const { config, logger } = options;
  for (const problem of config.problems) {
    logger.error(`release-ledger Slack configuration: ${problem}`);
  }
  const transport: MessageTransport = config.deliver
    ? new SlackTransport({
        token: config.token!,
        apiUrl: config.apiUrl,
        timeoutMs: config.timeoutMs,
      })
    : new NotConfiguredTransport();
  if (!config.deliver) {
    logger.info(
      'release-ledger: Slack is not configured (releaseLedger.slack.token); messages are rendered and kept in the outbox, not delivered',
    );
  }
  const outbox = new OutboxStore(options.db);
  const sources: WorkerSources = {
    releases: options.releases,
    footprints: options.footprints,
    notes: options.notes,
    routing: new ReleaseRouting({
      catalog: options.catalog,
      auth: options.auth,
      config,
    }),
  };
  const worker = new OutboxWorker({
    ...sources,
    outbox,
    transport,
    logger,
    perChannelIntervalMs: config.perChannelIntervalMs,
    maxAttempts: config.maxAttempts,
    concurrency: config.concurrency,
    // Long enough for the slowest call; short enough that a crashed
    // instance's channels are picked up by another within a minute.
    leaseMs: Math.max(30_000, 3 * config.timeoutMs),
  });
  const service = new CommsService(outbox, sources, {
    mode: config.deliver ? 'slack' : 'not_configured',
    problems: config.problems,
  });
  const projector = createCommsProjector({
    bulk: bulkWriterFor(options.db),
    pmPerReleaseChannel:
      config.pm?.mode === 'per-release' ? config.pm.channel : undefined,
    undelivered: transport.delivers ? undefined : NOT_CONFIGURED,
  });
  return { projector, worker, service, outbox, sources };
}
