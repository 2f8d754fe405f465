#!/usr/bin/env node
/*
 * Release Ledger ingest benchmark.
 *
 *   yarn bench:ingest            (sources scripts/dev-env.sh, then runs this file)
 *
 * Measures POST /api/release-ledger/events throughput and latency against:
 *   ceiling         a bare Node http server that only reads + JSON.parses the body (child process)
 *   floor           the dev backend with a bench-only no-op authenticated route (floorBackend.ts)
 *   sqlite-store    the real backend on SQLite with releaseLedger.benchmark.eventLogOnly: the event log alone
 *   sqlite          the real backend (packages/backend) on better-sqlite3 in a fresh temp dir
 *   postgres-store  the event log alone on PostgreSQL
 *   postgres        the real backend on PostgreSQL (127.0.0.1:5432), fresh databases under a unique prefix
 * for two scenarios: single events (one event per request) and batches of 500 events; on
 * sqlite/postgres also a drain-lag scenario: paced batches, and per batch the time from its
 * 201 until the deferred projectors have committed its events (read from the database).
 *
 * Knobs (environment): see bench/README.md. Exit code 1 on any non-201 answer, setup failure,
 * or a posted release without its footprint at the end.
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
const { connectProfiler, profileLines } = require('../lib/profile');
const { request: devBackendRequest } = require('../lib/devBackend');
const { spawn, fork } = require('node:child_process');

// --------------------------------------------------------------------------
// Ceiling server mode (child process): read body, JSON.parse, answer 201.
// --------------------------------------------------------------------------
if (process.argv[2] === '--ceiling-server') {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(e) }));
        return;
      }
      const n = Array.isArray(body && body.events) ? body.events.length : 1;
      const out = JSON.stringify({ ok: true, n });
      res.writeHead(201, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(out),
      });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () =>
    process.send({ port: server.address().port }),
  );
  process.on('disconnect', () => process.exit(0));
  return;
}

// --------------------------------------------------------------------------
// Settings
// --------------------------------------------------------------------------
const ROOT = path.resolve(__dirname, '../..');
const BACKEND_DIR = path.join(ROOT, 'packages/backend');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
const env = (name, fallback) =>
  process.env[name] === undefined || process.env[name] === ''
    ? fallback
    : process.env[name];
const num = (name, fallback) => Number(env(name, fallback));

const S = {
  targets: env(
    'BENCH_TARGETS',
    'ceiling,floor,sqlite-store,sqlite,postgres-store,postgres',
  )
    .split(',')
    .map(s => s.trim())
    .filter(Boolean),
  warmupMs: num('BENCH_WARMUP_SECONDS', 2) * 1000,
  singleMs: num('BENCH_SINGLE_SECONDS', 10) * 1000,
  singleConcurrency: num('BENCH_SINGLE_CONCURRENCY', 16),
  batchSize: num('BENCH_BATCH_SIZE', 500),
  batchWarmup: num('BENCH_BATCH_WARMUP', 4),
  batchCount: num('BENCH_BATCH_COUNT', 40),
  batchConcurrency: num('BENCH_BATCH_CONCURRENCY', 2),
  batchMaxMs: num('BENCH_BATCH_MAX_SECONDS', 30) * 1000,
  lagMs: num('BENCH_LAG_SECONDS', 15) * 1000, // 0 skips the drain-lag scenario
  lagRate: num('BENCH_LAG_RATE', 10_000), // events/s, in batches of batchSize
  lagConnections: num('BENCH_LAG_CONNECTIONS', 8),
  lagPollMs: num('BENCH_LAG_POLL_MS', 25),
  lagMaxWaitMs: num('BENCH_LAG_MAX_WAIT_SECONDS', 120) * 1000,
  pgUrl: env('BENCH_PG_URL', 'postgresql://postgres@127.0.0.1:5432'),
  nodeEnv: env('BENCH_NODE_ENV', 'development'),
  logLevel: env('BENCH_LOG_LEVEL', ''), // '' = backend default (info: one log line per request)
  profile: env('BENCH_PROFILE', '') === '1',
  readyTimeoutMs: num('BENCH_READY_TIMEOUT_SECONDS', 150) * 1000,
  keepTmp: env('BENCH_KEEP_TMP', '') === '1',
  tmpBase: env('BENCH_TMPDIR', os.tmpdir()), // where the SQLite files live (fsync cost depends on it)
};
const TARGET_SINGLE_FLOOR_RATIO = 0.5;
const TARGET_BATCH_STORE_RATIO = 0.6;
const TARGET_BATCH_EPS = 20_000;
const TARGET_LAG_P95_MS = 2_000;
/** Targets that run the real backend (full path, or the event log alone), by database. */
const BACKEND_TARGETS = {
  sqlite: 'sqlite',
  'sqlite-store': 'sqlite',
  postgres: 'postgres',
  'postgres-store': 'postgres',
};
const STORE_OF = { sqlite: 'sqlite-store', postgres: 'postgres-store' };

const SERVICES = [
  'payments-api',
  'ledger-service',
  'invoice-worker',
  'storefront-web',
  'cart-service',
  'search-service',
  'api-gateway',
  'auth-service',
];
const RUN_ID = `bench-${Date.now().toString(36)}-${process.pid.toString(36)}`;
const EVENTS_PATH = '/api/release-ledger/events';
/** The bench-only no-op endpoint of bench/ingest/floorBackend.ts. */
const FLOOR_PATH = '/api/bench-floor/events';

const log = (...a) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// --------------------------------------------------------------------------
// Cleanup of children, temp dirs and PostgreSQL databases
// --------------------------------------------------------------------------
const pgPrefixes = new Set();
const benchRun = createCleanup({
  log,
  keepTmp: S.keepTmp,
  hardExitMs: 20_000,
  dropDatabases: async () => {
    for (const prefix of pgPrefixes)
      await dropPgDatabases(prefix).catch(e =>
        log(`could not drop databases ${prefix}*: ${e.message}`),
      );
  },
});
const { children, tmpDirs, stopChild, cleanup } = benchRun;

// --------------------------------------------------------------------------
// Event generation: fresh releases across the 8 demo services, each going
// through a realistic lifecycle; many releases interleaved.
// --------------------------------------------------------------------------
// The demo seeder's seeded PRNG: the same generator, so runs are comparable.
const { rng } = require('../../scripts/demo-seed');

const TITLES = [
  'feat: add idempotency keys to refunds',
  'fix: handle null currency in tax calc',
  'perf: cache exchange rates for 60s',
  'fix: close DB connections on shutdown',
  'feat: per-tenant rate limits',
  'perf: batch ledger writes',
];

