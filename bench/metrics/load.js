/*
 * Loader of the metrics benchmark (child process of bench/metrics/run.js):
 * builds the synthetic history (bench/metrics/synthetic.js) and posts it to
 * a running backend as pipelines would, `POST /api/release-ledger/events`
 * with the pipeline's static token, in time-ordered batches (BENCH_LOAD
 * batchSize events each, `concurrency` requests in flight), then waits until
 * the deferred projections have caught up (`GET /ledger/status`). Releases,
 * incidents (with window attribution), footprints and the Slack outbox are
 * built by the backend exactly as in production.
 *
 *   node bench/metrics/load.js      (settings as JSON in BENCH_LOAD, see run.js)
 *
 * On PostgreSQL it also does autovacuum's work when the server runs without
 * it (this machine's does), on its own connection, and runs a VACUUM ANALYZE
 * at the end. Progress on stderr; the summary as one JSON line on stdout.
 */
'use strict';

const http = require('node:http');
const path = require('node:path');
const synthetic = require('./synthetic');
const { request } = require('../lib/devBackend');

const S = JSON.parse(process.env.BENCH_LOAD || '{}');
const ROOT = path.resolve(__dirname, '../..');
const EVENTS_PATH = '/api/release-ledger/events';
const STATUS_PATH = '/api/release-ledger/ledger/status';
const log = (...a) =>
  console.error(
    `[load ${S.label} ${new Date().toISOString().slice(11, 19)}]`,
    ...a,
  );
const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const percentile = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
    : null;

async function status(agent) {
  const r = await request({
    port: S.port,
    method: 'GET',
    urlPath: STATUS_PATH,
    token: S.token,
    agent,
  });
  if (r.status !== 200)
    throw new Error(`GET ${STATUS_PATH}: HTTP ${r.status} ${r.body}`);
  return JSON.parse(r.body).projections;
}

/**
 * A production PostgreSQL runs autovacuum; this machine's may not. Without
 * statistics the planner guesses that `release_id IN (…ids…)` matches most
 * of the event log and re-projection reads the whole table; without VACUUM
 * the rewritten release rows pile up as dead tuples. So, while the load
 * runs, every 5 s this applies autovacuum's default thresholds to the
 * counters PostgreSQL keeps anyway (pg_stat_user_tables), on a connection of
 * its own, as autovacuum's workers would (they do not block writes either).
 */
