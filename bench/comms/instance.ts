/*
 * One "backend instance" of the comms benchmark (child process of
 * bench/comms/run.js): the ledger's store and the Slack outbox worker on
 * one database, wired as the plugin wires them in production
 * (createComms with releaseLedger.slack read by readCommsConfig, so
 * perChannelIntervalMs 1000, concurrency 8, timeoutMs 10000, maxAttempts
 * 15, idle poll 250 ms, the real SlackTransport over @slack/web-api with
 * the client's retries off), pointed at the fake Slack.
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs bench/comms/instance.ts
 *
 * Not production: the catalog is an in-memory client holding the bench's
 * services (routing caches entities for a minute anyway), the logger only
 * counts (and prints warnings and errors to stderr).
 *
 * Settings come as JSON in BENCH_COMMS (see run.js). Driven over IPC:
 *   { id, cmd: 'burst', wave }  appends this instance's share of the wave,
 *                               one appendEvents call per release, all at once
 *   { id, cmd: 'status' }       outbox counts by state
 *   { id, cmd: 'dump' }         outbox rows and threads, for the checks
 *   { id, cmd: 'stop' }         stops the worker (messages in flight settle)
 *                               and answers what the logger saw
 * Answers `{ id, ... }`; sends `{ type: 'ready' }` once the worker runs.
 */
/* eslint-disable no-console */
import { createLedgerStore } from '../../plugins/release-ledger-backend/src/__testUtils__/ledgerStore';
import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import knexFactory, { Knex } from 'knex';
import { readCommsConfig } from '../../plugins/release-ledger-backend/src/comms/commsConfig';
import { createComms } from '../../plugins/release-ledger-backend/src/comms/createComms';
import { OutboxWorker } from '../../plugins/release-ledger-backend/src/comms/delivery/OutboxWorker';
import { SlackTransport } from '../../plugins/release-ledger-backend/src/comms/delivery/SlackTransport';
import {
  LANES_TABLE,
  OUTBOX_TABLE,
  THREADS_TABLE,
} from '../../plugins/release-ledger-backend/src/comms/outbox/OutboxStore';
import { DatabaseMetricsStore } from '../../plugins/release-ledger-backend/src/metrics/DatabaseMetricsStore';
import { ProjectionDrainWorker } from '../../plugins/release-ledger-backend/src/ledger/ProjectionDrainWorker';
import type { AcceptedReleaseEvent } from '../../plugins/release-ledger-backend/src/ledger/ReleaseLedgerStore';

type Settings = {
  /** 0-based; instance 0 runs the migrations. */
  index: number;
  instances: number;
  client: 'sqlite' | 'pg';
  sqliteFile?: string;
  pgUrl?: string;
  pgDatabase?: string;
  apiUrl: string;
  token: string;
  runId: string;
  releases: number;
  channels: number;
  /** Lifecycle scenario: wave 2 brings canary, promotion and finish. */
  lifecycle: boolean;
  /** What-if: the worker's idle poll interval instead of the default. */
  idleMs?: number;
  /** What-if: releaseLedger.slack.delivery.perChannelIntervalMs (config only). */
  intervalMs?: number;
};
type Command = {
  id: number;
  cmd: 'burst' | 'status' | 'dump' | 'stop';
  wave?: 1 | 2;
};

const S: Settings = JSON.parse(process.env.BENCH_COMMS ?? '{}');
const tag = `[instance ${S.index} ${S.client}]`;

const pad2 = (n: number) => String(n).padStart(2, '0');
const channelOf = (c: number) => `#bench-comms-${pad2(c)}`;
const serviceOf = (c: number) => `svc-${pad2(c)}`;

/** One service per channel, each naming its channel; one owner team. */
function entities(): Entity[] {
  const services = Array.from(
    { length: S.channels },
    (_, c): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: serviceOf(c),
        namespace: 'default',
        annotations: {
          'release-ledger/slack-channel': channelOf(c),
          'release-ledger/oncall': '@oncall-bench',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'bench-team' },
    }),
  );
  return [
    ...services,
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'bench-team', namespace: 'default' },
      spec: {
        type: 'team',
        children: [],
        profile: { displayName: 'Bench Team' },
      },
    },
  ];
}

/** Release i goes to channel i mod channels; this instance ingests i mod instances. */
function ownReleases(): number[] {
  return Array.from({ length: S.releases }, (_, i) => i).filter(
    i => i % S.instances === S.index,
  );
}

