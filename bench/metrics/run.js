#!/usr/bin/env node
/*
 * Release Ledger metrics benchmark.
 *
 *   yarn bench:metrics            (sources scripts/dev-env.sh, then runs this file)
 *   BENCH_SCALE=0.1 yarn bench:metrics   (a tenth of the history, a few minutes)
 *
 * Per database (SQLite, then PostgreSQL):
 *   1. starts the real backend on an empty database with a synthetic org as
 *      its catalog (bench/metrics/synthetic.js: 150 groups in 3 levels, 1,000
 *      services) and posts two years of history to it (~400,000 releases,
 *      ~2.5 M events) through POST /api/release-ledger/events, as pipelines
 *      would (bench/metrics/load.js, a child process), until the deferred
 *      projections have caught up; then stops it;
 *   2. starts the real backend on that database (packages/backend plus one
 *      read-only bench plugin with the seed article's plain SQL, see
 *      bench/metrics/baselineBackend.ts) with the org as its catalog;
 *   3. while a live stream posts events for one service through
 *      POST /api/release-ledger/events, times GET /api/release-ledger/metrics
 *      for the org, a department (group) and a service (entity) over 90 days,
 *      then the same three through the baseline, and checks that the live
 *      service's figures follow every accepted batch exactly.
 *
 * Knobs (environment): see bench/README.md. Table on stdout, progress on
 * stderr, figures in bench/metrics/results.json. Exit code 1 on errors (a
 * failed load, a backend that does not come up, a non-2xx answer, a live
 * check that fails); missed targets are reported as MISS.
 */
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  freePort,
  procCpuMs,
  createCleanup,
  runEnvironment,
} = require('../lib/processes');
const {
  BACKEND_DIR,
  request: httpRequest,
  externalAccessConfig,
  startDevBackend,
  waitFor,
  yamlString,
} = require('../lib/devBackend');
const { connectProfiler, profileLines } = require('../lib/profile');
const { spawn } = require('node:child_process');
const synthetic = require('./synthetic');

// --------------------------------------------------------------------------
// Settings
// --------------------------------------------------------------------------
const ROOT = path.resolve(__dirname, '../..');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
/**
 * Only for the catalog's own endpoints (readiness, and timing the catalog
 * calls the ledger makes). The ledger and baseline calls use TOKEN,
 * restricted to release-ledger as documented, so a metrics read that called
 * the catalog with the caller's credentials would fail here too.
 */
const CATALOG_TOKEN = 'bench-catalog-token';
const env = (name, fallback) =>
  process.env[name] === undefined || process.env[name] === ''
    ? fallback
    : process.env[name];
const num = (name, fallback) => Number(env(name, fallback));

const S = {
  targets: env('BENCH_TARGETS', 'sqlite,postgres')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean),
  scale: num('BENCH_SCALE', 1),
  window: env('BENCH_WINDOW', '90d'),
  warmup: num('BENCH_WARMUP', 5),
  repeat: num('BENCH_REPEAT', 30),
  baselineWarmup: num('BENCH_BASELINE_WARMUP', 2),
  baselineRepeat: num('BENCH_BASELINE_REPEAT', 30),
  baselineSlowRepeat: num('BENCH_BASELINE_SLOW_REPEAT', 5),
  loadBatch: num('BENCH_LOAD_BATCH', 1000),
  loadConcurrency: num('BENCH_LOAD_CONCURRENCY', 2),
  parallelLoad: env('BENCH_PARALLEL_LOAD', '1') === '1',
  liveRate: num('BENCH_LIVE_RATE', 250), // events per second
  liveBatch: num('BENCH_LIVE_BATCH', 50),
  liveCheckEvery: num('BENCH_LIVE_CHECK_EVERY', 10), // batches
  pgUrl: env('BENCH_PG_URL', 'postgresql://postgres@127.0.0.1:5432'),
  nodeEnv: env('BENCH_NODE_ENV', 'development'),
  logLevel: env('BENCH_LOG_LEVEL', ''),
  profile: env('BENCH_PROFILE', '') === '1',
  readyTimeoutMs: num('BENCH_READY_TIMEOUT_SECONDS', 600) * 1000,
  settleMs: num('BENCH_SETTLE_SECONDS', 120) * 1000,
  keepTmp: env('BENCH_KEEP_TMP', '') === '1',
  // Keep loaded databases here and reuse them on the next run with the same
  // scale (skips the long load; figures then age with the history's end).
  dbDir: env('BENCH_DB_DIR', ''),
  tmpBase: env('BENCH_TMPDIR', os.tmpdir()),
};
const TARGET_ORG_P95_MS = 300;
const TARGET_ENTITY_P95_MS = 30;
const TARGET_RATIO = 10;

const RUN_ID = `m${Date.now().toString(36)}${process.pid.toString(36)}`;
const METRICS_PATH = '/api/release-ledger/metrics';
const LEDGER_STATUS_PATH = '/api/release-ledger/ledger/status';
const BASELINE_PATH = '/api/bench-baseline/metrics';
const EVENTS_PATH = '/api/release-ledger/events';

const log = (...a) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;
const sleep = ms => new Promise(r => setTimeout(r, ms));

// --------------------------------------------------------------------------
// Cleanup of children, temp dirs and PostgreSQL databases
// --------------------------------------------------------------------------
const pgPrefixes = new Set();
/** Databases BENCH_DB_DIR keeps for the next run: never dropped. */
const keptPgDatabases = new Set();
const benchRun = createCleanup({
  log,
  keepTmp: S.keepTmp,
  dropDatabases: async () => {
    for (const prefix of [...pgPrefixes])
      await dropPgDatabases(prefix).catch(e =>
        log(`could not drop databases ${prefix}*: ${e.message}`),
      );
  },
});
const { children, tmpDirs, stopChild, cleanup } = benchRun;

/** A connection to the PostgreSQL server's `postgres` database. */
function pgAdmin() {
  const { Client } = require(require.resolve('pg', {
    paths: [BACKEND_DIR, ROOT],
  }));
  return new Client({ connectionString: S.pgUrl, database: 'postgres' });
}