async function startAutovacuum() {
  if (!S.pgDatabase) return undefined;
  const { Client } = require(require.resolve('pg', {
    paths: [path.join(ROOT, 'packages/backend'), ROOT],
  }));
  const url = new URL(S.pgUrl);
  url.pathname = `/${encodeURIComponent(S.pgDatabase)}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  const setting = (
    await client.query("SELECT current_setting('autovacuum') AS v")
  ).rows[0].v;
  const done = { vacuum: 0, analyze: 0, seconds: 0 };
  let stopped = false;
  const pass = async () => {
    const { rows } = await client.query(
      `SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
         FROM pg_stat_user_tables WHERE relname LIKE 'release_ledger_%'`,
    );
    for (const t of rows) {
      const live = Number(t.n_live_tup);
      const vacuum =
        Number(t.n_dead_tup) > 50 + 0.2 * live ||
        Number(t.n_ins_since_vacuum) > 1000 + 0.2 * live;
      const analyze = Number(t.n_mod_since_analyze) > 50 + 0.1 * live;
      if (!vacuum && !analyze) continue;
      const t0 = performance.now();
      const what = vacuum
        ? analyze
          ? 'VACUUM (ANALYZE)'
          : 'VACUUM'
        : 'ANALYZE';
      await client.query(`${what} "${t.relname}"`);
      done.seconds += (performance.now() - t0) / 1000;
      if (vacuum) done.vacuum++;
      if (analyze) done.analyze++;
    }
  };
  const loop =
    setting === 'off'
      ? (async () => {
          while (!stopped) {
            await pass();
            for (let i = 0; i < 50 && !stopped; i++) await sleep(100);
          }
        })()
      : Promise.resolve();
  return {
    setting,
    async stop() {
      stopped = true;
      await loop;
      // What autovacuum would get to eventually, before the reads are timed.
      const t0 = performance.now();
      await client.query('VACUUM ANALYZE');
      const finalSeconds = (performance.now() - t0) / 1000;
      await client.end();
      return {
        emulated: setting === 'off' ? done : undefined,
        finalSeconds,
      };
    },
  };
}

async function main() {
  const t0 = performance.now();
  const org = synthetic.buildOrg();
  const history = synthetic.buildHistory(org, {
    scale: S.scale,
    endMs: S.endMs,
  });
  const total = history.events.length;
  const generateSeconds = (performance.now() - t0) / 1000;
  log(
    `generated ${
      history.releases.length
    } releases, ${total} events in ${generateSeconds.toFixed(1)}s; posting ${
      S.batchSize
    } events per request, ${S.concurrency} at a time`,
  );

  const autovacuum = await startAutovacuum();
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: S.concurrency + 1,
  });
  const counts = {};
  const latencies = [];
  let created = 0;
  let duplicates = 0;
  let next = 0;
  let done = 0;
  let maxQueue = 0;
  const tPost = performance.now();
  // Each connection takes the next batch as soon as its answer is in: the
  // batches are sent in time order, at most `concurrency` in flight.
  const worker = async () => {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + S.batchSize);
      const events = history.events
        .slice(from, next)
        .map(e => synthetic.toIngestEvent(org, history, e));
      for (const e of events) counts[e.type] = (counts[e.type] || 0) + 1;
      const b0 = performance.now();
      const r = await request({
        port: S.port,
        method: 'POST',
        urlPath: EVENTS_PATH,
        token: S.token,
        body: JSON.stringify({ events }),
        agent,
        timeoutMs: 600_000,
      });
      latencies.push(performance.now() - b0);
      if (r.status !== 201)
        throw new Error(
          `POST events ${from}..${next}: HTTP ${r.status} ${r.body.slice(
            0,
            1000,
          )}`,
        );
      for (const res of JSON.parse(r.body).results) {
        if (res.status === 'created') created++;
        else duplicates++;
      }
      done += events.length;
    }
  };
  let lastLog = performance.now();
  let lastDone = 0;
  let posting = true;
  const progress = (async () => {
    while (posting) {
      for (let i = 0; i < S.progressSeconds * 10 && posting; i++)
        await sleep(100);
      if (!posting) break;
      const queue = (await status(agent)).pendingEvents;
      maxQueue = Math.max(maxQueue, queue);
      const now = performance.now();
      const rate = (done - lastDone) / ((now - lastLog) / 1000);
      const avg = done / ((now - tPost) / 1000);
      log(
        `${done}/${total} events (${((100 * done) / total).toFixed(
          1,
        )}%), ${Math.round(rate)} ev/s now, ${Math.round(
          avg,
        )} ev/s average, ${queue} waiting for the deferred projections, ETA ${Math.round(
          (total - done) / avg,
        )}s`,
      );
      lastLog = now;
      lastDone = done;
    }
  })();
  try {
    await Promise.all(Array.from({ length: S.concurrency }, worker));
  } finally {
    posting = false;
    await progress;
  }
  const postSeconds = (performance.now() - tPost) / 1000;
  if (duplicates > 0)
    throw new Error(`${duplicates} events were answered as duplicates`);

  // The metrics are only complete once the deferred projections caught up.
  const tDrain = performance.now();
  let lastDrainLog = tDrain;
  for (;;) {
    const p = await status(agent);
    maxQueue = Math.max(maxQueue, p.pendingEvents);
    if (p.pendingEvents === 0) break;
    if (performance.now() - lastDrainLog > S.progressSeconds * 1000) {
      log(
        `${p.pendingEvents} events still waiting for the deferred projections`,
      );
      lastDrainLog = performance.now();
    }
    await sleep(250);
  }
  const drainSeconds = (performance.now() - tDrain) / 1000;
  const maintenance = autovacuum ? await autovacuum.stop() : undefined;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const loadSeconds = postSeconds + drainSeconds;
  const result = {
    releases: history.releases.length,
    events: total,
    eventsByType: counts,
    created,
    requests: latencies.length,
    generateSeconds: round(generateSeconds, 1),
    postSeconds: round(postSeconds, 1),
    drainSeconds: round(drainSeconds, 1),
    loadSeconds: round(loadSeconds, 1),
    eventsPerSec: round(total / loadSeconds, 0),
    postEventsPerSec: round(total / postSeconds, 0),
    postP50Ms: round(percentile(latencies, 0.5), 1),
    postP95Ms: round(percentile(latencies, 0.95), 1),
    maxQueuedEvents: maxQueue,
    pgAutovacuum: autovacuum && autovacuum.setting,
    autovacuumEmulated: maintenance && maintenance.emulated,
    postLoad: maintenance ? 'VACUUM ANALYZE' : undefined,
    postLoadSeconds: maintenance
      ? round(maintenance.finalSeconds, 1)
      : undefined,
    historyFrom: new Date(history.startMs).toISOString(),
    historyTo: new Date(history.endMs).toISOString(),
  };
  log(
    `posted ${total} events in ${result.postSeconds}s (${result.postEventsPerSec} ev/s), projections caught up ${result.drainSeconds}s later`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  e => {
    console.error(`load failed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