function releaseEvents(i: number, wave: 1 | 2, atMs: number) {
  const service = serviceOf(i % S.channels);
  const releaseId = `${S.runId}-r${String(i).padStart(4, '0')}`;
  const event = (
    n: number,
    type: ReleaseEventType,
    attributes: Record<string, unknown>,
  ): AcceptedReleaseEvent =>
    ({
      eventId: `${releaseId}-${n}`,
      type,
      releaseId,
      entityRef: `component:default/${service}`,
      releaseEntityRef: `component:default/${service}`,
      ownerRef: 'group:default/bench-team',
      timestamp: new Date(atMs + n).toISOString(),
      environment: 'production',
      version: `1.${Math.floor(i / S.channels)}.${i % S.channels}`,
      commit: '9f2c1ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
      attributes,
    } as AcceptedReleaseEvent);
  if (wave === 1) {
    return [
      event(0, 'release_started', {
        plan: 'canary 10% then 100%',
        changeCount: 1,
      }),
    ];
  }
  return [
    event(1, 'canary_started', { weight: 10 }),
    event(2, 'promoted', {}),
    event(3, 'release_finished', {}),
  ];
}

/** Counts what the plugin logs; prints warnings and errors. */
function benchLogger(counts: Record<string, number>, samples: string[]) {
  const note = (level: string, message: string) => {
    counts[level] = (counts[level] ?? 0) + 1;
    if (/already in Slack/.test(message))
      counts.alreadyInSlack = (counts.alreadyInSlack ?? 0) + 1;
    if (level === 'warn' || level === 'error') {
      if (samples.length < 20) samples.push(`${level}: ${message}`);
      console.error(`${tag} ${level}: ${message}`);
    }
  };
  const logger: LoggerService = {
    error: message => note('error', message),
    warn: message => note('warn', message),
    info: message => note('info', message),
    debug: message => note('debug', message),
    child: () => logger,
  };
  return logger;
}

/** Time spent in one method of the worker's collaborators. */
type Phase = { calls: number; ms: number; maxMs: number };
/**
 * One pass of the worker (drainOnce): when it started, when routing ended
 * (ensureLanes is called right after #route), when the lane claim ended,
 * how many lanes it claimed and messages it handled.
 */
type Pass = {
  start: number;
  routeEnd?: number;
  claimEnd?: number;
  end?: number;
  lanes?: number;
  handled?: number;
};

/**
 * Measures the worker from outside, without touching plugin code: the
 * public methods it calls on the objects it was given (outbox, store,
 * routing) and its own public drainOnce (which its loop calls through
 * `this`) are replaced on those instances by timed wrappers.
 */
function instrument(target: {
  worker: OutboxWorker;
  outbox: object;
  store: object;
  routing: object;
}) {
  const phases: Record<string, Phase> = {};
  const passes: Pass[] = [];
  let current: Pass | undefined;
  const now = () => performance.timeOrigin + performance.now();
  const wrap = (
    obj: object,
    name: string,
    method: string,
    around?: { before?: () => void; after?: (result: unknown) => void },
  ) => {
    const holder = obj as Record<string, (...args: unknown[]) => unknown>;
    const original = holder[method].bind(obj);
    holder[method] = async (...args: unknown[]) => {
      around?.before?.();
      const t = performance.now();
      try {
        const result = await original(...args);
        around?.after?.(result);
        return result;
      } finally {
        const ms = performance.now() - t;
        const phase = (phases[`${name}.${method}`] ??= {
          calls: 0,
          ms: 0,
          maxMs: 0,
        });
        phase.calls++;
        phase.ms += ms;
        phase.maxMs = Math.max(phase.maxMs, ms);
      }
    };
  };
  for (const method of [
    'unroutedReleases',
    'getThread',
    'routeRelease',
    'laneChannelId',
    'laneMessages',
    'markInFlight',
    'markDelivered',
    'releaseLane',
    'retryLater',
    'releaseMessages',
  ])
    wrap(target.outbox, 'outbox', method);
  wrap(target.outbox, 'outbox', 'ensureLanes', {
    before: () => {
      if (current) current.routeEnd = now();
    },
  });
  wrap(target.outbox, 'outbox', 'claimLanes', {
    after: result => {
      if (current) {
        current.claimEnd = now();
        current.lanes = (result as string[]).length;
      }
    },
  });
  wrap(target.store, 'store', 'getRelease');
  wrap(target.routing, 'routing', 'channelFor');
  wrap(target.routing, 'routing', 'contextFor');
  const worker = target.worker as unknown as {
    drainOnce: () => Promise<number>;
  };
  const drainOnce = worker.drainOnce.bind(target.worker);
  worker.drainOnce = async () => {
    current = { start: now() };
    passes.push(current);
    try {
      const handled = await drainOnce();
      current.handled = handled;
      return handled;
    } finally {
      current.end = now();
      current = undefined;
    }
  };
  return {
    reset() {
      for (const key of Object.keys(phases)) delete phases[key];
      passes.length = 0;
    },
    snapshot: () => ({ phases, passes }),
  };
}