/**
 * Returns next(): the next event of a stream over `active` interleaved
 * releases. Per release: sometimes 1-2 pr_merged, then release_started,
 * canary_started (sometimes a second, higher weight), promoted, and about
 * half the time release_finished. Every event carries its entityRef.
 */
function eventStream(
  tag,
  active,
  seed,
  base = Date.parse('2026-11-27T00:00:00Z'),
) {
  const random = rng(seed);
  let releaseSeq = 0;
  let eventSeq = 0;
  let prSeq = 1;
  const newRelease = () => {
    const k = releaseSeq++;
    const service = SERVICES[k % SERVICES.length];
    const steps = [];
    const prs = random() < 0.3 ? 1 + Math.floor(random() * 2) : 0;
    for (let i = 0; i < prs; i++) {
      steps.push({
        type: 'pr_merged',
        attributes: {
          prNumber: prSeq++,
          title: TITLES[Math.floor(random() * TITLES.length)],
        },
      });
    }
    steps.push({ type: 'release_started', version: `1.${k}.0` });
    steps.push({
      type: 'canary_started',
      attributes: { weight: 5 + Math.floor(random() * 20) },
    });
    if (random() < 0.3)
      steps.push({ type: 'canary_started', attributes: { weight: 50 } });
    steps.push({ type: 'promoted' });
    if (random() < 0.5) steps.push({ type: 'release_finished' });
    return {
      releaseId: `${service}@${RUN_ID}-${tag}-r${k}`,
      entityRef: `component:default/${service}`,
      t0: base + k * 60_000,
      steps,
      i: 0,
    };
  };
  const pool = Array.from({ length: active }, newRelease);
  let slot = 0;
  return () => {
    const r = pool[slot];
    const step = r.steps[r.i];
    const e = {
      eventId: `${RUN_ID}-${tag}-e${eventSeq++}`,
      type: step.type,
      releaseId: r.releaseId,
      entityRef: r.entityRef,
      timestamp: new Date(r.t0 + r.i * 30_000).toISOString(),
    };
    if (step.version) e.version = step.version;
    if (step.attributes) e.attributes = step.attributes;
    r.i++;
    if (r.i >= r.steps.length) pool[slot] = newRelease();
    slot = (slot + 1) % pool.length;
    return e;
  };
}

// --------------------------------------------------------------------------
// HTTP client and load generator
// --------------------------------------------------------------------------
/** One request with the dev token (bench/lib/devBackend.js), a minute to answer. */
const request = options =>
  devBackendRequest({ token: TOKEN, timeoutMs: 60_000, ...options });

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}

/**
 * Runs `concurrency` workers over keep-alive connections. Warm-up is either
 * by time (warmupMs) or by request count (warmupRequests); measurement is
 * either by time (durationMs) or by request count (count, capped by maxMs).
 * Only requests started in the measurement phase are counted; the window
 * runs from the phase start to the last measured answer.
 */
async function runLoad({
  port,
  urlPath,
  serverPid,
  concurrency,
  nextBody,
  warmupMs,
  warmupRequests,
  durationMs,
  count,
  maxMs,
}) {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: concurrency,
    maxFreeSockets: concurrency,
  });
  const latencies = [];
  let events = 0;
  let requests = 0;
  let errors = 0;
  let firstError;
  let issued = 0;
  let measuring = false;
  let measureStart = 0;
  let lastEnd = 0;
  let stop = false;
  let deadline = Infinity;
  let serverCpu0;
  let clientCpu0;
  const startMeasuring = () => {
    measuring = true;
    serverCpu0 = procCpuMs(serverPid);
    clientCpu0 = process.cpuUsage();
    measureStart = performance.now();
    deadline = measureStart + (durationMs ?? maxMs ?? Infinity);
  };
  const warmStart = performance.now();
  if (!warmupMs && !warmupRequests) startMeasuring();

  const worker = async () => {
    while (!stop) {
      const now = performance.now();
      if (!measuring && warmupMs && now - warmStart >= warmupMs)
        startMeasuring();
      if (!measuring && warmupRequests && issued >= warmupRequests)
        startMeasuring();
      if (
        measuring &&
        (now >= deadline ||
          (count !== undefined && requests + inflightMeasured >= count))
      )
        break;
      const { body, n } = nextBody();
      const counted = measuring;
      issued++;
      if (counted) inflightMeasured++;
      const t0 = performance.now();
      let res;
      try {
        res = await request({
          port,
          method: 'POST',
          urlPath,
          body,
          agent,
        });
      } catch (e) {
        res = { status: 0, body: String(e && e.message) };
      }
      const t1 = performance.now();
      if (counted) inflightMeasured--;
      if (res.status !== 201) {
        errors++;
        if (!firstError)
          firstError = `HTTP ${res.status}: ${res.body.slice(0, 2000)}`;
        stop = true; // the run has failed; stop issuing
        break;
      }
      if (counted) {
        requests++;
        events += n;
        latencies.push(t1 - t0);
        lastEnd = t1;
      }
    }
  };
  let inflightMeasured = 0;
  await Promise.all(Array.from({ length: concurrency }, worker));
  const serverCpu1 = procCpuMs(serverPid);
  const clientCpu = process.cpuUsage(clientCpu0);
  agent.destroy();
  const seconds = Math.max(1e-9, (lastEnd - measureStart) / 1000);
  latencies.sort((a, b) => a - b);
  return {
    requests,
    events,
    seconds: round(seconds, 3),
    eventsPerSec: requests ? round(events / seconds, 1) : 0,
    requestsPerSec: requests ? round(requests / seconds, 1) : 0,
    p50ms: round(percentile(latencies, 50), 2),
    p95ms: round(percentile(latencies, 95), 2),
    p99ms: round(percentile(latencies, 99), 2),
    maxMs: round(latencies[latencies.length - 1], 2),
    // CPU of the server's main process (the backend's node process; not PostgreSQL) per event, and its
    // share of one core over the window: less sensitive to other load on the machine than events/s.
    serverCpuMsPerEvent:
      serverCpu0 !== undefined && serverCpu1 !== undefined && events
        ? round((serverCpu1 - serverCpu0) / events, 4)
        : null,
    serverCpuCores:
      serverCpu0 !== undefined && serverCpu1 !== undefined
        ? round((serverCpu1 - serverCpu0) / 1000 / seconds, 2)
        : null,
    clientCpuCores: round(
      (clientCpu.user + clientCpu.system) / 1e6 / seconds,
      2,
    ),
    errors,
    firstError,
  };
}

const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;

/** `posted` (optional) collects the release ids of every body handed out (for the footprint check). */
function singleBodies(tag, posted) {
  const next = eventStream(`${tag}-single`, 64, 1);
  return () => {
    const e = next();
    posted?.add(e.releaseId);
    return { body: JSON.stringify(e), n: 1 };
  };
}

