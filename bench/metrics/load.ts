/*
 * Loader of the metrics benchmark (child process of bench/metrics/run.js):
 * builds the synthetic history (bench/metrics/synthetic.js) and appends it
 * through the ledger's own store, DatabaseReleaseLedgerStore.appendEvents,
 * in time-ordered batches, so the release, incident and footprint
 * projections are built exactly as ingest builds them in production.
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs bench/metrics/load.ts
 *
 * Settings come as JSON in BENCH_LOAD (see run.js): the database (a SQLite
 * file or a PostgreSQL database, which it creates), scale, end time, batch
 * size. Progress on stderr; the summary as one JSON line on stdout.
 *
 * With BENCH_LOAD.mode = 'breakdown' it instead times the product's metrics
 * read path in-process, phase by phase (see breakdown()).
 */
/* eslint-disable no-console */
import { createLedgerStore } from '../../plugins/release-ledger-backend/src/__testUtils__/ledgerStore';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  BAND_SETS,
  computeDoraMetrics,
  DEFAULT_MIN_SAMPLES,
  ReleaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import knexFactory, { Knex } from 'knex';
import path from 'node:path';
import { DatabaseMetricsStore } from '../../plugins/release-ledger-backend/src/metrics/DatabaseMetricsStore';
import type { AcceptedEvent } from '../../plugins/release-ledger-backend/src/ledger/ReleaseLedgerStore';
import { MetricsRollup } from '../../plugins/release-ledger-backend/src/metrics/rollups';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthetic = require('./synthetic.js');

type Settings = {
  mode?: 'load' | 'breakdown';
  client: 'sqlite' | 'pg';
  /** SQLite: the file the backend will open (<directory>/release-ledger.sqlite). */
  sqliteFile?: string;
  /** PostgreSQL: server URL and the database the backend will open (<prefix>release-ledger). */
  pgUrl?: string;
  pgDatabase?: string;
  scale: number;
  endMs: number;
  batchSize: number;
  /** Batches submitted at once (group-committed together). */
  concurrency: number;
  attributionWindowHours: number;
  progressSeconds: number;
  /** breakdown: what to time */
  entityRef?: string;
  ownerRefs?: string[];
  window?: string;
  repeat?: number;
};

const S: Settings = JSON.parse(process.env.BENCH_LOAD ?? '{}');
const log = (...a: unknown[]) =>
  console.error(
    `[load ${S.client} ${new Date().toISOString().slice(11, 19)}]`,
    ...a,
  );

function pgConnection(database: string) {
  const url = new URL(S.pgUrl!);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function openKnex(create: boolean): Promise<Knex> {
  if (S.client === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: S.sqliteFile! },
      useNullAsDefault: true,
    });
  }
  if (create) {
    const admin = knexFactory({
      client: 'pg',
      connection: pgConnection('postgres'),
    });
    try {
      await admin.raw('CREATE DATABASE ??', [S.pgDatabase!]);
    } finally {
      await admin.destroy();
    }
  }
  return knexFactory({ client: 'pg', connection: pgConnection(S.pgDatabase!) });
}