function pgConnection(database: string) {
  const url = new URL(S.pgUrl!);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function main() {
  const db: Knex =
    S.client === 'sqlite'
      ? knexFactory({
          client: 'better-sqlite3',
          connection: { filename: S.sqliteFile! },
          useNullAsDefault: true,
        })
      : knexFactory({
          client: 'pg',
          connection: pgConnection(S.pgDatabase!),
        });
  const database = {
    getClient: async () => db,
    migrations: { skip: S.index > 0 },
  } as unknown as DatabaseService;
  const store = await createLedgerStore({ database });
  const metricsStore = new DatabaseMetricsStore(db);

  const config = readCommsConfig(
    new ConfigReader({
      app: { baseUrl: 'http://portal.bench' },
      releaseLedger: {
        slack: {
          token: S.token,
          apiUrl: S.apiUrl,
          ...(S.intervalMs
            ? { delivery: { perChannelIntervalMs: S.intervalMs } }
            : {}),
        },
      },
    }),
  );
  const counts: Record<string, number> = {};
  const samples: string[] = [];
  const logger = benchLogger(counts, samples);
  const auth = {
    getOwnServiceCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:release-ledger' },
    }),
  } as unknown as AuthService;
  const catalog = new InMemoryCatalogClient({
    entities: entities(),
  }) as unknown as CatalogService;
  const comms = createComms({
    db,
    config,
    catalog,
    auth,
    logger,
    releases: store,
    footprints: { getReleaseFootprint: id => metricsStore.getFootprint(id) },
  });
  // What-if runs change one setting; everything else as createComms builds it.
  const worker =
    S.idleMs === undefined
      ? comms.worker
      : new OutboxWorker({
          ...comms.sources,
          outbox: comms.outbox,
          transport: new SlackTransport({
            token: config.token!,
            apiUrl: config.apiUrl,
            timeoutMs: config.timeoutMs,
          }),
          logger,
          perChannelIntervalMs: config.perChannelIntervalMs,
          maxAttempts: config.maxAttempts,
          concurrency: config.concurrency,
          leaseMs: Math.max(30_000, 3 * config.timeoutMs),
          idleMs: S.idleMs,
        });

  const probe = instrument({
    worker,
    outbox: comms.outbox,
    store,
    routing: comms.sources.routing,
  });

  // Built before the clock starts; the timestamps are set when sent.
  const mine = ownReleases();

  process.on('message', async (message: Command) => {
    const reply = (body: object) =>
      new Promise<void>(resolve =>
        process.send!({ id: message.id, ...body }, undefined, {}, () =>
          resolve(),
        ),
      );
    try {
      switch (message.cmd) {
        case 'burst': {
          const wave = message.wave ?? 1;
          if (wave === 1) probe.reset();
          const startedAt = Date.now();
          const batches = mine.map(i => releaseEvents(i, wave, startedAt));
          const results = await Promise.all(
            batches.map(events => store.appendEvents(events)),
          );
          const committedAt = Date.now();
          reply({
            startedAt,
            committedAt,
            calls: batches.length,
            events: batches.reduce((n, b) => n + b.length, 0),
            created: results.flat().filter(r => r === 'created').length,
          });
          break;
        }
        case 'status':
          reply({
            counts: await comms.outbox.countByState(),
            // Outbox rows are written by the drain of the deferred
            // projections: until it has run, an empty outbox means nothing.
            pendingProjections: (await store.projectionQueue.status())
              .pendingEvents,
          });
          break;
        case 'dump': {
          const rows = await db(OUTBOX_TABLE)
            .select(
              'id',
              'kind',
              'release_id',
              'channel',
              'order_at',
              'state',
              'attempts',
              'generation',
              'delivered_generation',
              'slack_ts',
              'last_error',
              'created_at',
              'delivered_at',
            )
            .orderBy('id');
          const threads = await db(THREADS_TABLE).select(
            'release_id',
            'channel',
            'channel_id',
            'parent_ts',
          );
          const lanes = await db(LANES_TABLE).select('channel', 'channel_id');
          reply({
            rows: rows.map(r => ({ ...r, id: String(r.id) })),
            threads,
            lanes,
          });
          break;
        }
        case 'stop':
          await drains.stop();
          await worker.stop();
          await db.destroy();
          await reply({ logged: counts, samples, probe: probe.snapshot() });
          process.exit(0);
          break;
        default:
          reply({ error: `unknown command ${JSON.stringify(message)}` });
      }
    } catch (error) {
      reply({ error: String((error as Error)?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(1));

  // As plugin.ts wires them: a commit wakes this instance's drain of the
  // deferred projections, which writes the outbox and wakes the worker.
  const drains = new ProjectionDrainWorker({
    queue: store.projectionQueue,
    logger,
  });
  store.onCommitted(() => drains.wake());
  drains.onDrained(() => worker.wake());
  drains.start();
  worker.start();
  process.send!({ type: 'ready' });
}

main().catch(error => {
  console.error(`${tag} ${error?.stack ?? error}`);
  process.exit(1);
});