/**
 * Pre-built batch bodies (serialising 500 events is client work, kept out of the timing).
 * `next()` also answers the batch's release ids. Options (the lag scenario):
 * `eventId(b, i)` names event i of batch b (it finds a batch's events in the database by
 * their id range); `base` is the first release's start (its many releases, one a minute,
 * must not reach more than a day into the future, which ingest refuses).
 */
function batchBodies(
  tag,
  total,
  cycle = false,
  posted,
  { eventId, base } = {},
) {
  const next = eventStream(`${tag}-batch`, 100, 2, base);
  const bodies = [];
  const releasesOf = [];
  for (let b = 0; b < total; b++) {
    const events = Array.from({ length: S.batchSize }, next);
    if (eventId) events.forEach((e, i) => (e.eventId = eventId(b, i)));
    bodies.push(JSON.stringify({ events }));
    releasesOf.push([...new Set(events.map(e => e.releaseId))]);
  }
  let i = 0;
  return {
    bytes: bodies.reduce((a, b) => a + b.length, 0) / bodies.length,
    count: bodies.length,
    next: () => {
      if (cycle && i >= bodies.length) i = 0;
      if (i >= bodies.length)
        throw new Error('ran out of pre-built batch bodies');
      const releases = releasesOf[i];
      if (posted) for (const r of releases) posted.add(r);
      return { body: bodies[i++], n: S.batchSize, releases };
    },
  };
}

async function runScenarios(target, port, serverPid, profiler, posted) {
  const urlPath = target === 'floor' ? FLOOR_PATH : EVENTS_PATH;
  const out = [];
  {
    log(
      `${target}: single events, ${S.singleConcurrency} connections, warm-up ${
        S.warmupMs / 1000
      }s + ${S.singleMs / 1000}s`,
    );
    if (profiler) await profiler.start();
    const r = await runLoad({
      port,
      urlPath,
      serverPid,
      concurrency: S.singleConcurrency,
      nextBody: singleBodies(target, posted),
      warmupMs: S.warmupMs,
      durationMs: S.singleMs,
    });
    if (profiler) r.profile = await profiler.stop(`${target}-single`);
    out.push({
      scenario: 'single',
      target,
      concurrency: S.singleConcurrency,
      ...r,
      loadAvg1m: round(os.loadavg()[0], 2),
    });
    log(
      `${target} single: ${r.eventsPerSec} events/s, p50 ${r.p50ms}ms, p95 ${
        r.p95ms
      }ms${r.errors ? `, ERROR ${r.firstError}` : ''}`,
    );
    if (r.errors) return out;
  }
  {
    // Enough bodies for warm-up + count + whatever is in flight when the count is reached.
    // The bare server answers 40 batches in a few ms, so it gets 10x the count
    // (bodies re-sent: it does not care about ids) for a stable figure.
    const isCeiling = target === 'ceiling';
    const count = isCeiling ? S.batchCount * 10 : S.batchCount;
    const bodies = batchBodies(
      target,
      S.batchWarmup + S.batchCount + S.batchConcurrency,
      isCeiling,
      posted,
    );
    log(
      `${target}: batches of ${S.batchSize} (${Math.round(
        bodies.bytes / 1024,
      )} KiB), ${S.batchConcurrency} connections, warm-up ${
        S.batchWarmup
      } + ${count} batches (max ${S.batchMaxMs / 1000}s)`,
    );
    if (profiler) await profiler.start();
    const r = await runLoad({
      port,
      urlPath,
      serverPid,
      concurrency: S.batchConcurrency,
      nextBody: bodies.next,
      warmupRequests: S.batchWarmup,
      count,
      maxMs: S.batchMaxMs,
    });
    if (profiler) r.profile = await profiler.stop(`${target}-batch`);
    out.push({
      scenario: `batch${S.batchSize}`,
      target,
      concurrency: S.batchConcurrency,
      bodyBytes: Math.round(bodies.bytes),
      ...r,
      loadAvg1m: round(os.loadavg()[0], 2),
    });
    log(
      `${target} batch: ${r.eventsPerSec} events/s, p50 ${r.p50ms}ms, p95 ${
        r.p95ms
      }ms${
        r.requests < count
          ? ` (only ${r.requests} batches within the time cap)`
          : ''
      }${r.errors ? `, ERROR ${r.firstError}` : ''}`,
    );
  }
  return out;
}

// --------------------------------------------------------------------------
// Drain lag (full-path targets): the deferred projectors (footprints, Slack
// outbox) run after the append commits. Batches are posted at a paced rate and
// the bench reads the ledger's database directly: a batch is projected when none
// of its event ids is left in release_ledger_projection_queue_events (a drain
// deletes them in the transaction that writes the footprints and outbox rows).
// --------------------------------------------------------------------------
const QUEUE_EVENTS = 'release_ledger_projection_queue_events';
/** CPU profiles of the lag scenario (BENCH_PROFILE=1), by target. */
const lagProfiles = {};
const sleep = ms => new Promise(r => setTimeout(r, ms));
const pad6 = n => String(n).padStart(6, '0');

/**
 * The bench's own connection to the ledger's database. Event ids of the lag
 * scenario are `<prefix><6-digit batch>-e<i>`, so a batch's events are the
 * range [<prefix><batch>-, <prefix><batch>.) of the queue's primary key
 * ('.' sorts right after '-'; binary order on SQLite, and the bench's
 * PostgreSQL runs with the C.UTF-8 collation, also byte order for ASCII).
 */