async function load() {
  const t0 = performance.now();
  const org = synthetic.buildOrg();
  const history = synthetic.buildHistory(org, {
    scale: S.scale,
    endMs: S.endMs,
  });
  const genSeconds = (performance.now() - t0) / 1000;
  const total: number = history.events.length;
  log(
    `generated ${
      history.releases.length
    } releases, ${total} events in ${genSeconds.toFixed(1)}s`,
  );

  const db = await openKnex(true);
  const queryStats = trackQueries(db);
  const database = {
    getClient: async () => db,
    migrations: { skip: false },
  } as unknown as DatabaseService;
  const store = await createLedgerStore({
    database,
    incidentAttributionWindowHours: S.attributionWindowHours,
  });

  const counts: Record<string, number> = {};
  const tLoad = performance.now();
  let lastLog = tLoad;
  let lastDone = 0;
  let created = 0;
  let duplicates = 0;
  const batchMs: number[] = [];
  // The machine's PostgreSQL may run with autovacuum off (this one does).
  // Without statistics the planner guesses that `release_id IN (300 ids)`
  // matches most of the table and re-projection reads the whole event log
  // per batch; without VACUUM the rewritten release rows pile up as dead
  // tuples. A production database has autovacuum, so the loader does its
  // work: every 10 batches it applies autovacuum's default thresholds to the
  // counters PostgreSQL keeps anyway (pg_stat_user_tables).
  const autovacuum =
    S.client === 'pg'
      ? (await db.raw("SELECT current_setting('autovacuum') AS v")).rows[0].v
      : undefined;
  const maintenance = { vacuum: 0, analyze: 0, seconds: 0 };
  const emulateAutovacuum = async () => {
    const { rows: tables } = await db.raw(
      `SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
         FROM pg_stat_user_tables WHERE relname LIKE 'release_ledger_%'`,
    );
    for (const t of tables) {
      const live = Number(t.n_live_tup);
      const vacuum =
        Number(t.n_dead_tup) > 50 + 0.2 * live ||
        Number(t.n_ins_since_vacuum) > 1000 + 0.2 * live;
      const analyze = Number(t.n_mod_since_analyze) > 50 + 0.1 * live;
      if (!vacuum && !analyze) continue;
      const a0 = performance.now();
      await db.raw(
        `${vacuum ? 'VACUUM' : ''}${vacuum && analyze ? ' (ANALYZE)' : ''}${
          !vacuum ? 'ANALYZE' : ''
        } ??`,
        [t.relname],
      );
      maintenance.seconds += (performance.now() - a0) / 1000;
      if (vacuum) maintenance.vacuum++;
      if (analyze) maintenance.analyze++;
    }
  };
  // `concurrency` batches are submitted together, as that many pipelines
  // posting at once would: the store's group commit puts them in one
  // transaction (at most 2,000 events), exactly as under concurrent requests.
  const step = S.batchSize * S.concurrency;
  let round_ = 0;
  for (let i = 0; i < total; i += step) {
    if (autovacuum === 'off' && round_++ % 10 === 0) await emulateAutovacuum();
    const batches: AcceptedEvent[][] = [];
    for (let j = i; j < Math.min(total, i + step); j += S.batchSize) {
      const batch: AcceptedEvent[] = history.events
        .slice(j, Math.min(j + S.batchSize, i + step))
        .map((e: unknown) => synthetic.toAcceptedEvent(org, history, e));
      for (const e of batch) counts[e.type] = (counts[e.type] ?? 0) + 1;
      batches.push(batch);
    }
    const b0 = performance.now();
    const answers = await Promise.all(batches.map(b => store.appendEvents(b)));
    batchMs.push(performance.now() - b0);
    // The deferred projections (footprints, attribution, outbox), as the
    // plugin's drain runs them right after the commit; part of the load time.
    await store.projectionQueue.drainAll();
    for (const s of answers.flat()) {
      if (s === 'created') created++;
      else duplicates++;
    }
    const now = performance.now();
    const done = Math.min(total, i + step);
    if (now - lastLog >= S.progressSeconds * 1000 || done === total) {
      const rate = (done - lastDone) / ((now - lastLog) / 1000);
      const avg = done / ((now - tLoad) / 1000);
      log(
        `${done}/${total} events (${((100 * done) / total).toFixed(
          1,
        )}%), ${Math.round(rate)} ev/s now, ${Math.round(
          avg,
        )} ev/s average, ETA ${Math.round((total - done) / avg)}s`,
      );
      lastLog = now;
      lastDone = done;
    }
  }
  const loadSeconds = (performance.now() - tLoad) / 1000;
  if (duplicates > 0)
    throw new Error(`${duplicates} events were answered as duplicates`);

  // Bring the database to the state a running system is in: PostgreSQL's
  // autovacuum would have analysed the tables; SQLite gets no statistics
  // unless someone runs ANALYZE, and the plugin does not.
  const tPost = performance.now();
  if (S.client === 'pg') await db.raw('VACUUM ANALYZE');
  else await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  const postSeconds = (performance.now() - tPost) / 1000;

  const rows: Record<string, number> = {};
  for (const table of [
    'release_ledger_events',
    'release_ledger_releases',
    'release_ledger_incidents',
    'release_ledger_footprints',
  ]) {
    const [r] = await db(table).count({ n: '*' });
    rows[table] = Number(r.n);
  }
  const incidents = await db('release_ledger_incidents')
    .select('attribution')
    .count({ n: '*' })
    .groupBy('attribution');
  let sizeBytes: number | undefined;
  if (S.client === 'pg') {
    const r = await db.raw('SELECT pg_database_size(current_database()) AS n');
    sizeBytes = Number(r.rows[0].n);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs');
    sizeBytes = fs.statSync(S.sqliteFile!).size;
  }
  await db.destroy();
  batchMs.sort((a, b) => a - b);
  const result = {
    releases: history.releases.length,
    events: total,
    eventsByType: counts,
    created,
    rows,
    incidentsByAttribution: Object.fromEntries(
      (incidents as Array<{ attribution: string; n: number | string }>).map(
        r => [r.attribution, Number(r.n)],
      ),
    ),
    generateSeconds: round(genSeconds, 1),
    loadSeconds: round(loadSeconds, 1),
    eventsPerSec: round(total / loadSeconds, 0),
    commitP50Ms: round(batchMs[Math.floor(batchMs.length / 2)], 1),
    commitP95Ms: round(batchMs[Math.floor(batchMs.length * 0.95)], 1),
    postLoadSeconds: round(postSeconds, 1),
    pgAutovacuum: autovacuum,
    autovacuumEmulated: autovacuum === 'off' ? maintenance : undefined,
    // Where the load's database time went: statements by shape, total ms.
    topStatements: queryStats.top(10),
    postLoad: S.client === 'pg' ? 'VACUUM ANALYZE' : 'wal_checkpoint',
    databaseBytes: sizeBytes,
    historyFrom: new Date(history.startMs).toISOString(),
    historyTo: new Date(history.endMs).toISOString(),
  };
  log(
    `loaded ${total} events in ${result.loadSeconds}s (${
      result.eventsPerSec
    } ev/s); ${JSON.stringify(rows)}`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Sums the time of each statement shape (SQL text with IN lists and VALUES
 * collapsed) from knex's query events: where the load's database time goes.
 */
function trackQueries(db: Knex) {
  const started = new Map<string, number>();
  const stats = new Map<string, { n: number; ms: number }>();
  const shape = (sql: string) =>
    sql
      .replace(/\((?:\s*(?:\?|\$\d+)\s*,?)+\)/g, '(…)')
      .replace(/(?:\(…\)\s*,\s*)+\(…\)/g, '(…)')
      .replace(/\s+/g, ' ')
      .slice(0, 160);
  db.on('query', (q: { __knexQueryUid: string }) =>
    started.set(q.__knexQueryUid, performance.now()),
  );
  const done = (q: { __knexQueryUid: string; sql: string }) => {
    const t = started.get(q.__knexQueryUid);
    if (t === undefined) return;
    started.delete(q.__knexQueryUid);
    const k = shape(q.sql);
    const s = stats.get(k) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - t;
    stats.set(k, s);
  };
  db.on('query-response', (_r: unknown, q: any) => done(q));
  db.on('query-error', (_e: unknown, q: any) => done(q));
  return {
    top: (n: number) =>
      [...stats.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, n)
        .map(([sql, s]) => ({ sql, calls: s.n, totalMs: Math.round(s.ms) })),
  };
}

function round(x: number, d: number) {
  return Math.round(x * 10 ** d) / 10 ** d;
}

/**
 * Times the product's metrics read path in-process, per phase, for the org
 * (all footprints), an owner set and an entity, as MetricsService runs it:
 * the packed footprint read (SQL + parsing), the one-pass rollup (scope
 * figures, team rows and contributors together), the rows and contributors
 * out of it, and JSON.stringify of the result. No HTTP, no catalog, no
 * auth: the difference to the HTTP figures is the framework and the catalog
 * calls.
 *
 * For comparison it also times the row path the service used before the
 * packed column (listFootprints with every column mapped to a
 * ReleaseFootprint, computeDoraMetrics for the scope and once per team,
 * topContributors), and checks both give the same answer.
 *
 * It first brings the database's schema up to date (a database kept with
 * BENCH_DB_DIR may predate a migration) and reports how long that took.
 */
async function breakdown() {
  const db = await openKnex(false);
  const tMigrate = performance.now();
  const migrated = await db.migrate.latest({
    directory: path.resolve(
      __dirname,
      '../../plugins/release-ledger-backend/migrations',
    ),
  });
  const migrationSeconds = (performance.now() - tMigrate) / 1000;
  if (migrated[1].length > 0) {
    log(
      `migrated ${migrated[1].join(', ')} in ${migrationSeconds.toFixed(1)}s`,
    );
    // A migration that rewrites rows leaves dead tuples behind; autovacuum
    // would clean them up, and this PostgreSQL may run without it (see
    // load()).
    if (S.client === 'pg') await db.raw('VACUUM ANALYZE');
  }
  const store = new DatabaseMetricsStore(db);
  const to = new Date();
  const days = parseInt(S.window ?? '90d', 10);
  const from = new Date(to.getTime() - days * 86_400_000).toISOString();
  const bandSet = BAND_SETS['dora-2023'];
  const opts = {
    from,
    to: to.toISOString(),
    bandSet,
    minSamples: DEFAULT_MIN_SAMPLES,
  };
  const scopes = [
    { name: 'org', scope: { kind: 'org' } as const },
    {
      name: 'group',
      scope: { kind: 'owners', ownerRefs: S.ownerRefs! } as const,
    },
    {
      name: 'entity',
      scope: { kind: 'entity', entityRef: S.entityRef! } as const,
    },
  ];
  const out: Record<string, unknown> = {
    migrations: migrated[1],
    migrationSeconds: round(migrationSeconds, 1),
  };
  const median = (xs: number[]) =>
    round([...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)], 2);
  for (const { name, scope } of scopes) {
    const parts = {
      teams: scope.kind === 'org',
      contributors: scope.kind !== 'entity',
    };
    const phases: Record<string, number[]> = {
      footprintsSql: [],
      unattributedSql: [],
      compute: [],
      rollups: [],
      json: [],
      total: [],
    };
    const rowPath: Record<string, number[]> = {
      footprintsSql: [],
      compute: [],
      total: [],
    };
    let rows = 0;
    let values = 0;
    let bytes = 0;
    const n = S.repeat ?? 20;
    // The product's path (MetricsService): 3 warm-up calls, then n timed.
    let productAnswer = '';
    for (let i = 0; i < n + 3; i++) {
      const a = performance.now();
      const packed = await store.listPackedFootprints(scope, from);
      const b = performance.now();
      const unattributed = await store.listUnattributedIncidents({
        from,
        entityRefs: scope.kind === 'entity' ? [scope.entityRef] : undefined,
        limit: 100,
      });
      const c = performance.now();
      const rollup = new MetricsRollup({ ...opts, ...parts });
      rollup.addPacked(packed);
      const metrics = rollup.metrics();
      const d = performance.now();
      const extra = {
        ...(parts.teams ? { teams: rollup.teamRows(new Map()) } : {}),
        ...(parts.contributors
          ? { topContributors: rollup.topContributors() }
          : {}),
      };
      const e = performance.now();
      const json = JSON.stringify({ metrics, ...extra, unattributed });
      const f = performance.now();
      if (i === 0) productAnswer = JSON.stringify({ metrics, ...extra });
      if (i < 3) continue; // warm-up
      values = packed.length;
      bytes = json.length;
      phases.footprintsSql.push(b - a);
      phases.unattributedSql.push(c - b);
      phases.compute.push(d - c);
      phases.rollups.push(e - d);
      phases.json.push(f - e);
      phases.total.push(f - a);
    }
    // The row path, as before the packed column, in its own loop (its
    // garbage would otherwise be collected during the product's calls).
    let same = true;
    for (let i = 0; i < n + 3; i++) {
      const g = performance.now();
      const footprints = await store.listFootprints(scope, from);
      const h = performance.now();
      const rowAnswer = {
        metrics: computeDoraMetrics(footprints, opts),
        ...(parts.teams ? { teams: teamsByRows(footprints, opts) } : {}),
        ...(parts.contributors
          ? { topContributors: contributorsByRows(footprints, opts) }
          : {}),
      };
      const k = performance.now();
      if (i === 0) {
        same = JSON.stringify(rowAnswer) === productAnswer;
        if (!same) log(`breakdown ${name}: the two paths DIFFER`);
      }
      if (i < 3) continue; // warm-up
      rows = footprints.length;
      rowPath.footprintsSql.push(h - g);
      rowPath.compute.push(k - h);
      rowPath.total.push(k - g);
    }
    out[name] = {
      footprints: rows,
      packedValues: values,
      jsonBytes: bytes,
      sameAnswer: same,
      medianMs: Object.fromEntries(
        Object.entries(phases).map(([key, v]) => [key, median(v)]),
      ),
      rowPathMedianMs: Object.fromEntries(
        Object.entries(rowPath).map(([key, v]) => [key, median(v)]),
      ),
    };
    log(`breakdown ${name}: ${JSON.stringify(out[name])}`);
  }
  // How the database answers the org read (plan), for the report.
  const sql = store.packedReadSql({ kind: 'org' }, from);
  const plan =
    S.client === 'pg'
      ? (
          await db.raw(`EXPLAIN ${sql.sql.replace('$1', `'${from}'`)}`)
        ).rows.map((r: Record<string, string>) => r['QUERY PLAN'])
      : (await db.raw(`EXPLAIN QUERY PLAN ${sql.sql}`, sql.bindings)).map(
          (r: { detail: string }) => r.detail,
        );
  out.orgFootprintPlan = plan;
  await db.destroy();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/**
 * Top contributing systems from the rows: each release counts for its
 * system (its component when it had none), with the failing components
 * beneath; the owner is the one of a component's latest deployment.
 */
function contributorsByRows(
  footprints: ReleaseFootprint[],
  options: { from: string; to: string },
) {
  type Counts = { failures: number; deployments: number };
  type Component = Counts & {
    entityRef: string;
    ownerRef?: string;
    latest: string;
  };
  const bySystem = new Map<
    string,
    Counts & { components: Map<string, Component> }
  >();
  for (const f of footprints) {
    if (f.environment !== 'production' || !f.isDeployment) continue;
    if (!f.startedAt || f.startedAt < options.from || f.startedAt >= options.to)
      continue;
    const systemRef = f.systemRef ?? f.entityRef;
    let system = bySystem.get(systemRef);
    if (!system) {
      system = { failures: 0, deployments: 0, components: new Map() };
      bySystem.set(systemRef, system);
    }
    let row = system.components.get(f.entityRef);
    if (!row) {
      row = {
        entityRef: f.entityRef,
        ownerRef: f.ownerRef,
        failures: 0,
        deployments: 0,
        latest: f.startedAt,
      };
      system.components.set(f.entityRef, row);
    } else if (
      f.startedAt > row.latest ||
      (f.startedAt === row.latest && (f.ownerRef ?? '') < (row.ownerRef ?? ''))
    ) {
      row.ownerRef = f.ownerRef;
      row.latest = f.startedAt;
    }
    for (const counts of [system, row]) {
      counts.deployments++;
      if (f.failed) counts.failures++;
    }
  }
  const ranked = <T extends Counts>(rows: T[], ref: (r: T) => string) =>
    rows
      .filter(r => r.failures > 0)
      .sort(
        (a, b) =>
          b.failures - a.failures ||
          b.deployments - a.deployments ||
          ref(a).localeCompare(ref(b)),
      );
  return ranked(
    [...bySystem].map(([systemRef, s]) => ({ systemRef, ...s })),
    s => s.systemRef,
  )
    .slice(0, 3)
    .map(({ systemRef, failures, deployments, components }) => ({
      systemRef,
      failures,
      deployments,
      components: ranked([...components.values()], c => c.entityRef).map(
        ({ latest: _latest, ...c }) => c,
      ),
    }));
}

/** Team rows as the service computed them before: one computeDoraMetrics per owner. */
function teamsByRows(
  footprints: ReleaseFootprint[],
  opts: Parameters<typeof computeDoraMetrics>[1],
) {
  const byOwner = new Map<string, ReleaseFootprint[]>();
  for (const f of footprints) {
    if (!f.ownerRef) continue;
    const list = byOwner.get(f.ownerRef);
    if (list) list.push(f);
    else byOwner.set(f.ownerRef, [f]);
  }
  return [...byOwner]
    .map(([groupRef, list]) => {
      const { trend: _trend, ...metrics } = computeDoraMetrics(list, {
        ...opts,
        trend: false,
      });
      return { groupRef, title: undefined, metrics };
    })
    .sort((a, b) => {
      const ra = a.metrics.changeFailureRate.rate ?? -1;
      const rb = b.metrics.changeFailureRate.rate ?? -1;
      if (ra !== rb) return rb - ra;
      return a.groupRef.localeCompare(b.groupRef);
    });
}

(S.mode === 'breakdown' ? breakdown() : load()).then(
  () => process.exit(0),
  e => {
    console.error(`load failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