async function dropPgDatabases(prefix) {
  const client = pgAdmin();
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, $1) = $2',
      [prefix.length, prefix],
    );
    for (const { datname } of rows) {
      if (keptPgDatabases.has(datname)) continue;
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
    const dropped = rows.filter(r => !keptPgDatabases.has(r.datname)).length;
    if (dropped) log(`postgres: dropped ${dropped} databases ${prefix}*`);
  } finally {
    await client.end();
  }
  pgPrefixes.delete(prefix);
}

// --------------------------------------------------------------------------
// Processes
// --------------------------------------------------------------------------

/**
 * Runs bench/metrics/load.js (posts the history to the backend on `port`)
 * with `settings`; answers the JSON line it prints last.
 */
function runLoader(name, settings) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=8192', path.join(__dirname, 'load.js')],
      {
        cwd: ROOT,
        env: { ...process.env, BENCH_LOAD: JSON.stringify(settings) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.add(child);
    let out = '';
    child.stdout.on('data', c => (out += c));
    child.once('error', reject);
    child.once('exit', (code, sig) => {
      children.delete(child);
      if (code !== 0)
        return reject(new Error(`${name} exited with ${code ?? sig}`));
      const line = out.trim().split('\n').pop();
      try {
        return resolve(JSON.parse(line));
      } catch {
        return reject(new Error(`${name}: no summary line (got ${line})`));
      }
    });
  });
}

function request({ urlPath, ...rest }) {
  // The catalog is read from outside only with its own token.
  const token = urlPath.startsWith('/api/catalog/') ? CATALOG_TOKEN : TOKEN;
  return httpRequest({ urlPath, token, ...rest });
}