async function openLedgerDb(ledgerDb) {
  if (ledgerDb.client === 'sqlite') {
    const Database = require(require.resolve('better-sqlite3', {
      paths: [BACKEND_DIR, ROOT],
    }));
    // Read-write open, reads only: a WAL reader never blocks the backend's writer.
    const db = new Database(ledgerDb.file, { fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    const pending = db.prepare(
      `SELECT j.value AS n FROM json_each(@batches) j
        WHERE EXISTS (SELECT 1 FROM ${QUEUE_EVENTS} q
                       WHERE q.event_id >= @prefix || printf('%06d', j.value) || '-'
                         AND q.event_id <  @prefix || printf('%06d', j.value) || '.')`,
    );
    const count = db.prepare(`SELECT count(*) AS n FROM ${QUEUE_EVENTS}`);
    const footprints = db.prepare(
      `SELECT release_id FROM release_ledger_footprints
        WHERE release_id IN (SELECT value FROM json_each(@ids))`,
    );
    return {
      async pendingBatches(batches, prefix) {
        return new Set(
          pending
            .all({ batches: JSON.stringify(batches), prefix })
            .map(r => Number(r.n)),
        );
      },
      async pendingEvents() {
        return Number(count.get().n);
      },
      async footprintsOf(ids) {
        return footprints
          .all({ ids: JSON.stringify(ids) })
          .map(r => r.release_id);
      },
      async close() {
        db.close();
      },
    };
  }
  const { Client } = require(require.resolve('pg', {
    paths: [BACKEND_DIR, ROOT],
  }));
  // The database goes in the URL: pg lets the connection string's (empty) path win over `database`.
  const url = new URL(S.pgUrl);
  url.pathname = `/${encodeURIComponent(ledgerDb.database)}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    async pendingBatches(batches, prefix) {
      const { rows } = await client.query(
        `SELECT b.n FROM unnest($1::int[]) AS b(n)
          WHERE EXISTS (SELECT 1 FROM ${QUEUE_EVENTS} q
                         WHERE q.event_id >= $2 || lpad(b.n::text, 6, '0') || '-'
                           AND q.event_id <  $2 || lpad(b.n::text, 6, '0') || '.')`,
        [batches, prefix],
      );
      return new Set(rows.map(r => Number(r.n)));
    },
    async pendingEvents() {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM ${QUEUE_EVENTS}`,
      );
      return rows[0].n;
    },
    async footprintsOf(ids) {
      const { rows } = await client.query(
        'SELECT release_id FROM release_ledger_footprints WHERE release_id = ANY($1::text[])',
        [ids],
      );
      return rows.map(r => r.release_id);
    },
    close: () => client.end(),
  };
}

async function ledgerStatus(port) {
  const res = await request({
    port,
    method: 'GET',
    urlPath: '/api/release-ledger/ledger/status',
    timeoutMs: 10_000,
  });
  if (res.status !== 200)
    throw new Error(
      `GET /ledger/status answered HTTP ${res.status}: ${res.body}`,
    );
  return JSON.parse(res.body).projections;
}

/** Polls until the queue is empty (or `maxMs`); answers the seconds it took, or null. */
async function waitForEmptyQueue(ledger, maxMs) {
  const t0 = performance.now();
  while (performance.now() - t0 < maxMs) {
    if ((await ledger.pendingEvents()) === 0)
      return round((performance.now() - t0) / 1000, 2);
    await sleep(100);
  }
  return null;
}

async function runLag(target, port, serverPid, ledger, profiler, posted) {
  const batchesPerSec = S.lagRate / S.batchSize;
  const intervalMs = 1000 / batchesPerSec;
  const total = Math.max(1, Math.round((S.lagMs / 1000) * batchesPerSec));
  const prefix = `${RUN_ID}-${target}-lag-b`;

  // The throughput scenarios ran the ingest flat out; what they left behind drains first.
  const backlog = await ledgerStatus(port);
  // Releases start a minute apart and take at least 3 events: start them far enough back.
  const base =
    Date.now() - Math.ceil((total * S.batchSize) / 3) * 60_000 - 3_600_000;
  // Releases count as posted when their batch is answered 201 (not when it is sent).
  const bodies = batchBodies(`${target}-lag`, total, false, undefined, {
    eventId: (b, i) => `${prefix}${pad6(b)}-e${i}`,
    base,
  });
  log(
    `${target}: backlog after the throughput scenarios: ${backlog.pendingEvents} events of ${backlog.pendingSubjects} subjects, oldest ${backlog.lagMs} ms; waiting for it to drain`,
  );
  const backlogDrainSeconds = await waitForEmptyQueue(ledger, S.lagMaxWaitMs);
  if (backlogDrainSeconds === null)
    throw new Error(
      `${target}: the projection queue did not drain within ${
        S.lagMaxWaitMs / 1000
      }s before the lag scenario`,
    );
  log(
    `${target}: drain lag, ${total} batches of ${S.batchSize} at ${
      S.lagRate
    } events/s (one every ${intervalMs.toFixed(1)} ms, up to ${
      S.lagConnections
    } connections), polling the queue every ${S.lagPollMs} ms`,
  );

  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: S.lagConnections,
    maxFreeSockets: S.lagConnections,
  });
  const answeredAt = new Array(total);
  const dueAt = new Array(total);
  const doneAt = new Array(total);
  const latencies = [];
  const outstanding = new Set();
  let errors = 0;
  let firstError;
  let polls = 0;
  let pollMsTotal = 0;
  let pollMsMax = 0;
  let maxOutstanding = 0;
  let polling = true;
  let lastDone = 0;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      if (outstanding.size) {
        const asked = [...outstanding];
        const pending = await ledger.pendingBatches(asked, prefix);
        const seen = performance.now();
        polls++;
        pollMsTotal += seen - t;
        pollMsMax = Math.max(pollMsMax, seen - t);
        maxOutstanding = Math.max(maxOutstanding, asked.length);
        // The answer's arrival bounds the commit from above: the lag is never under-reported.
        for (const b of asked)
          if (!pending.has(b)) {
            doneAt[b] = seen;
            lastDone = seen;
            outstanding.delete(b);
          }
      }
      await sleep(Math.max(0, S.lagPollMs - (performance.now() - t)));
    }
  })();

  if (profiler) await profiler.start();
  const serverCpu0 = procCpuMs(serverPid);
  const t0 = performance.now() + 20;
  let lastSend = t0;
  let lateSends = 0;
  const sends = [];
  for (let b = 0; b < total; b++) {
    const due = t0 + b * intervalMs;
    dueAt[b] = due;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (errors || benchRun.interrupted) break;
    const { body, releases } = bodies.next();
    const sentAt = performance.now();
    if (sentAt - due > intervalMs) lateSends++;
    lastSend = sentAt;
    sends.push(
      request({ port, method: 'POST', urlPath: EVENTS_PATH, body, agent }).then(
        res => {
          const t = performance.now();
          if (res.status !== 201) {
            errors++;
            firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 2000)}`;
            return;
          }
          answeredAt[b] = t;
          latencies.push(t - sentAt);
          outstanding.add(b);
          for (const r of releases) posted.add(r);
        },
        e => {
          errors++;
          firstError ??= String(e && e.message);
        },
      ),
    );
  }
  await Promise.all(sends);
  agent.destroy();
  const answered = answeredAt.filter(x => x !== undefined);
  const lastAnswer = Math.max(...answered);
  const serverCpuPosting = procCpuMs(serverPid);
  // Every answered batch must leave the queue; give the drain up to lagMaxWaitMs.
  while (
    outstanding.size &&
    performance.now() - lastAnswer < S.lagMaxWaitMs &&
    !benchRun.interrupted
  )
    await sleep(S.lagPollMs);
  polling = false;
  await poller;
  const serverCpu1 = procCpuMs(serverPid);
  if (profiler)
    await profiler.stop(`${target}-lag`).then(p => (lagProfiles[target] = p));

  const lags = [];
  // From when the batch was due to be sent: includes any wait for the backend to take it.
  const endToEnd = [];
  for (let b = 0; b < total; b++)
    if (answeredAt[b] !== undefined && doneAt[b] !== undefined) {
      lags.push(doneAt[b] - answeredAt[b]);
      endToEnd.push(doneAt[b] - dueAt[b]);
    }
  lags.sort((a, b) => a - b);
  endToEnd.sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const events = answered.length * S.batchSize;
  const postSeconds = (lastAnswer - t0) / 1000;
  const drainSeconds = ((lastDone || lastAnswer) - t0) / 1000;
  const undrained = outstanding.size;
  const status = await ledgerStatus(port);
  const r = {
    scenario: 'lag',
    target,
    batches: total,
    batchSize: S.batchSize,
    offeredEventsPerSec: S.lagRate,
    answered: answered.length,
    // Events answered 201 / (first send → last 201).
    achievedEventsPerSec: round(events / postSeconds, 1),
    lateSends,
    requestP50ms: round(percentile(latencies, 50), 1),
    requestP95ms: round(percentile(latencies, 95), 1),
    // 201 → none of the batch's events left in the queue.
    lagP50ms: round(percentile(lags, 50), 1),
    lagP95ms: undrained ? null : round(percentile(lags, 95), 1),
    lagMaxMs: undrained ? null : round(lags[lags.length - 1], 1),
    // Due to be sent → projected (the lag plus the time the batch waited to be accepted).
    dueToProjectedP50ms: round(percentile(endToEnd, 50), 1),
    dueToProjectedP95ms: undrained ? null : round(percentile(endToEnd, 95), 1),
    undrained,
    // Events projected / (first send → last batch seen drained).
    drainedEventsPerSec: round((lags.length * S.batchSize) / drainSeconds, 1),
    backlogBefore: {
      pendingEvents: backlog.pendingEvents,
      pendingSubjects: backlog.pendingSubjects,
      lagMs: backlog.lagMs,
    },
    backlogDrainSeconds,
    polls,
    pollMsMean: round(pollMsTotal / Math.max(1, polls), 2),
    pollMsMax: round(pollMsMax, 1),
    maxOutstandingBatches: maxOutstanding,
    serverCpuCoresPosting:
      serverCpu0 !== undefined
        ? round((serverCpuPosting - serverCpu0) / 1000 / postSeconds, 2)
        : null,
    serverCpuMsPerEvent:
      serverCpu0 !== undefined && events
        ? round((serverCpu1 - serverCpu0) / events, 4)
        : null,
    statusAfter: status,
    // Per batch in posting order (null: not answered or not drained): a lag that grows
    // through the run means the drain projects fewer events/s than are posted.
    lagByBatchMs: Array.from({ length: total }, (_, b) =>
      answeredAt[b] !== undefined && doneAt[b] !== undefined
        ? Math.round(doneAt[b] - answeredAt[b])
        : null,
    ),
    errors,
    firstError,
    loadAvg1m: round(os.loadavg()[0], 2),
  };
  log(
    `${target} lag: achieved ${
      r.achievedEventsPerSec
    } events/s, drain lag p50 ${r.lagP50ms} ms, p95 ${
      r.lagP95ms ?? `- (${undrained} batches not drained)`
    } ms, max ${r.lagMaxMs} ms${errors ? `, ERROR ${firstError}` : ''}`,
  );
  return r;
}

/** Every release the bench posted to the target has its footprint (the deferred metrics projector ran for it). */
async function checkFootprints(target, ledger, posted) {
  const ids = [...posted];
  const found = new Set();
  for (let i = 0; i < ids.length; i += 5000)
    for (const id of await ledger.footprintsOf(ids.slice(i, i + 5000)))
      found.add(id);
  const missing = ids.filter(id => !found.has(id));
  const r = {
    target,
    postedReleases: ids.length,
    withFootprint: found.size,
    missing: missing.length,
    missingExamples: missing.slice(0, 5),
  };
  log(
    `${target}: footprints for ${found.size} of ${ids.length} posted releases${
      missing.length ? ` (missing e.g. ${missing.slice(0, 3).join(', ')})` : ''
    }`,
  );
  return r;
}

// --------------------------------------------------------------------------
// Targets
// --------------------------------------------------------------------------
async function startCeiling() {
  const child = fork(__filename, ['--ceiling-server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const port = await new Promise((resolve, reject) => {
    child.once('message', m => resolve(m.port));
    child.once('exit', code =>
      reject(new Error(`ceiling server exited with ${code}`)),
    );
  });
  return { child, port };
}

function yamlString(s) {
  return JSON.stringify(String(s)); // a JSON string is a valid YAML scalar
}

async function startBackend(kind) {
  const dir = fs.mkdtempSync(
    path.join(S.tmpBase, `release-ledger-bench-${kind}-`),
  );
  tmpDirs.add(dir);
  const port = await freePort();
  let database;
  // Where the ledger's own tables are, for the drain-lag scenario and the footprint check.
  let ledgerDb;
  if (kind === 'floor' || BACKEND_TARGETS[kind] === 'sqlite') {
    const dbDir = path.join(dir, 'sqlite');
    fs.mkdirSync(dbDir);
    database = [
      '    client: better-sqlite3',
      '    connection:',
      `      directory: ${yamlString(dbDir)}`,
    ];
    // backend-defaults names a plugin's file <directory>/<pluginId>.sqlite.
    ledgerDb = {
      client: 'sqlite',
      file: path.join(dbDir, 'release-ledger.sqlite'),
    };
  } else {
    // One prefix per target, so the store target's databases never meet the full path's.
    const prefix = `${RUN_ID.replace(/-/g, '_')}_${
      kind === 'postgres' ? '' : `${kind.replace(/-/g, '_')}_`
    }`;
    pgPrefixes.add(prefix);
    // backend-defaults names a plugin's database <prefix><pluginId>.
    ledgerDb = { client: 'pg', database: `${prefix}release-ledger` };
    database = [
      '    client: pg',
      `    connection: ${yamlString(S.pgUrl)}`,
      `    prefix: ${yamlString(prefix)}`,
    ];
  }
  const configPath = path.join(dir, 'app-config.bench.yaml');
  fs.writeFileSync(
    configPath,
    [
      '# generated by bench/ingest/run.js',
      'backend:',
      `  baseUrl: ${yamlString(`http://127.0.0.1:${port}`)}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '  database:',
      ...database,
      ...(kind.endsWith('-store')
        ? [
            // The append writes the event log and nothing else: no releases, no queue.
            'releaseLedger:',
            '  benchmark:',
            '    eventLogOnly: true',
          ]
        : []),
      ...(kind === 'floor'
        ? [
            // The same static token, also allowed on the floor plugin.
            '  auth:',
            '    externalAccess:',
            '      - type: static',
            '        options:',
            `          token: ${yamlString(TOKEN)}`,
            '          subject: release-pipeline',
            '        accessRestrictions:',
            '          - plugin: release-ledger',
            '          - plugin: bench-floor',
          ]
        : []),
      '',
    ].join('\n'),
  );
  const logPath = path.join(dir, 'backend.log');
  const logFd = fs.openSync(logPath, 'w');
  const transform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
    { paths: [BACKEND_DIR, ROOT] },
  );
  // What `backstage-cli package start` runs, minus its file watcher and restart wrapper.
  const nodeArgs = ['--enable-source-maps', '--require', transform];
  if (S.profile) nodeArgs.push('--inspect=127.0.0.1:0');
  const args = [
    ...nodeArgs,
    kind === 'floor' ? '../../bench/ingest/floorBackend.ts' : 'src/index',
    '--config',
    '../../app-config.yaml',
    '--config',
    configPath,
  ];
  const childEnv = { ...process.env, NODE_ENV: S.nodeEnv };
  if (S.logLevel) childEnv.LOG_LEVEL = S.logLevel;
  const child = spawn(process.execPath, args, {
    cwd: BACKEND_DIR,
    env: childEnv,
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  child.__group = true;
  fs.closeSync(logFd);
  children.add(child);
  log(
    `${kind}: backend pid ${child.pid} on 127.0.0.1:${port} (config ${configPath}, log ${logPath})`,
  );

  const t0 = Date.now();
  const exited = new Promise(resolve =>
    child.once('exit', (code, sig) =>
      resolve(`backend exited (${code ?? sig})`),
    ),
  );
  const tail = () =>
    fs.readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const deadline = t0 + S.readyTimeoutMs;
  let last = '';
  const race = async p => {
    const r = await Promise.race([
      p.then(
        v => ({ v }),
        e => ({ e }),
      ),
      exited.then(x => ({ exited: x })),
    ]);
    if (r.exited)
      throw new Error(
        `${kind}: ${r.exited} before it was ready; log tail:\n${tail()}`,
      );
    return r;
  };
  // 1. The ledger answers reads.
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(
        `${kind}: not ready after ${
          S.readyTimeoutMs / 1000
        }s (last: ${last}); log tail:\n${tail()}`,
      );
    const r = await race(
      request({
        port,
        method: 'GET',
        urlPath: '/api/release-ledger/releases?limit=1',
        timeoutMs: 5000,
      }),
    );
    if (r.v && r.v.status === 200) break;
    last = r.v
      ? `HTTP ${r.v.status} ${r.v.body.slice(0, 200)}`
      : String(r.e && r.e.message);
    await sleep(300);
  }
  const tHttp = Date.now();
  // 2. The catalog knows all 8 services: a probe batch (one event per service) is accepted.
  const probeReleaseIds = SERVICES.map(s => `${s}@${RUN_ID}-${kind}-probe`);
  const probe = JSON.stringify({
    events: SERVICES.map(s => ({
      eventId: `${RUN_ID}-${kind}-probe-${s}`,
      type: 'release_started',
      releaseId: `${s}@${RUN_ID}-${kind}-probe`,
      entityRef: `component:default/${s}`,
      timestamp: '2026-11-26T00:00:00Z',
      version: '0.0.0',
    })),
  });
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(
        `${kind}: catalog not ready after ${
          S.readyTimeoutMs / 1000
        }s (last: ${last}); log tail:\n${tail()}`,
      );
    const r = await race(
      request({
        port,
        method: 'POST',
        urlPath: EVENTS_PATH,
        body: probe,
        timeoutMs: 10_000,
      }),
    );
    if (r.v && r.v.status === 201) break;
    last = r.v
      ? `HTTP ${r.v.status} ${r.v.body.slice(0, 300)}`
      : String(r.e && r.e.message);
    if (r.v && r.v.status !== 400)
      throw new Error(`${kind}: probe answered ${last}`);
    if (r.v && !/is not in the catalog/.test(r.v.body))
      throw new Error(`${kind}: probe answered ${last}`);
    await sleep(500);
  }
  const ready = {
    httpSeconds: (tHttp - t0) / 1000,
    catalogSeconds: (Date.now() - t0) / 1000,
  };
  log(
    `${kind}: ready (HTTP after ${ready.httpSeconds}s, catalog after ${ready.catalogSeconds}s)`,
  );
  let profiler;
  // Figures from a profiled run are not comparable and are not written.
  if (S.profile) profiler = await connectProfiler(logPath, __dirname);
  return { child, port, dir, ready, profiler, ledgerDb, probeReleaseIds };
}