async function getJson(port, urlPath, agent) {
  const r = await request({ port, method: 'GET', urlPath, agent });
  if (r.status !== 200)
    throw new Error(`GET ${urlPath}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
  return JSON.parse(r.body);
}

/**
 * Starts the backend on the target's database, with the synthetic org as its
 * only catalog location: for loading (`load`), the dev backend itself
 * (packages/backend, the ledger added through its public default export);
 * for timing, bench/metrics/baselineBackend.ts, the same backend plus the
 * read-only baseline plugin. Ready when the catalog holds the whole org,
 * related; for timing, also once the backend is idle.
 */
async function startBackend(kind, dir, db, catalogPath, { load = false } = {}) {
  const port = await freePort();
  const env = {
    NODE_ENV: S.nodeEnv,
    ...(load ? {} : { BENCH_BASELINE_DB: JSON.stringify(db.knexConfig) }),
    ...(S.logLevel ? { LOG_LEVEL: S.logLevel } : {}),
  };
  const backend = startDevBackend({
    name: `${kind} backend`,
    dir,
    port,
    children,
    entry: load
      ? 'src/index'
      : path.relative(BACKEND_DIR, path.join(__dirname, 'baselineBackend.ts')),
    env,
    inspect: S.profile && !load,
    logName: load ? 'backend-load.log' : 'backend.log',
    configLines: [
      '  database:',
      ...db.backendConfig,
      ...externalAccessConfig([
        {
          token: TOKEN,
          subject: 'release-pipeline',
          plugins: ['release-ledger', 'bench-baseline'],
        },
        {
          token: CATALOG_TOKEN,
          subject: 'bench-catalog',
          plugins: ['catalog'],
        },
      ]),
      'catalog:',
      '  locations:',
      '    - type: file',
      `      target: ${yamlString(catalogPath)}`,
      '      rules:',
      '        - allow: [Component, Group]',
    ],
  });
  const { child, logPath } = backend;
  log(
    `${kind}: backend pid ${child.pid} on 127.0.0.1:${port} (config ${backend.configPath}, log ${logPath})`,
  );

  const t0 = Date.now();
  const deadline = t0 + S.readyTimeoutMs;
  // 1. The ledger answers.
  await waitFor(backend, {
    what: 'ledger',
    urlPath: '/api/release-ledger/releases?limit=1',
    token: TOKEN,
    ok: () => true,
    deadline,
  });
  const tHttp = Date.now();
  // 2. The catalog holds the whole org, related: every group but the root
  //    has its parent, every service its owner.
  const org = synthetic.ORG;
  const count = filter =>
    `/api/catalog/entities/by-query?limit=1&filter=${encodeURIComponent(
      filter,
    )}`;
  let lastLog = 0;
  const progress = (what, n, want) => {
    if (Date.now() - lastLog > 15_000) {
      log(`${kind}: catalog ${what} ${n}/${want}`);
      lastLog = Date.now();
    }
  };
  const groups = 1 + org.departments + org.teams;
  await waitFor(backend, {
    what: 'catalog groups',
    urlPath: count('kind=group,relations.childOf'),
    token: CATALOG_TOKEN,
    ok: b => {
      progress('groups with a parent', b.totalItems, groups - 1);
      return b.totalItems === groups - 1;
    },
    deadline,
  });
  await waitFor(backend, {
    what: 'catalog services',
    urlPath: count('kind=component,relations.ownedBy'),
    token: CATALOG_TOKEN,
    ok: b => {
      progress('services with an owner', b.totalItems, org.services);
      return b.totalItems === org.services;
    },
    deadline,
  });
  const tCatalog = Date.now();
  // 3. The catalog's processing loop keeps working for a while after the
  //    last relation appears (stitching, re-processing): before timing, wait
  //    until the backend is idle (under 0.1 core over 2 s, twice), at most
  //    BENCH_SETTLE_SECONDS, so it does not run alongside the timed calls.
  let quiet = 0;
  let cpu = procCpuMs(child.pid);
  while (
    !load &&
    cpu !== undefined &&
    quiet < 2 &&
    Date.now() - tCatalog < S.settleMs
  ) {
    await backend.race(sleep(2000));
    const next = procCpuMs(child.pid);
    quiet = next - cpu < 200 ? quiet + 1 : 0;
    cpu = next;
  }
  const ready = {
    httpSeconds: (tHttp - t0) / 1000,
    catalogSeconds: (tCatalog - t0) / 1000,
    settledSeconds: load ? undefined : (Date.now() - t0) / 1000,
    settled: load ? undefined : quiet >= 2,
  };
  log(
    `${kind}: ready (HTTP after ${
      ready.httpSeconds
    }s, catalog with ${groups} groups and ${org.services} services after ${
      ready.catalogSeconds
    }s${
      load
        ? ''
        : `, ${ready.settled ? 'idle' : 'still busy'} after ${
            ready.settledSeconds
          }s`
    })`,
  );
  let profiler;
  if (S.profile && !load) profiler = await connectProfiler(logPath, __dirname);
  return { child, port, dir, ready, logPath, profiler };
}

// --------------------------------------------------------------------------
// Timing
// --------------------------------------------------------------------------
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}

/**
 * Sequential GETs on one keep-alive connection: `warmup` calls, then
 * `repeat` measured ones (client wall time, send -> full body read). With
 * `slowRepeat`, a first warm-up call over 1 s cuts the measured calls to it.
 */
async function timeCalls({
  port,
  urlPath,
  serverPid,
  warmup,
  repeat,
  slowRepeat,
}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = async () => {
    const t0 = performance.now();
    const r = await request({ port, method: 'GET', urlPath, agent });
    const ms = performance.now() - t0;
    if (r.status !== 200)
      throw new Error(
        `GET ${urlPath}: HTTP ${r.status} ${r.body.slice(0, 500)}`,
      );
    return { ms, body: r.body };
  };
  let n = repeat;
  let last;
  for (let i = 0; i < warmup; i++) {
    last = await call();
    if (i === 0 && slowRepeat !== undefined && last.ms > 1000)
      n = Math.min(repeat, slowRepeat);
  }
  const cpu0 = procCpuMs(serverPid);
  const times = [];
  const serverMs = [];
  for (let i = 0; i < n; i++) {
    last = await call();
    times.push(last.ms);
    const parsed = JSON.parse(last.body);
    if (parsed.serverMs) serverMs.push(parsed.serverMs);
  }
  const cpu1 = procCpuMs(serverPid);
  agent.destroy();
  const sorted = [...times].sort((a, b) => a - b);
  const out = {
    calls: n,
    p50ms: round(percentile(sorted, 50), 1),
    p95ms: round(percentile(sorted, 95), 1),
    minMs: round(sorted[0], 1),
    maxMs: round(sorted[sorted.length - 1], 1),
    bytes: Buffer.byteLength(last.body),
    serverCpuMsPerCall:
      cpu0 !== undefined && cpu1 !== undefined
        ? round((cpu1 - cpu0) / n, 1)
        : null,
    loadAvg1m: round(os.loadavg()[0], 2),
    answer: JSON.parse(last.body),
  };
  if (serverMs.length) {
    const med = k => {
      const xs = serverMs.map(s => s[k]).sort((a, b) => a - b);
      return round(xs[Math.floor(xs.length / 2)], 1);
    };
    out.serverMedianMs = Object.fromEntries(
      Object.keys(serverMs[0]).map(k => [k, med(k)]),
    );
  }
  return out;
}

// --------------------------------------------------------------------------
// Live ingest: events for the live service through the HTTP API while the
// queries are timed; after every few batches its metrics must match exactly.
// --------------------------------------------------------------------------
function liveStream(port, org) {
  const entityRef = org.liveService.ref;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  // What this run sent; the answer must be the figures before the stream
  // plus exactly these (the live service has no synthetic history, and the
  // window is 90 days, so nothing leaves it during the run).
  const expected = { started: 0, promoted: 0, failures: 0 };
  let base = { started: 0, promoted: 0, failures: 0 };
  const state = {
    events: 0,
    batches: 0,
    checks: 0,
    mismatches: [],
    error: undefined,
    latencies: [],
    projectionWaitsMs: [],
  };
  let stop = false;
  let lastTs = 0;
  let releaseSeq = 0;
  let incidentSeq = 0;
  const queue = [];
  const ts = () => {
    lastTs = Math.max(lastTs + 1, Date.now() - 1000);
    return new Date(lastTs).toISOString();
  };
  // One release of the live service: 4-5 events (+2 with an incident).
  const refill = () => {
    const k = ++releaseSeq;
    const releaseId = `${org.liveService.name}@${RUN_ID}-live-${k}`;
    const ev = (type, extra = {}) => ({
      eventId: `${RUN_ID}-live-${k}-${type}`,
      type,
      releaseId,
      ...extra,
    });
    queue.push(() => ev('release_started', { entityRef, version: `9.${k}.0` }));
    queue.push(() => ev('canary_started', { attributes: { weight: 10 } }));
    if (k % 10 === 3) {
      queue.push(() =>
        ev('rolled_back', { attributes: { reason: 'canary errors' } }),
      );
    } else {
      queue.push(() => ev('promoted'));
      if (k % 8 === 5) {
        // An incident tool that does not know the release: attributed by
        // window to this release (the service's latest promotion).
        const inc = ++incidentSeq;
        queue.push(() => ({
          eventId: `${RUN_ID}-live-inc-${inc}-started`,
          type: 'incident_started',
          entityRef,
          attributes: { incidentId: `L${RUN_ID}-${inc}`, severity: 'SEV-2' },
        }));
        queue.push(() => ({
          eventId: `${RUN_ID}-live-inc-${inc}-resolved`,
          type: 'incident_resolved',
          attributes: { incidentId: `L${RUN_ID}-${inc}` },
        }));
      }
    }
    queue.push(() => ev('release_finished'));
  };
  const tally = e => {
    if (e.type === 'release_started') expected.started++;
    if (e.type === 'promoted') expected.promoted++;
    if (e.type === 'rolled_back') expected.failures++;
    if (e.type === 'incident_started') expected.failures++;
  };
  // Footprints are projected after the answer (the deferred projections):
  // a check first waits until the drain has caught up, as a reader would
  // within a second, and records how long that took.
  const waitForProjections = async () => {
    const t0 = Date.now();
    for (;;) {
      const status = await getJson(port, LEDGER_STATUS_PATH, agent);
      if (status.projections.pendingEvents === 0) break;
      if (Date.now() - t0 > 30_000) {
        throw new Error(
          `projections still behind after 30 s: ${JSON.stringify(status)}`,
        );
      }
      await sleep(20);
    }
    state.projectionWaitsMs.push(Date.now() - t0);
  };
  const check = async label => {
    if (label !== 'before') await waitForProjections();
    const body = await getJson(
      port,
      `${METRICS_PATH}?scope=entity&ref=${encodeURIComponent(
        entityRef,
      )}&window=${S.window}`,
      agent,
    );
    const m = body.metrics;
    const got = {
      started: m.changeFailureRate.deployments,
      promoted: m.deploymentFrequency.deploys,
      failures: m.changeFailureRate.failures,
    };
    if (label === 'before') return got;
    state.checks++;
    const want = {
      started: base.started + expected.started,
      promoted: base.promoted + expected.promoted,
      failures: base.failures + expected.failures,
    };
    if (
      got.started !== want.started ||
      got.promoted !== want.promoted ||
      got.failures !== want.failures
    ) {
      state.mismatches.push({ label, expected: want, got });
      log(
        `live check ${label}: MISMATCH expected ${JSON.stringify(
          want,
        )} got ${JSON.stringify(got)}`,
      );
    }
    return got;
  };
  const intervalMs = (1000 * S.liveBatch) / S.liveRate;
  const run = (async () => {
    const before = await check('before');
    base = { ...before };
    const t0 = performance.now();
    let next = t0;
    while (!stop) {
      const events = [];
      while (events.length < S.liveBatch) {
        if (queue.length === 0) refill();
        const e = queue.shift()();
        e.timestamp = ts();
        events.push(e);
      }
      const b0 = performance.now();
      const r = await request({
        port,
        method: 'POST',
        urlPath: EVENTS_PATH,
        body: JSON.stringify({ events }),
        agent,
      });
      state.latencies.push(performance.now() - b0);
      if (r.status !== 201) {
        state.error = `POST events: HTTP ${r.status} ${r.body.slice(0, 500)}`;
        log(`live stream: ${state.error}`);
        break;
      }
      events.forEach(tally);
      state.events += events.length;
      state.batches++;
      if (state.batches % S.liveCheckEvery === 0)
        await check(`after batch ${state.batches}`);
      next += intervalMs;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      else next = performance.now();
    }
    state.seconds = (performance.now() - t0) / 1000;
    if (!state.error) state.final = await check('final');
    state.before = before;
    agent.destroy();
  })().catch(e => {
    state.error = String(e && e.message);
    log(`live stream: ${state.error}`);
  });
  return {
    state,
    expected,
    async stop() {
      stop = true;
      await run;
      const lat = [...state.latencies].sort((a, b) => a - b);
      return {
        entityRef,
        events: state.events,
        batches: state.batches,
        eventsPerSec: round(state.events / (state.seconds || 1), 1),
        postP50ms: round(percentile(lat, 50), 1),
        postP95ms: round(percentile(lat, 95), 1),
        checks: state.checks,
        sent: { ...expected },
        before: state.before,
        final: state.final,
        mismatches: state.mismatches.slice(0, 10),
        projectionWaitMs: {
          p50: round(
            percentile(
              [...state.projectionWaitsMs].sort((a, b) => a - b),
              50,
            ),
            1,
          ),
          max: round(Math.max(0, ...state.projectionWaitsMs), 1),
        },
        error: state.error,
        pass:
          !state.error &&
          state.mismatches.length === 0 &&
          state.checks >= 1 &&
          state.events > 0,
      };
    },
  };
}

// --------------------------------------------------------------------------
// One database: load, serve, time, check, break down
// --------------------------------------------------------------------------
function databaseKind(kind) {
  if (kind !== 'sqlite' && kind !== 'postgres')
    throw new Error(`unknown target ${kind} (known: sqlite, postgres)`);
  return kind;
}

/** Where a target's databases live, and how the loader and backend reach them. */
function databaseFor(kind, dir) {
  const keepTag = `scale${String(S.scale).replace(/[^0-9]/g, '_')}`;
  const kept = S.dbDir
    ? path.join(path.resolve(S.dbDir), `${kind}-${keepTag}.json`)
    : undefined;
  if (kind === 'sqlite') {
    const sqliteDir = kept
      ? path.join(path.resolve(S.dbDir), `sqlite-${keepTag}`)
      : path.join(dir, 'sqlite');
    fs.mkdirSync(sqliteDir, { recursive: true });
    // backend-defaults opens <connection.directory>/<pluginId>.sqlite.
    const file = path.join(sqliteDir, 'release-ledger.sqlite');
    return {
      kept,
      loader: { client: 'sqlite', sqliteFile: file },
      backendConfig: [
        '    client: better-sqlite3',
        '    connection:',
        `      directory: ${yamlString(sqliteDir)}`,
      ],
      knexConfig: {
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
      },
      /** Removes every database but the ledger's (the catalog etc. start fresh). */
      resetOthers: async ({ all } = {}) => {
        for (const f of fs.readdirSync(sqliteDir))
          if (all || !f.startsWith('release-ledger.sqlite'))
            fs.rmSync(path.join(sqliteDir, f), { force: true });
      },
    };
  }
  if (kind === 'postgres') {
    const prefix = kept ? `bench_metrics_keep_${keepTag}_` : `bench_${RUN_ID}_`;
    // backend-defaults opens the database <prefix><pluginId>.
    const database = `${prefix}release-ledger`;
    if (kept) keptPgDatabases.add(database);
    pgPrefixes.add(prefix);
    const url = new URL(S.pgUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    return {
      kept,
      loader: { client: 'pg', pgUrl: S.pgUrl, pgDatabase: database },
      backendConfig: [
        '    client: pg',
        `    connection: ${yamlString(S.pgUrl)}`,
        `    prefix: ${yamlString(prefix)}`,
      ],
      knexConfig: { client: 'pg', connection: url.toString() },
      prefix,
      resetOthers: async ({ all } = {}) => {
        if (all) keptPgDatabases.delete(database);
        await dropPgDatabases(prefix);
        if (kept) {
          keptPgDatabases.add(database);
          pgPrefixes.add(prefix);
        }
      },
    };
  }
  throw new Error(`unknown target ${kind} (known: sqlite, postgres)`);
}

/** The figures both answers share, for the side-by-side table. */
function productFigures(answer) {
  const m = answer.metrics;
  return {
    deploys: m.deploymentFrequency.deploys,
    deployments: m.changeFailureRate.deployments,
    failures: m.changeFailureRate.failures,
    changeFailureRate: m.changeFailureRate.rate,
    leadTimeP50Ms: m.leadTime.p50Ms,
    leadTimeP90Ms: m.leadTime.p90Ms,
    leadTimeSamples: m.leadTime.sampleSize,
    restoreP50Ms: m.timeToRestore.p50Ms,
    restoreP95Ms: m.timeToRestore.p95Ms,
    restoreSamples: m.timeToRestore.sampleSize,
  };
}

function baselineFigures(answer) {
  const f = answer.figures;
  return {
    deploys: f.deploys,
    deployments: f.deployments,
    failures: f.failures,
    changeFailureRate: f.changeFailureRate,
    leadTimeP50Ms: f.leadTime.p50Ms,
    leadTimeP90Ms: f.leadTime.p90Ms,
    leadTimeSamples: f.leadTime.releases,
    restoreP50Ms: f.timeToRestore.p50Ms,
    restoreP95Ms: f.timeToRestore.p95Ms,
    restoreSamples: f.timeToRestore.releases,
  };
}

/** Size of the ledger's database on disk, after its backend stopped. */
async function databaseBytes(db) {
  if (db.loader.client === 'sqlite') {
    const file = db.loader.sqliteFile;
    return [file, `${file}-wal`]
      .filter(f => fs.existsSync(f))
      .reduce((sum, f) => sum + fs.statSync(f).size, 0);
  }
  const client = pgAdmin();
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pg_database_size($1) AS n', [
      db.loader.pgDatabase,
    ]);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/**
 * Step 1: the synthetic history in a fresh database, posted to the dev
 * backend over HTTP (bench/metrics/load.js) until its deferred projections
 * caught up; the backend is stopped after it.
 */
async function loadTarget(kind, endMs, catalogPath) {
  const dir = fs.mkdtempSync(
    path.join(S.tmpBase, `release-ledger-bench-metrics-${kind}-`),
  );
  tmpDirs.add(dir);
  const db = databaseFor(kind, dir);
  const out = { target: kind };
  if (db.kept && fs.existsSync(db.kept)) {
    out.load = {
      ...JSON.parse(fs.readFileSync(db.kept, 'utf8')),
      reused: true,
    };
    log(
      `${kind}: reusing the database loaded ${out.load.loadedAt} (BENCH_DB_DIR; history ends ${out.load.historyTo})`,
    );
    return { kind, dir, db, out };
  }
  if (db.kept) await db.resetOthers({ all: true });
  const backend = await startBackend(kind, dir, db, catalogPath, {
    load: true,
  });
  try {
    log(
      `${kind}: posting the synthetic history (scale ${S.scale}) to POST /api/release-ledger/events, ${S.loadBatch} events per request, ${S.loadConcurrency} in flight`,
    );
    out.load = await runLoader(`${kind} loader`, {
      label: kind,
      port: backend.port,
      token: TOKEN,
      pgUrl: db.loader.pgUrl,
      pgDatabase: db.loader.pgDatabase,
      scale: S.scale,
      endMs,
      batchSize: S.loadBatch,
      concurrency: S.loadConcurrency,
      progressSeconds: 30,
    });
  } finally {
    await stopChild(backend.child);
  }
  out.load.catalogReadySeconds = backend.ready.catalogSeconds;
  out.load.databaseBytes = await databaseBytes(db);
  out.load.parallel = S.parallelLoad && S.targets.length > 1;
  out.load.loadedAt = new Date().toISOString();
  if (db.kept)
    fs.writeFileSync(db.kept, `${JSON.stringify(out.load, null, 2)}\n`);
  return { kind, dir, db, out };
}

/** Steps 2-3 on a loaded database: serve, time, check. */
async function serveTarget({ kind, dir, db, out }, org, queries, catalogPath) {
  if (db.kept) await db.resetOthers();
  const backend = await startBackend(kind, dir, db, catalogPath);
  out.readiness = backend.ready;
  const { port } = backend;
  const pid = backend.child.pid;
  let live;
  try {
    // Sanity: the two answers count the same deployments (releases started
    // in production in the window) before anything new arrives.
    out.sanity = [];
    for (const q of queries) {
      const p = await getJson(port, q.productPath);
      const b = await getJson(port, q.baselinePath);
      out.sanity.push({
        query: q.name,
        product: p.metrics.changeFailureRate.deployments,
        baseline: b.figures.deployments,
        figures: { ledger: productFigures(p), baseline: baselineFigures(b) },
      });
    }
    for (const s of out.sanity)
      log(
        `${kind}: ${s.query}: deployments in the window: ledger ${s.product}, baseline ${s.baseline}`,
      );

    // The ledger's answers on an idle backend first (no ingest), for
    // comparison with the figures under ingest below.
    // With BENCH_PROFILE=1 the backend is profiled here, where nothing
    // but the query runs.
    const idle = {};
    for (const q of queries) {
      if (backend.profiler) await backend.profiler.start();
      const t = await timeCalls({
        port,
        urlPath: q.productPath,
        serverPid: pid,
        warmup: S.warmup,
        repeat: S.repeat,
      });
      if (backend.profiler)
        t.profile = await backend.profiler.stop(`${kind}-${q.name}`);
      delete t.answer;
      idle[q.name] = t;
      log(
        `${kind}: ledger ${q.name}, idle backend: p50 ${t.p50ms} ms, p95 ${t.p95ms} ms`,
      );
    }

    // 3. Time, with live ingest running.
    live = liveStream(port, org);
    out.rows = [];
    for (const q of queries) {
      log(
        `${kind}: ledger ${q.name} (${q.productPath}): ${S.warmup} warm-up + ${S.repeat} calls`,
      );
      const product = await timeCalls({
        port,
        urlPath: q.productPath,
        serverPid: pid,
        warmup: S.warmup,
        repeat: S.repeat,
      });
      log(
        `${kind}: ledger ${q.name}: p50 ${product.p50ms} ms, p95 ${product.p95ms} ms, ${product.bytes} bytes, load ${product.loadAvg1m}`,
      );
      out.rows.push({ query: q.name, q, product, idle: idle[q.name] });
    }
    // The catalog calls the ledger makes per metrics answer, timed from
    // outside (with the catalog token; the ledger makes them with its own
    // credentials) — the catalog's share of the figures above:
    // all groups with relations (group and org scopes), the entities owned by
    // the department's groups (group scope), one entity by name (entity scope).
    out.catalog = {};
    const group = queries.find(x => x.name === 'group');
    const entity = queries.find(x => x.name === 'entity');
    const [ek, en] = entity.ref.split(':');
    const catalogCalls = {
      groups: `/api/catalog/entities?filter=kind=group&fields=${[
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
        'spec.parent',
        'spec.children',
        'relations',
      ].join(',')}`,
      ownedBy: `/api/catalog/entities?filter=${group.ownerRefs
        .map(g => `relations.ownedBy=${encodeURIComponent(g)}`)
        .join(',')}&fields=kind,metadata.name,metadata.namespace`,
      entityByName: `/api/catalog/entities/by-name/${ek}/${en}`,
    };
    for (const [name, urlPath] of Object.entries(catalogCalls)) {
      const t = await timeCalls({
        port,
        urlPath,
        serverPid: pid,
        warmup: S.warmup,
        repeat: S.repeat,
      });
      delete t.answer;
      out.catalog[name] = { urlPath, ...t };
      log(
        `${kind}: catalog ${name}: p50 ${t.p50ms} ms, p95 ${t.p95ms} ms, ${t.bytes} bytes`,
      );
    }
    for (const row of out.rows) {
      const q = row.q;
      log(
        `${kind}: baseline ${q.name} (${q.baselinePath}): ${S.baselineWarmup} warm-up + up to ${S.baselineRepeat} calls`,
      );
      row.baseline = await timeCalls({
        port,
        urlPath: q.baselinePath,
        serverPid: pid,
        warmup: S.baselineWarmup,
        repeat: S.baselineRepeat,
        slowRepeat: S.baselineSlowRepeat,
      });
      log(
        `${kind}: baseline ${q.name}: p50 ${row.baseline.p50ms} ms, p95 ${row.baseline.p95ms} ms (${row.baseline.calls} calls), load ${row.baseline.loadAvg1m}`,
      );
    }
    out.live = await live.stop();
    live = undefined;
    log(
      `${kind}: live stream: ${out.live.events} events in ${
        out.live.batches
      } batches (${out.live.eventsPerSec}/s), ${out.live.checks} checks, ${
        out.live.pass ? 'all exact' : 'FAILED'
      } (each after the projections caught up: p50 ${
        out.live.projectionWaitMs.p50
      } ms, max ${out.live.projectionWaitMs.max} ms)`,
    );
  } finally {
    if (live) await live.stop().catch(() => undefined);
    if (backend.profiler) backend.profiler.close();
    await stopChild(backend.child);
  }

  if (db.prefix) await dropPgDatabases(db.prefix);
  else if (db.kept) await db.resetOthers();
  return out;
}

// --------------------------------------------------------------------------
// Report
// --------------------------------------------------------------------------
function pad(s, n, right) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}
const fmtMs = x => (x == null ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtDur = ms => {
  if (ms == null) return '-';
  const h = ms / 3_600_000;
  return h >= 1 ? `${h.toFixed(1)}h` : `${(ms / 60_000).toFixed(0)}m`;
};

function report(results) {
  const lines = [];
  const head = [
    pad('db', 8),
    pad('query', 6),
    pad('releases', 8, 1),
    pad('idle p50', 8, 1),
    pad('p95', 6, 1),
    pad('ledger p50', 10, 1),
    pad('p95 ms', 7, 1),
    pad('KiB', 5, 1),
    pad('baseline p50', 12, 1),
    pad('p95 ms', 8, 1),
    pad('calls', 5, 1),
    pad('ratio p50', 9, 1),
    pad('ratio p95', 9, 1),
  ].join('  ');
  lines.push(
    '',
    `GET ${S.window} metrics, client wall time in ms (idle: no ingest; ledger and baseline: while ~${S.liveRate} events/s are posted; ratio = baseline / ledger):`,
    head,
    '-'.repeat(head.length),
  );
  const targets = [];
  for (const r of results) {
    for (const row of r.rows ?? []) {
      const p = row.product;
      const b = row.baseline;
      row.ratioP50 = round(b.p50ms / p.p50ms, 1);
      row.ratioP95 = round(b.p95ms / p.p95ms, 1);
      // Releases started in the window, as the ledger counted them before
      // the live stream.
      const started = r.sanity?.find(x => x.query === row.query)?.product;
      lines.push(
        [
          pad(r.target, 8),
          pad(row.query, 6),
          pad(started ?? '-', 8, 1),
          pad(fmtMs(row.idle?.p50ms), 8, 1),
          pad(fmtMs(row.idle?.p95ms), 6, 1),
          pad(fmtMs(p.p50ms), 10, 1),
          pad(fmtMs(p.p95ms), 7, 1),
          pad(Math.round(p.bytes / 1024), 5, 1),
          pad(fmtMs(b.p50ms), 12, 1),
          pad(fmtMs(b.p95ms), 8, 1),
          pad(b.calls, 5, 1),
          pad(`${row.ratioP50}x`, 9, 1),
          pad(`${row.ratioP95}x`, 9, 1),
        ].join('  '),
      );
      if (row.query === 'org')
        targets.push({
          target: r.target,
          goal: `org ${S.window} p95 < ${TARGET_ORG_P95_MS} ms`,
          actual: `${p.p95ms} ms`,
          pass: p.p95ms < TARGET_ORG_P95_MS,
        });
      if (row.query === 'entity')
        targets.push({
          target: r.target,
          goal: `entity ${S.window} p95 < ${TARGET_ENTITY_P95_MS} ms`,
          actual: `${p.p95ms} ms`,
          pass: p.p95ms < TARGET_ENTITY_P95_MS,
        });
      targets.push({
        target: r.target,
        goal: `${row.query}: baseline/ledger >= ${TARGET_RATIO}x (median)`,
        actual: `${row.ratioP50}x (p95 ${row.ratioP95}x)`,
        pass: row.ratioP50 >= TARGET_RATIO,
      });
    }
    if (r.live)
      targets.push({
        target: r.target,
        goal: 'live ingest: entity figures exact after every checked batch',
        actual: `${r.live.checks} checks, ${r.live.events} events at ${
          r.live.eventsPerSec
        }/s${r.live.error ? `, error ${r.live.error}` : ''}${
          r.live.mismatches.length
            ? `, ${r.live.mismatches.length} mismatches`
            : ''
        }`,
        pass: r.live.pass,
        check: true,
      });
  }

  lines.push(
    '',
    'Figures before the live stream (ledger | baseline; the baseline follows the seed SQL: lead time per release, MTTR from named incidents only):',
  );
  const fhead = [
    pad('db', 8),
    pad('query', 6),
    pad('deployments', 15, 1),
    pad('failures', 13, 1),
    pad('CFR', 13, 1),
    pad('lead p50', 11, 1),
    pad('lead p90', 11, 1),
    pad('MTTR p50', 11, 1),
    pad('MTTR p95', 11, 1),
  ].join('  ');
  lines.push(fhead, '-'.repeat(fhead.length));
  for (const r of results) {
    for (const row of r.rows ?? []) {
      // Answers from before the live stream started, so both see the same events.
      const { ledger: a, baseline: b } = r.sanity.find(
        s => s.query === row.query,
      ).figures;
      const pair = (x, y) => `${x} | ${y}`;
      const pct = x => (x == null ? '-' : `${(x * 100).toFixed(1)}%`);
      lines.push(
        [
          pad(r.target, 8),
          pad(row.query, 6),
          pad(pair(a.deployments, b.deployments), 15, 1),
          pad(pair(a.failures, b.failures), 13, 1),
          pad(pair(pct(a.changeFailureRate), pct(b.changeFailureRate)), 13, 1),
          pad(pair(fmtDur(a.leadTimeP50Ms), fmtDur(b.leadTimeP50Ms)), 11, 1),
          pad(pair(fmtDur(a.leadTimeP90Ms), fmtDur(b.leadTimeP90Ms)), 11, 1),
          pad(pair(fmtDur(a.restoreP50Ms), fmtDur(b.restoreP50Ms)), 11, 1),
          pad(pair(fmtDur(a.restoreP95Ms), fmtDur(b.restoreP95Ms)), 11, 1),
        ].join('  '),
      );
    }
  }

  lines.push(
    '',
    `Load (POST /api/release-ledger/events, time-ordered batches of ${S.loadBatch}, ${S.loadConcurrency} in flight, until the deferred projections caught up):`,
  );
  for (const r of results) {
    if (!r.load) continue;
    const l = r.load;
    lines.push(
      `  ${pad(r.target, 8)} ${l.events} events, ${l.releases} releases in ${
        l.loadSeconds
      }s = ${l.eventsPerSec} ev/s${
        l.reused ? ` (kept database, loaded ${l.loadedAt})` : ''
      } (posted in ${l.postSeconds}s, POST p50 ${l.postP50Ms} ms, p95 ${
        l.postP95Ms
      } ms; projections caught up ${l.drainSeconds}s later, at most ${
        l.maxQueuedEvents
      } events waiting)${
        l.postLoad ? `; ${l.postLoad} ${l.postLoadSeconds}s` : ''
      }; database ${(l.databaseBytes / 2 ** 20).toFixed(
        0,
      )} MiB; catalog ready after ${r.readiness?.catalogSeconds ?? '-'}s`,
    );
  }

  lines.push(
    '',
    'Catalog calls the ledger makes per answer (timed from outside, with the catalog token), p50/p95 ms:',
  );
  for (const r of results) {
    if (!r.catalog) continue;
    lines.push(
      `  ${pad(r.target, 8)} ${Object.entries(r.catalog)
        .map(
          ([k, c]) =>
            `${k} ${fmtMs(c.p50ms)}/${fmtMs(c.p95ms)} (${Math.round(
              c.bytes / 1024,
            )} KiB)`,
        )
        .join(', ')}`,
    );
  }

  lines.push('', 'Targets:');
  for (const t of targets)
    lines.push(
      `  ${pad(t.pass ? 'PASS' : t.check ? 'FAIL' : 'MISS', 4)}  ${pad(
        t.target,
        8,
      )} ${pad(t.goal, 58)} actual ${t.actual}`,
    );
  console.log(lines.join('\n'));
  return targets;
}

function printProfiles(results) {
  for (const r of results)
    for (const row of r.rows ?? []) {
      const p = row.idle?.profile;
      if (!p) continue;
      console.log(
        [
          '',
          ...profileLines(
            `CPU profile of the backend, ${r.target} / ${row.query}, idle backend`,
            p,
          ),
        ].join('\n'),
      );
    }
}

// --------------------------------------------------------------------------
// Main
// --------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  log(
    `run ${RUN_ID}; targets ${S.targets.join(', ')}; scale ${S.scale}${
      S.profile ? ' (PROFILING: figures not comparable)' : ''
    }`,
  );
  const loadBefore = os.loadavg()[0];
  if (loadBefore > 0.7)
    log(
      `warning: 1-minute load average is ${loadBefore.toFixed(
        2,
      )} before the run (${
        os.cpus().length
      } CPUs): other work on the machine skews all figures`,
    );

  // The org and its catalog file (shared by both targets).
  const org = synthetic.buildOrg();
  const shared = fs.mkdtempSync(
    path.join(S.tmpBase, 'release-ledger-bench-metrics-org-'),
  );
  tmpDirs.add(shared);
  const catalogPath = path.join(shared, 'org.yaml');
  fs.writeFileSync(catalogPath, synthetic.catalogYaml(org));
  // History ends now (to the second); each target loads the same events.
  const endMs = Math.floor(Date.now() / 1000) * 1000;

  // What to query: the department with the most release weight, and the
  // busiest service (the entity with the most footprints: worst case).
  const byWeight = [...org.services].sort((a, b) => b.weight - a.weight);
  const entity = byWeight[0];
  const deptWeight = new Map();
  for (const s of org.services) {
    const d = org.deptOf.get(s.owner);
    deptWeight.set(d, (deptWeight.get(d) || 0) + s.weight);
  }
  const dept = [...deptWeight.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const deptName = dept.split('/')[1];
  const ownerRefs = [
    dept,
    ...org.departments
      .find(d => d.name === deptName)
      .children.map(t => `group:default/${t}`),
  ].sort();
  const w = `window=${S.window}`;
  const queries = [
    {
      name: 'org',
      productPath: `${METRICS_PATH}?scope=org&${w}`,
      baselinePath: `${BASELINE_PATH}?scope=org&${w}`,
    },
    {
      name: 'group',
      ref: dept,
      ownerRefs,
      productPath: `${METRICS_PATH}?scope=group&ref=${encodeURIComponent(
        dept,
      )}&${w}`,
      baselinePath: `${BASELINE_PATH}?scope=group&ref=${encodeURIComponent(
        dept,
      )}&${w}`,
    },
    {
      name: 'entity',
      ref: entity.ref,
      productPath: `${METRICS_PATH}?scope=entity&ref=${encodeURIComponent(
        entity.ref,
      )}&${w}`,
      baselinePath: `${BASELINE_PATH}?scope=entity&ref=${encodeURIComponent(
        entity.ref,
      )}&${w}`,
    },
  ];
  log(
    `org: ${org.groups.length} groups (1 organization, ${org.departments.length} departments, ${org.teams.length} teams), ${org.services.length} services; group query ${dept} (${ownerRefs.length} groups), entity query ${entity.ref} (busiest service), live service ${org.liveService.ref}`,
  );

  const results = [];
  let failed = false;
  const serve = async loaded => {
    try {
      results.push(await serveTarget(loaded, org, queries, catalogPath));
    } catch (e) {
      failed = true;
      log(`${loaded.kind} failed: ${e && e.stack ? e.stack : e}`);
      results.push({ ...loaded.out, error: String(e && e.message) });
    }
  };
  for (const t of S.targets) databaseKind(t);
  if (S.parallelLoad && S.targets.length > 1) {
    // Load every database at once (the loads are long; timing waits until
    // all are done, so nothing else runs while queries are timed).
    const settled = await Promise.allSettled(
      S.targets.map(t => loadTarget(t, endMs, catalogPath)),
    );
    const bad = settled.find(x => x.status === 'rejected');
    if (bad) {
      failed = true;
      log(`load failed: ${bad.reason && bad.reason.stack}`);
    } else {
      for (const x of settled) {
        if (benchRun.interrupted || failed) break;
        await serve(x.value);
      }
    }
  } else {
    for (const target of S.targets) {
      if (benchRun.interrupted || failed) break;
      try {
        await serve(await loadTarget(target, endMs, catalogPath));
      } catch (e) {
        failed = true;
        log(`${target} failed: ${e && e.stack ? e.stack : e}`);
        results.push({ target, error: String(e && e.message) });
      }
    }
  }
  if (benchRun.interrupted) return 130;
  const targets = report(results);
  if (S.profile) printProfiles(results);
  if (targets.some(t => t.check && !t.pass)) failed = true;
  const result = {
    runId: RUN_ID,
    date: new Date().toISOString(),
    ...runEnvironment(ROOT),
    settings: S,
    org: {
      groups: org.groups.length,
      departments: org.departments.length,
      teams: org.teams.length,
      services: org.services.length,
      groupQuery: { ref: dept, groups: ownerRefs.length },
      entityQuery: entity.ref,
      liveService: org.liveService.ref,
    },
    loadAvg1mBefore: round(loadBefore, 2),
    loadAvg1mAfter: round(os.loadavg()[0], 2),
    durationSeconds: round((Date.now() - started) / 1000, 1),
    results: results.map(r => ({
      ...r,
      rows: (r.rows ?? []).map(({ q, product, baseline, ...rest }) => ({
        ...rest,
        productPath: q.productPath,
        baselinePath: q.baselinePath,
        idle: rest.idle && { ...rest.idle, profile: undefined },
        product: { ...product, answer: undefined },
        baseline: {
          ...baseline,
          answer: baseline.answer && {
            rows: baseline.answer.rows,
            serverMs: baseline.answer.serverMs,
          },
        },
      })),
    })),
    targets,
    ok: !failed,
  };
  if (S.profile) {
    log('profiled run: results.json not written');
  } else {
    fs.writeFileSync(
      path.join(__dirname, 'results.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    log(`wrote bench/metrics/results.json (total ${result.durationSeconds}s)`);
  }
  return failed ? 1 : 0;
}

main()
  .then(
    code => cleanup().then(() => code),
    e => {
      console.error(`bench failed: ${e && e.stack ? e.stack : e}`);
      return cleanup().then(() => 1);
    },
  )
  .then(code => process.exit(code));