async function dropPgDatabases(prefix) {
  const { Client } = require(require.resolve('pg', {
    paths: [BACKEND_DIR, ROOT],
  }));
  const client = new Client({
    connectionString: S.pgUrl,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, $1) = $2',
      [prefix.length, prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
    if (rows.length)
      log(`postgres: dropped ${rows.length} databases ${prefix}*`);
  } finally {
    await client.end();
  }
  pgPrefixes.delete(prefix);
}

// --------------------------------------------------------------------------
// Report
// --------------------------------------------------------------------------
function pad(s, n, right) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

function report(rows, lagRows, footprintChecks) {
  const bySc = name =>
    Object.fromEntries(
      rows
        .filter(r => r.target === name)
        .map(r => [r.scenario, r.eventsPerSec]),
    );
  const ceiling = bySc('ceiling');
  const floor = bySc('floor');
  for (const r of rows) {
    r.ratioToCeiling = ceiling[r.scenario]
      ? round(r.eventsPerSec / ceiling[r.scenario], 4)
      : null;
    r.ratioToFloor =
      floor[r.scenario] && r.target !== 'ceiling'
        ? round(r.eventsPerSec / floor[r.scenario], 4)
        : null;
    // The full path against the event log alone on the same database.
    const store = STORE_OF[r.target] && bySc(STORE_OF[r.target])[r.scenario];
    r.ratioToStore = store ? round(r.eventsPerSec / store, 4) : null;
  }
  const pct = x => (x == null ? '-' : `${(x * 100).toFixed(1)}%`);
  const num0 = x => (x == null ? '-' : Math.round(x).toLocaleString('en-US'));
  const head = [
    pad('scenario', 10),
    pad('target', 14),
    pad('conns', 5, 1),
    pad('requests', 8, 1),
    pad('events/s', 10, 1),
    pad('p50 ms', 8, 1),
    pad('p95 ms', 8, 1),
    pad('vs ceiling', 10, 1),
    pad('vs floor', 8, 1),
    pad('vs store', 8, 1),
    pad('srv CPU ms/ev', 13, 1),
    pad('srv cores', 9, 1),
  ].join('  ');
  const lines = ['', head, '-'.repeat(head.length)];
  for (const r of rows) {
    lines.push(
      [
        pad(r.scenario, 10),
        pad(r.target, 14),
        pad(r.concurrency, 5, 1),
        pad(r.requests, 8, 1),
        pad(r.eventsPerSec.toFixed(1), 10, 1),
        pad(r.p50ms == null ? '-' : r.p50ms.toFixed(2), 8, 1),
        pad(r.p95ms == null ? '-' : r.p95ms.toFixed(2), 8, 1),
        pad(pct(r.ratioToCeiling), 10, 1),
        pad(pct(r.ratioToFloor), 8, 1),
        pad(pct(r.ratioToStore), 8, 1),
        pad(
          r.serverCpuMsPerEvent == null
            ? '-'
            : r.serverCpuMsPerEvent.toFixed(3),
          13,
          1,
        ),
        pad(r.serverCpuCores == null ? '-' : r.serverCpuCores.toFixed(2), 9, 1),
      ].join('  ') + (r.errors ? `  ERROR` : ''),
    );
  }
  if (lagRows.length) {
    const lagHead = [
      pad('drain lag', 10),
      pad('target', 14),
      pad('batches', 7, 1),
      pad('offered ev/s', 12, 1),
      pad('achieved ev/s', 13, 1),
      pad('lag p50 ms', 10, 1),
      pad('lag p95 ms', 10, 1),
      pad('lag max ms', 10, 1),
      pad('req p95 ms', 10, 1),
      pad('due→proj p95', 12, 1),
      pad('backlog before', 14, 1),
      pad('srv cores', 9, 1),
    ].join('  ');
    lines.push('', lagHead, '-'.repeat(lagHead.length));
    for (const l of lagRows)
      lines.push(
        [
          pad(`batch${l.batchSize}`, 10),
          pad(l.target, 14),
          pad(l.answered, 7, 1),
          pad(num0(l.offeredEventsPerSec), 12, 1),
          pad(num0(l.achievedEventsPerSec), 13, 1),
          pad(num0(l.lagP50ms), 10, 1),
          pad(l.undrained ? `${l.undrained} left` : num0(l.lagP95ms), 10, 1),
          pad(num0(l.lagMaxMs), 10, 1),
          pad(num0(l.requestP95ms), 10, 1),
          pad(num0(l.dueToProjectedP95ms), 12, 1),
          pad(
            `${num0(l.backlogBefore.pendingEvents)} ev ${
              l.backlogDrainSeconds
            }s`,
            14,
            1,
          ),
          pad(
            l.serverCpuCoresPosting == null
              ? '-'
              : l.serverCpuCoresPosting.toFixed(2),
            9,
            1,
          ),
        ].join('  ') + (l.errors ? '  ERROR' : ''),
      );
    lines.push(
      "  (lag: a batch's 201 → none of its event ids left in the projection queue, polled every " +
        `${S.lagPollMs} ms; due→proj: from when the batch was due to be sent, so it includes any wait to be accepted;` +
        ' backlog before: what the throughput scenarios left queued, and how long it took to drain)',
    );
  }

  const targets = [];
  const row = (target, scenario) =>
    rows.find(r => r.target === target && r.scenario === scenario);
  const batch = `batch${S.batchSize}`;
  for (const db of ['sqlite', 'postgres']) {
    const single = row(db, 'single');
    if (single)
      targets.push({
        scenario: 'single',
        target: db,
        goal: `>= ${TARGET_SINGLE_FLOOR_RATIO * 100}% of the floor`,
        actual:
          single.ratioToFloor == null
            ? 'n/a (no floor run)'
            : `${pct(single.ratioToFloor)} (${single.eventsPerSec} events/s)`,
        value: single.ratioToFloor,
        pass:
          single.errors === 0 &&
          single.ratioToFloor != null &&
          single.ratioToFloor >= TARGET_SINGLE_FLOOR_RATIO,
      });
    const b = row(db, batch);
    if (b) {
      targets.push({
        scenario: batch,
        target: db,
        goal: `>= ${TARGET_BATCH_STORE_RATIO * 100}% of ${STORE_OF[db]}`,
        actual:
          b.ratioToStore == null
            ? `n/a (no ${STORE_OF[db]} run)`
            : `${pct(b.ratioToStore)} (${b.eventsPerSec} of ${
                row(STORE_OF[db], batch).eventsPerSec
              } events/s)`,
        value: b.ratioToStore,
        pass:
          b.errors === 0 &&
          b.ratioToStore != null &&
          b.ratioToStore >= TARGET_BATCH_STORE_RATIO,
      });
      targets.push({
        scenario: batch,
        target: db,
        goal: `>= ${TARGET_BATCH_EPS} events/s`,
        actual: `${b.eventsPerSec} events/s`,
        value: b.eventsPerSec,
        pass: b.errors === 0 && b.eventsPerSec >= TARGET_BATCH_EPS,
      });
    }
    const l = lagRows.find(x => x.target === db);
    if (l)
      targets.push({
        scenario: 'lag',
        target: db,
        goal: `p95 < ${TARGET_LAG_P95_MS} ms at ${S.lagRate} ev/s`,
        actual: l.undrained
          ? `${l.undrained} batches not drained within ${
              S.lagMaxWaitMs / 1000
            }s`
          : `p95 ${l.lagP95ms} ms (p50 ${l.lagP50ms} ms) at ${
              l.achievedEventsPerSec
            } events/s achieved${
              l.achievedEventsPerSec < 0.95 * S.lagRate
                ? ` (< 95% of the ${S.lagRate} offered)`
                : ''
            }`,
        value: l.lagP95ms,
        pass:
          l.errors === 0 &&
          !l.undrained &&
          l.lagP95ms < TARGET_LAG_P95_MS &&
          // Paced at the offered rate: a backend that could not take it has not met the target.
          l.achievedEventsPerSec >= 0.95 * S.lagRate,
      });
    const f = footprintChecks.find(x => x.target === db);
    if (f)
      targets.push({
        scenario: 'footprints',
        target: db,
        goal: 'every posted release has one',
        actual: `${f.withFootprint} of ${f.postedReleases}`,
        value: f.missing,
        pass: f.missing === 0,
        correctness: true,
      });
  }
  lines.push('', 'Targets:');
  for (const t of targets)
    lines.push(
      `  ${pad(t.pass ? 'PASS' : t.correctness ? 'FAIL' : 'MISS', 4)}  ${pad(
        t.scenario,
        10,
      )} ${pad(t.target, 9)} ${pad(t.goal, 32)} actual ${t.actual}`,
    );

  // The full path side by side with its yardsticks, one line per database.
  const side = ['sqlite', 'postgres'].filter(
    db => row(db, batch) || row(db, 'single'),
  );
  if (side.length) {
    const sHead = [
      pad('full path', 9),
      pad(`single / floor (>= ${TARGET_SINGLE_FLOOR_RATIO * 100}%)`, 24, 1),
      pad(`batch / store (>= ${TARGET_BATCH_STORE_RATIO * 100}%)`, 24, 1),
      pad(`batch ev/s (>= ${num0(TARGET_BATCH_EPS)})`, 22, 1),
      pad(`lag p95 (< ${TARGET_LAG_P95_MS / 1000} s)`, 16, 1),
      pad('lag p50', 8, 1),
      pad('achieved ev/s', 13, 1),
    ].join('  ');
    lines.push('', sHead, '-'.repeat(sHead.length));
    for (const db of side) {
      const s1 = row(db, 'single');
      const b = row(db, batch);
      const l = lagRows.find(x => x.target === db);
      lines.push(
        [
          pad(db, 9),
          pad(s1 ? pct(s1.ratioToFloor) : '-', 24, 1),
          pad(b ? pct(b.ratioToStore) : '-', 24, 1),
          pad(b ? num0(b.eventsPerSec) : '-', 22, 1),
          pad(
            l
              ? l.undrained
                ? `${l.undrained} undrained`
                : `${(l.lagP95ms / 1000).toFixed(2)} s`
              : '-',
            16,
            1,
          ),
          pad(l ? `${(l.lagP50ms / 1000).toFixed(2)} s` : '-', 8, 1),
          pad(l ? num0(l.achievedEventsPerSec) : '-', 13, 1),
        ].join('  '),
      );
    }
  }
  for (const r of [...rows, ...lagRows].filter(x => x.errors))
    lines.push(
      '',
      `FIRST ERROR (${r.scenario} / ${r.target}): ${r.firstError}`,
    );
  console.log(lines.join('\n'));
  return targets;
}

function printProfiles(rows) {
  const profiled = [
    ...rows.filter(x => x.profile),
    ...Object.entries(lagProfiles).map(([target, profile]) => ({
      scenario: 'lag',
      target,
      profile,
    })),
  ];
  for (const r of profiled) {
    console.log(
      [
        '',
        ...profileLines(`CPU profile ${r.scenario} / ${r.target}`, r.profile),
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
    `run ${RUN_ID}; targets ${S.targets.join(', ')}${
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
  const rows = [];
  const lagRows = [];
  const footprintChecks = [];
  const readiness = {};
  let failed = false;
  for (const target of S.targets) {
    if (failed || benchRun.interrupted) break;
    if (target === 'ceiling') {
      const { child, port } = await startCeiling();
      log(`ceiling: bare http server pid ${child.pid} on 127.0.0.1:${port}`);
      rows.push(...(await runScenarios('ceiling', port, child.pid)));
      await stopChild(child);
    } else if (target === 'floor' || BACKEND_TARGETS[target]) {
      const backend = await startBackend(target);
      readiness[target] = backend.ready;
      const fullPath = target === 'sqlite' || target === 'postgres';
      // Every release posted to a full-path target must end up with a footprint.
      const posted = fullPath ? new Set(backend.probeReleaseIds) : undefined;
      let ledger;
      try {
        const out = await runScenarios(
          target,
          backend.port,
          backend.child.pid,
          backend.profiler,
          posted,
        );
        rows.push(...out);
        if (fullPath && !out.some(r => r.errors) && !benchRun.interrupted) {
          ledger = await openLedgerDb(backend.ledgerDb);
          if (S.lagMs > 0)
            lagRows.push(
              await runLag(
                target,
                backend.port,
                backend.child.pid,
                ledger,
                backend.profiler,
                posted,
              ),
            );
          // The footprints are written by the drain: wait for the queue to be empty first.
          if ((await waitForEmptyQueue(ledger, S.lagMaxWaitMs)) === null)
            log(
              `${target}: the projection queue is still not empty after ${
                S.lagMaxWaitMs / 1000
              }s; checking footprints anyway`,
            );
          footprintChecks.push(await checkFootprints(target, ledger, posted));
        }
      } finally {
        if (ledger) await ledger.close();
        if (backend.profiler) backend.profiler.close();
        await stopChild(backend.child);
        if (BACKEND_TARGETS[target] === 'postgres')
          for (const p of [...pgPrefixes])
            await dropPgDatabases(p).catch(e =>
              log(`could not drop databases: ${e.message}`),
            );
      }
    } else {
      throw new Error(
        `unknown target ${target} (known: ceiling, floor, ${Object.keys(
          BACKEND_TARGETS,
        ).join(', ')})`,
      );
    }
    failed = rows.some(r => r.errors) || lagRows.some(r => r.errors);
  }
  // A release without its footprint is lost work, not a slow run: exit 1 (after every target ran).
  const lostFootprints = footprintChecks.some(f => f.missing > 0);
  if (benchRun.interrupted) return 130;
  const loadAfter = os.loadavg()[0];
  const targets = report(rows, lagRows, footprintChecks);
  console.log(
    `\nLoad average (1 min) ${loadBefore.toFixed(
      2,
    )} before, ${loadAfter.toFixed(2)} after (${os.cpus().length} CPUs)`,
  );
  if (S.profile) printProfiles(rows);
  const result = {
    runId: RUN_ID,
    date: new Date().toISOString(),
    ...runEnvironment(ROOT),
    settings: { ...S, batchMaxMs: S.batchMaxMs },
    loadAvg1mBefore: round(loadBefore, 2),
    loadAvg1mAfter: round(loadAfter, 2),
    readinessSeconds: readiness,
    durationSeconds: round((Date.now() - started) / 1000, 1),
    results: rows.map(({ profile, ...r }) => r),
    drainLag: lagRows,
    footprints: footprintChecks,
    targets,
    ok: !failed && !lostFootprints,
  };
  if (S.profile) {
    log('profiled run: results.json not written');
  } else {
    fs.writeFileSync(
      path.join(__dirname, 'results.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    log(`wrote bench/ingest/results.json (total ${result.durationSeconds}s)`);
  }
  return failed || lostFootprints ? 1 : 0;
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
