#!/usr/bin/env node
/*
 * Release Ledger comms benchmark: a burst of releases into the Slack outbox.
 *
 *   yarn bench:comms            (sources scripts/dev-env.sh, then runs this file)
 *
 * 200 releases start at once across 20 channels (10 per channel); the
 * outbox worker drains them into the tests' fake Slack, which enforces one
 * chat.postMessage per second per channel as Slack documents it (a faster
 * post is answered 429 + Retry-After and counted as a violation). How long
 * the drain takes is compared with the physical limit that rate sets.
 *
 * Processes (all TypeScript children run through Backstage's node transform,
 * from the plugin's directory, like bench/metrics/load.ts):
 *   - bench/comms/slack.ts: the fake Slack, one process for the whole run
 *     (reset between scenarios), so its answers do not share an event loop
 *     with the workers;
 *   - bench/comms/instance.ts: one "backend instance" each: the real
 *     DatabaseReleaseLedgerStore (which writes the outbox rows in the event's
 *     transaction) and the outbox worker exactly as createComms builds it from
 *     config (perChannelIntervalMs 1000, concurrency 8, idle poll 250 ms, the
 *     real SlackTransport over @slack/web-api with its retries off), started
 *     with worker.start() as the plugin's startup hook does. Only the catalog
 *     (in memory) and the logger (counting) are stand-ins.
 *
 * Scenarios (BENCH_SCENARIOS; each on a fresh database: a SQLite file in a
 * temp dir, or a PostgreSQL database bench_comms_<pid>_<n> created and
 * dropped here):
 *   burst        1 instance;  200 release_started, one appendEvents call per
 *                release, all issued at once (group-committed together):
 *                200 parent cards, 10 per channel.
 *   burst-2inst  (PostgreSQL) the same burst split between 2 instances on one
 *                database (each ingests every other release; both workers
 *                drain the one outbox, lanes leased with SKIP LOCKED).
 *   lifecycle    1 instance; the burst, then 3 s later a second burst with
 *                canary_started + promoted + release_finished of every release
 *                (one call per release): per release the parent, 2 replies and
 *                the summary (800 posts, 40 per channel) plus a card update
 *                (chat.update) for each thread whose parent was already posted
 *                with an older status.
 *   whatif-idle  (what-ifs, not in the default list) the burst with one
 *   whatif-pace  setting changed, no plugin code: the worker's idle poll at
 *   whatif-both  25 ms instead of 250 ms (BENCH_WHATIF_IDLE_MS; the OutboxWorker
 *                built by hand exactly as createComms builds it, but for
 *                idleMs), releaseLedger.slack.delivery.perChannelIntervalMs
 *                1100 instead of 1000 (BENCH_WHATIF_INTERVAL_MS; a safety
 *                margin on the pace, config only), or both.
 *
 * Physical limit: a channel takes at most one post per second, and a message
 * cannot go before it exists. With the posts of channel c sorted by the time
 * their wave was issued (a_1 <= a_2 <= ...; t0 = first wave), the earliest
 * possible acceptance times are s_1 = a_1, s_k = max(a_k, s_(k-1) + 1 s), and
 *   limit = max over channels of s_last - t0
 * For the burst (10 posts per channel, all available at t0) that is
 * (10 - 1) x 1 s = 9 s; for lifecycle (40 per channel) 39 s. chat.update is
 * not limited per channel by Slack (nor by the fake); the worker paces it like
 * a post, which the line "limit incl. updates" shows.
 *   drain = (last accepted post or update, fake Slack's clock) - t0
 *   ratio = drain / limit  (>= 1; 1 would be a perfect drain)
 * t0 is when the first appendEvents call of the first wave was issued, so
 * drain includes the commit, the worker noticing the rows, routing them to
 * their channel and composing every message.
 *
 * Where the time goes: instance.ts wraps (at runtime, on the instances, no
 * plugin code changed) the methods the worker calls on its outbox, store and
 * routing, and its drainOnce, so each scenario also reports the worker's
 * passes (routing, lane claim, sending, time between passes) and the methods
 * that took the most time.
 *
 * Checks (exit code 1 when any fails): every message the outbox owes (one row
 * per post) is in Slack exactly once (duplicates = outbox ids found more than
 * once, losses = rows whose id is not in Slack), nothing parked or pending,
 * one thread per release in its service's channel, every reply under its own
 * parent in event order, and (lifecycle) every card showing the final status.
 * 429s and violations are reported (the worker is meant to pace itself, so
 * both should be 0) but do not fail the run.
 *
 * Knobs (environment): see bench/README.md. Table on stdout, progress on
 * stderr, figures in bench/comms/results.json.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const {
  waitExit,
  procCpuMs,
  createCleanup,
  runEnvironment,
} = require('../lib/processes');

// --------------------------------------------------------------------------
// Settings
// --------------------------------------------------------------------------
const ROOT = path.resolve(__dirname, '../..');
const PLUGIN_DIR = path.join(ROOT, 'plugins/release-ledger-backend');
const env = (name, fallback) =>
  process.env[name] === undefined || process.env[name] === ''
    ? fallback
    : process.env[name];
const num = (name, fallback) => Number(env(name, fallback));
const list = (name, fallback) =>
  env(name, fallback)
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

const S = {
  targets: list('BENCH_TARGETS', 'sqlite,postgres'),
  scenarios: list('BENCH_SCENARIOS', 'burst,burst-2inst,lifecycle'),
  releases: num('BENCH_RELEASES', 200),
  channels: num('BENCH_CHANNELS', 20),
  /** The fake's limit; Slack documents about 1 post per second per channel. */
  postsPerSecond: 1,
  wave2Seconds: num('BENCH_WAVE2_SECONDS', 3),
  /** Idle time between the workers starting and the burst (a running backend). */
  settleSeconds: num('BENCH_SETTLE_SECONDS', 1),
  drainTimeoutSeconds: num('BENCH_DRAIN_TIMEOUT_SECONDS', 180),
  whatIfIdleMs: num('BENCH_WHATIF_IDLE_MS', 25),
  whatIfIntervalMs: num('BENCH_WHATIF_INTERVAL_MS', 1100),
  pgUrl: env('BENCH_PG_URL', 'postgresql://postgres@127.0.0.1:5432'),
  keepTmp: env('BENCH_KEEP_TMP', '') === '1',
  tmpBase: env('BENCH_TMPDIR', os.tmpdir()),
};
const TOKEN = 'xoxb-bench-comms';
const RUN_ID = `c${Date.now().toString(36)}${process.pid.toString(36)}`;
const PG_PREFIX = `bench_comms_${process.pid}_`;

const SCENARIOS = {
  burst: { instances: 1, lifecycle: false },
  'burst-2inst': { instances: 2, lifecycle: false, only: 'postgres' },
  lifecycle: { instances: 1, lifecycle: true },
  'whatif-idle': { instances: 1, lifecycle: false, idle: true },
  'whatif-pace': { instances: 1, lifecycle: false, interval: true },
  'whatif-both': { instances: 1, lifecycle: false, idle: true, interval: true },
};

const log = (...a) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const pad2 = n => String(n).padStart(2, '0');
const channelOf = c => `#bench-comms-${pad2(c)}`;
const releaseIdOf = (runId, i) => `${runId}-r${String(i).padStart(4, '0')}`;

// --------------------------------------------------------------------------
// Cleanup of children, temp dirs and PostgreSQL databases
// --------------------------------------------------------------------------
const benchRun = createCleanup({
  log,
  keepTmp: S.keepTmp,
  dropDatabases: async () => {
    if (S.targets.includes('postgres'))
      await dropPgDatabases().catch(e =>
        log(`could not drop databases ${PG_PREFIX}*: ${e.message}`),
      );
  },
});
const { children, tmpDirs, stopChild, cleanup } = benchRun;

function pgClient() {
  const { Client } = require(require.resolve('pg', {
    paths: [PLUGIN_DIR, ROOT],
  }));
  return new Client({ connectionString: S.pgUrl, database: 'postgres' });
}

async function createPgDatabase(name) {
  const client = pgClient();
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** Drops one database, or every database of this run (`bench_comms_<pid>_*`). */
async function dropPgDatabases(only) {
  const client = pgClient();
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, $1) = $2',
      [PG_PREFIX.length, PG_PREFIX],
    );
    for (const { datname } of rows) {
      if (only && datname !== only) continue;
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
  } finally {
    await client.end();
  }
}

// --------------------------------------------------------------------------
// Child processes (TypeScript through Backstage's node transform, over IPC)
// --------------------------------------------------------------------------
const transformPath = () =>
  require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
    paths: [PLUGIN_DIR, ROOT],
  });

/**
 * Starts bench/comms/<script> with `settings` in `envName`; answers a handle
 * with `ready` (the child's first `{ type: 'ready' }` message) and
 * `call(cmd, extra)` (a request answered with the same id).
 */
function startChild(name, script, envName, settings) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      transformPath(),
      path.relative(PLUGIN_DIR, path.join(__dirname, script)),
    ],
    {
      cwd: PLUGIN_DIR,
      env: { ...process.env, [envName]: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  child.stdout.on('data', c => process.stderr.write(c));
  const pending = new Map();
  let seq = 0;
  let exited;
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = { resolve, reject };
    const t = setTimeout(
      () => reject(new Error(`${name} not ready after 180 s`)),
      180_000,
    );
    t.unref();
  });
  child.on('message', m => {
    if (m && m.type === 'ready') onReady.resolve(m);
    else if (m && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${name}: ${m.error}`));
      else p.resolve(m);
    }
  });
  child.once('exit', (code, sig) => {
    children.delete(child);
    exited = `${name} exited with ${code ?? sig}`;
    onReady.reject(new Error(exited));
    for (const p of pending.values()) p.reject(new Error(exited));
    pending.clear();
  });
  const call = (cmd, extra = {}, timeoutMs = 120_000) => {
    if (exited) return Promise.reject(new Error(exited));
    const id = ++seq;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name}: no answer to ${cmd} in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: v => {
          clearTimeout(t);
          resolve(v);
        },
        reject: e => {
          clearTimeout(t);
          reject(e);
        },
      });
      child.send({ id, cmd, ...extra });
    });
  };
  return { name, child, ready, call };
}

// --------------------------------------------------------------------------
// One scenario
// --------------------------------------------------------------------------
async function runScenario(slack, apiUrl, target, scenarioName, n) {
  const sc = SCENARIOS[scenarioName];
  const runId = `${RUN_ID}-${n}`;
  const label = `${scenarioName} on ${target}`;
  const base = {
    index: 0,
    instances: sc.instances,
    client: target === 'sqlite' ? 'sqlite' : 'pg',
    apiUrl,
    token: TOKEN,
    runId,
    releases: S.releases,
    channels: S.channels,
    lifecycle: sc.lifecycle,
    idleMs: sc.idle ? S.whatIfIdleMs : undefined,
    intervalMs: sc.interval ? S.whatIfIntervalMs : undefined,
  };
  let pgDatabase;
  if (target === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(S.tmpBase, `bench-comms-${runId}-`));
    tmpDirs.add(dir);
    base.sqliteFile = path.join(dir, 'release-ledger.sqlite');
  } else {
    pgDatabase = `${PG_PREFIX}${n}`;
    await createPgDatabase(pgDatabase);
    base.pgUrl = S.pgUrl;
    base.pgDatabase = pgDatabase;
  }
  await slack.call('reset');

  const instances = [];
  try {
    // One after the other: instance 0 migrates, the others find it done.
    for (let index = 0; index < sc.instances; index++) {
      const inst = startChild(
        `instance ${index} (${label})`,
        'instance.ts',
        'BENCH_COMMS',
        { ...base, index },
      );
      instances.push(inst);
      await inst.ready;
    }
    log(`${label}: ${sc.instances} instance(s) running; burst`);
    await sleep(S.settleSeconds * 1000);

    const cpu0 = instances.map(i => procCpuMs(i.child.pid));
    const wave1 = await Promise.all(
      instances.map(i => i.call('burst', { wave: 1 })),
    );
    const t0 = Math.min(...wave1.map(w => w.startedAt));
    const waves = [
      {
        startedAt: t0,
        committedAt: Math.max(...wave1.map(w => w.committedAt)),
        events: wave1.reduce((s, w) => s + w.events, 0),
        created: wave1.reduce((s, w) => s + w.created, 0),
      },
    ];
    if (sc.lifecycle) {
      await sleep(Math.max(0, t0 + S.wave2Seconds * 1000 - Date.now()));
      const wave2 = await Promise.all(
        instances.map(i => i.call('burst', { wave: 2 })),
      );
      waves.push({
        startedAt: Math.min(...wave2.map(w => w.startedAt)),
        committedAt: Math.max(...wave2.map(w => w.committedAt)),
        events: wave2.reduce((s, w) => s + w.events, 0),
        created: wave2.reduce((s, w) => s + w.created, 0),
      });
    }
    log(
      `${label}: ${waves.reduce(
        (s, w) => s + w.events,
        0,
      )} events committed; draining`,
    );

    // Until nothing is pending (the fake Slack's clock gives the timing).
    const deadline = Date.now() + S.drainTimeoutSeconds * 1000;
    let counts;
    let timedOut = false;
    let lastLog = Date.now();
    for (;;) {
      const status = await instances[0].call('status');
      counts = status.counts;
      if (counts.pending === 0 && status.pendingProjections === 0) break;
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      if (Date.now() - lastLog > 10_000) {
        log(`${label}: ${JSON.stringify(counts)}`);
        lastLog = Date.now();
      }
      await sleep(100);
    }
    const drainedAt = Date.now();
    const cpu1 = instances.map(i => procCpuMs(i.child.pid));
    const dump = await instances[0].call('dump');
    const stopped = [];
    for (const inst of instances) stopped.push(await inst.call('stop'));
    await Promise.all(instances.map(i => waitExit(i.child, 10_000)));
    const report = await slack.call('report');
    const cpuMs = cpu0.every(Number.isFinite)
      ? cpu1.reduce((s, c, i) => s + (c - cpu0[i]), 0)
      : undefined;
    return analyse({
      scenario: scenarioName,
      target,
      sc,
      runId,
      waves,
      counts,
      timedOut,
      drainedAt,
      cpuMs,
      dump,
      report,
      logged: stopped.map(s => s.logged),
      samples: stopped.flatMap(s => s.samples),
      probes: stopped.map(s => s.probe),
    });
  } finally {
    await Promise.all(instances.map(i => stopChild(i.child)));
    if (pgDatabase)
      await dropPgDatabases(pgDatabase).catch(e =>
        log(`could not drop ${pgDatabase}: ${e.message}`),
      );
  }
}

// --------------------------------------------------------------------------
// Analysis
// --------------------------------------------------------------------------
function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

/** Earliest time the last of these can be accepted, one per `gapMs`. */
function earliestLast(availabilities, gapMs) {
  let t = -Infinity;
  for (const a of [...availabilities].sort((x, y) => x - y))
    t = Math.max(a, t + gapMs);
  return t;
}

/**
 * Where the worker's time went between the burst and the last write, from
 * the timed wrappers of bench/comms/instance.ts: its passes (routing, lane
 * claim, sending) and the time between passes (the idle sleep), summed over
 * instances; and the methods it called, by total time.
 */
function workerProfile(probes, t0, tEnd) {
  const phases = {};
  const sum = {
    passes: 0,
    busyPasses: 0,
    emptyPasses: 0,
    routeMs: 0,
    claimMs: 0,
    sendMs: 0,
    passMs: 0,
    lanes: 0,
    maxPassMs: 0,
    maxRouteMs: 0,
  };
  for (const probe of probes) {
    if (!probe) continue;
    for (const [name, ph] of Object.entries(probe.phases)) {
      const into = (phases[name] ??= { calls: 0, ms: 0, maxMs: 0 });
      into.calls += ph.calls;
      into.ms += ph.ms;
      into.maxMs = Math.max(into.maxMs, ph.maxMs);
    }
    for (const p of probe.passes) {
      if (p.end === undefined || p.start < t0 || p.start > tEnd) continue;
      const routeEnd = p.routeEnd ?? p.end;
      const claimEnd = p.claimEnd ?? p.end;
      sum.passes++;
      if (p.handled > 0) sum.busyPasses++;
      else sum.emptyPasses++;
      sum.routeMs += routeEnd - p.start;
      sum.claimMs += claimEnd - routeEnd;
      sum.sendMs += p.end - claimEnd;
      sum.passMs += p.end - p.start;
      sum.lanes += p.lanes ?? 0;
      sum.maxPassMs = Math.max(sum.maxPassMs, p.end - p.start);
      sum.maxRouteMs = Math.max(sum.maxRouteMs, routeEnd - p.start);
    }
  }
  const windowMs = (tEnd - t0) * probes.length;
  return {
    windowMs: round(windowMs, 0),
    passes: sum.passes,
    busyPasses: sum.busyPasses,
    emptyPasses: sum.emptyPasses,
    routeMs: round(sum.routeMs, 0),
    claimMs: round(sum.claimMs, 0),
    sendMs: round(sum.sendMs, 0),
    betweenPassesMs: round(windowMs - sum.passMs, 0),
    lanesPerPass: sum.passes ? round(sum.lanes / sum.passes, 2) : null,
    maxPassMs: round(sum.maxPassMs, 0),
    maxRouteMs: round(sum.maxRouteMs, 0),
    phases: Object.fromEntries(
      Object.entries(phases)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([name, ph]) => [
          name,
          {
            calls: ph.calls,
            ms: round(ph.ms, 0),
            meanMs: round(ph.ms / ph.calls, 2),
            maxMs: round(ph.maxMs, 0),
          },
        ]),
    ),
  };
}

function analyse(r) {
  const { sc, waves, dump, report } = r;
  const t0 = waves[0].startedAt;
  const gapMs = 1000 / S.postsPerSecond;
  const rows = dump.rows;
  const rowsById = new Map(rows.map(row => [row.id, row]));
  const postRows = rows.filter(row => row.kind !== 'card');
  const cardRows = rows.filter(row => row.kind === 'card');
  const postsPerRelease = sc.lifecycle ? 4 : 1;
  const expected = S.releases * postsPerRelease;

  // ---- exactly once
  const messagesById = new Map();
  let unknown = 0;
  for (const m of report.messages) {
    if (!m.outboxId || !rowsById.has(m.outboxId)) {
      unknown++;
      continue;
    }
    const group = messagesById.get(m.outboxId) ?? [];
    group.push(m);
    messagesById.set(m.outboxId, group);
  }
  const duplicates = [...messagesById.values()].filter(
    g => g.length > 1,
  ).length;
  const delivered = postRows.filter(row => messagesById.has(row.id)).length;
  const lost = Math.max(0, expected - delivered);
  const states = {};
  for (const row of rows) states[row.state] = (states[row.state] ?? 0) + 1;

  // ---- threads: one per release, in its channel, replies in event order
  const threadErrors = [];
  const threads = new Map(dump.threads.map(t => [t.release_id, t]));
  const rowsByRelease = new Map();
  for (const row of rows) {
    const group = rowsByRelease.get(row.release_id) ?? [];
    group.push(row);
    rowsByRelease.set(row.release_id, group);
  }
  const topLevelByChannel = new Map();
  for (const m of report.messages)
    if (!m.threadTs)
      topLevelByChannel.set(
        m.channel,
        (topLevelByChannel.get(m.channel) ?? 0) + 1,
      );
  let finishedCards = 0;
  for (let i = 0; i < S.releases; i++) {
    const releaseId = releaseIdOf(r.runId, i);
    const fail = why => threadErrors.push(`${releaseId}: ${why}`);
    const thread = threads.get(releaseId);
    if (!thread) {
      fail('no thread');
      continue;
    }
    if (thread.channel !== channelOf(i % S.channels))
      fail(`routed to ${thread.channel}`);
    const own = (rowsByRelease.get(releaseId) ?? []).filter(
      row => row.kind !== 'card',
    );
    if (own.length !== postsPerRelease)
      fail(`${own.length} outbox rows, expected ${postsPerRelease}`);
    const parentRow = own.find(row => row.kind === 'parent');
    const parent = parentRow && messagesById.get(parentRow.id)?.[0];
    if (!parent) {
      fail('parent not in Slack');
      continue;
    }
    if (parent.threadTs) fail('parent posted as a reply');
    if (parent.ts !== thread.parent_ts) fail('thread ts differs from Slack');
    if (thread.channel_id && parent.channel !== thread.channel_id)
      fail('parent in another channel');
    const replies = own
      .filter(row => row.kind !== 'parent')
      .sort((a, b) =>
        a.order_at === b.order_at
          ? Number(a.id) - Number(b.id)
          : a.order_at < b.order_at
          ? -1
          : 1,
      )
      .map(row => messagesById.get(row.id)?.[0]);
    let previous = parent.ts;
    for (const m of replies) {
      if (!m) continue; // counted as lost
      if (m.threadTs !== parent.ts || m.channel !== parent.channel)
        fail('reply outside its thread');
      if (Number(m.ts) <= Number(previous)) fail('replies out of event order');
      previous = m.ts;
    }
    if (sc.lifecycle) {
      if (/Finished/.test(parent.status ?? '')) finishedCards++;
      else fail(`card shows '${parent.status}', not Finished`);
    }
  }
  for (const [channel, count] of topLevelByChannel)
    if (count !== S.releases / S.channels)
      threadErrors.push(
        `${channel}: ${count} top-level messages, expected ${
          S.releases / S.channels
        }`,
      );

  // ---- timing, from the fake Slack's accepted writes
  const writes = report.calls.filter(
    c =>
      c.ok === true &&
      (c.method === 'chat.postMessage' || c.method === 'chat.update'),
  );
  const byChannel = new Map();
  for (const c of writes) {
    const ch = byChannel.get(c.channel) ?? { posts: 0, updates: 0, at: [] };
    ch.at.push(c.at);
    if (c.method === 'chat.update') ch.updates++;
    else ch.posts++;
    byChannel.set(c.channel, ch);
  }
  const gaps = [];
  let lastChannel;
  for (const [channel, ch] of byChannel) {
    ch.at.sort((a, b) => a - b);
    ch.first = ch.at[0] - t0;
    ch.last = ch.at[ch.at.length - 1] - t0;
    for (let k = 1; k < ch.at.length; k++) gaps.push(ch.at[k] - ch.at[k - 1]);
    ch.meanGap =
      ch.at.length > 1 ? (ch.last - ch.first) / (ch.at.length - 1) : null;
    if (!lastChannel || ch.last > byChannel.get(lastChannel).last)
      lastChannel = channel;
  }
  gaps.sort((a, b) => a - b);
  const channelNames = new Map(
    dump.lanes.filter(l => l.channel_id).map(l => [l.channel_id, l.channel]),
  );
  const drainMs = writes.length
    ? Math.max(...writes.map(c => c.at)) - t0
    : null;

  // ---- the physical limit
  const waveOf = row =>
    row.kind === 'parent' || waves.length === 1
      ? waves[0].startedAt
      : waves[1].startedAt;
  const availability = new Map();
  for (const row of postRows) {
    const list = availability.get(row.channel) ?? [];
    list.push(waveOf(row) - t0);
    availability.set(row.channel, list);
  }
  let limitMs = 0;
  let limitWithUpdatesMs = 0;
  for (const [channel, avail] of availability) {
    limitMs = Math.max(limitMs, earliestLast(avail, gapMs));
    const id = [...channelNames].find(([, name]) => name === channel)?.[0];
    const updates = (id && byChannel.get(id)?.updates) ?? 0;
    const withUpdates = [
      ...avail,
      ...Array(updates).fill((waves[1] ?? waves[0]).startedAt - t0),
    ];
    limitWithUpdatesMs = Math.max(
      limitWithUpdatesMs,
      earliestLast(withUpdates, gapMs),
    );
  }

  // How early the rate-limited posts came (Slack counts from its previous accepted post).
  const early = [];
  const lastPost = new Map();
  for (const c of [...report.calls].sort((a, b) => a.at - b.at)) {
    if (c.method !== 'chat.postMessage') continue;
    if (c.ok) lastPost.set(c.channel, c.at);
    else if (c.error === 'ratelimited' && lastPost.has(c.channel))
      early.push(gapMs - (c.at - lastPost.get(c.channel)));
  }
  early.sort((a, b) => a - b);

  const calls = {};
  for (const c of report.calls) {
    const key = `${c.method} ${c.ok ? 'ok' : c.error ?? c.status}`;
    calls[key] = (calls[key] ?? 0) + 1;
  }
  const last = lastChannel && byChannel.get(lastChannel);
  const firstByChannel = [...byChannel.values()].map(ch => ch.first);
  const logged = {};
  for (const l of r.logged)
    for (const [k, v] of Object.entries(l)) logged[k] = (logged[k] ?? 0) + v;

  const result = {
    scenario: r.scenario,
    target: r.target,
    instances: sc.instances,
    releases: S.releases,
    channels: S.channels,
    expectedPosts: expected,
    outboxRows: rows.length,
    cardRows: cardRows.length,
    posts: report.stats.posts,
    updates: report.stats.updates,
    limitMs: round(limitMs, 0),
    limitWithUpdatesMs: round(limitWithUpdatesMs, 0),
    drainMs: round(drainMs, 0),
    ratio: drainMs && limitMs ? round(drainMs / limitMs, 3) : null,
    drainDetectedMs: r.drainedAt - t0,
    waves: waves.map(w => ({
      at: w.startedAt - t0,
      commitMs: w.committedAt - w.startedAt,
      events: w.events,
      created: w.created,
    })),
    firstWriteMs: firstByChannel.length ? Math.min(...firstByChannel) : null,
    allChannelsStartedMs: firstByChannel.length
      ? Math.max(...firstByChannel)
      : null,
    gapMs: {
      p50: quantile(gaps, 0.5),
      p95: quantile(gaps, 0.95),
      max: gaps.length ? gaps[gaps.length - 1] : null,
      mean: gaps.length
        ? round(gaps.reduce((s, g) => s + g, 0) / gaps.length, 1)
        : null,
    },
    lastChannel: last && {
      channel: channelNames.get(lastChannel) ?? lastChannel,
      firstMs: last.first,
      lastMs: last.last,
      writes: last.at.length,
      meanGapMs: round(last.meanGap, 1),
    },
    rateLimited: report.stats.rateLimited,
    earlyByMs: early.length
      ? { p50: quantile(early, 0.5), max: early[early.length - 1] }
      : null,
    violations: report.stats.violations,
    slackCalls: report.stats.calls,
    calls,
    duplicates,
    fakeDuplicates: report.duplicates,
    lost,
    unknown,
    states,
    retries: rows.reduce((s, row) => s + Number(row.attempts), 0),
    threadErrors: threadErrors.length,
    threadErrorSamples: threadErrors.slice(0, 10),
    finishedCards: sc.lifecycle ? finishedCards : undefined,
    logged,
    logSamples: r.samples.slice(0, 10),
    workerCpuMs: round(r.cpuMs, 0),
    worker: workerProfile(r.probes, t0, t0 + (drainMs ?? 0)),
    timedOut: r.timedOut,
  };
  result.ok =
    !r.timedOut &&
    duplicates === 0 &&
    report.duplicates === 0 &&
    lost === 0 &&
    unknown === 0 &&
    postRows.length === expected &&
    (states.pending ?? 0) === 0 &&
    (states.parked ?? 0) === 0 &&
    threadErrors.length === 0;
  return result;
}

// --------------------------------------------------------------------------
// Report
// --------------------------------------------------------------------------
function pad(s, n, right) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}
const sec = ms => (ms == null ? '-' : (ms / 1000).toFixed(2));

function report(results) {
  const cols = [
    ['scenario', 11, r => r.scenario],
    ['db', 8, r => r.target],
    ['inst', 4, r => r.instances, 1],
    ['posts', 5, r => r.posts, 1],
    ['upd', 4, r => r.updates, 1],
    ['limit s', 7, r => sec(r.limitMs), 1],
    ['drain s', 7, r => sec(r.drainMs), 1],
    ['ratio', 6, r => (r.ratio == null ? '-' : r.ratio.toFixed(2)), 1],
    ['1st s', 5, r => sec(r.firstWriteMs), 1],
    ['all ch s', 8, r => sec(r.allChannelsStartedMs), 1],
    ['gap p50/p95/max ms', 18, r => gapText(r.gapMs), 1],
    ['429', 4, r => r.rateLimited, 1],
    ['viol', 4, r => r.violations, 1],
    ['dup', 3, r => r.duplicates, 1],
    ['lost', 4, r => r.lost, 1],
    ['parked', 6, r => r.states.parked ?? 0, 1],
    ['check', 5, r => (r.ok ? 'PASS' : 'FAIL'), 1],
  ];
  const head = cols.map(([h, w, , right]) => pad(h, w, right)).join('  ');
  const lines = ['', head, '-'.repeat(head.length)];
  for (const r of results) {
    if (r.error) {
      lines.push(
        `${pad(r.scenario, 11)}  ${pad(r.target, 8)}  ERROR ${r.error}`,
      );
      continue;
    }
    lines.push(cols.map(([, w, f, right]) => pad(f(r), w, right)).join('  '));
  }
  lines.push(
    '',
    'limit = max over channels of the earliest time its last post could be accepted at 1 post/s/channel',
    '        (posts available when their wave was issued; burst: (10 - 1) x 1 s = 9 s)',
    'drain = first appendEvents call of the burst -> last post or update accepted by the fake Slack',
    '',
  );
  for (const r of results.filter(x => !x.error)) {
    const lc = r.lastChannel;
    const commit = r.waves.map(w => `${w.commitMs} ms`).join(' + ');
    lines.push(
      `${r.scenario} on ${r.target}: ${r.outboxRows} outbox rows (${
        r.expectedPosts
      } posts owed), commit ${commit}; Slack calls ${r.slackCalls}; ${
        r.retries
      } counted retries; ${
        r.earlyByMs
          ? `the ${r.rateLimited} posts answered 429 came ${r.earlyByMs.p50} ms (median, max ${r.earlyByMs.max}) too early; `
          : ''
      }worker CPU ${sec(r.workerCpuMs)} s${
        r.updates ? `; limit incl. updates ${sec(r.limitWithUpdatesMs)} s` : ''
      }`,
    );
    if (lc)
      lines.push(
        `  last channel ${lc.channel}: first write +${sec(
          lc.firstMs,
        )} s, then ${lc.writes - 1} gaps of ${sec(
          lc.meanGapMs,
        )} s on average -> last write +${sec(lc.lastMs)} s`,
      );
    const w = r.worker;
    if (w && w.passes) {
      const top = Object.entries(w.phases)
        .slice(0, 4)
        .map(
          ([name, ph]) =>
            `${name} ${sec(ph.ms)} s (${ph.calls} x ${ph.meanMs} ms)`,
        )
        .join(', ');
      lines.push(
        `  worker${r.instances > 1 ? 's (summed)' : ''}: ${w.passes} passes (${
          w.emptyPasses
        } empty), ${w.lanesPerPass} lanes per pass; of ${sec(
          w.windowMs,
        )} s: routing ${sec(w.routeMs)}, claiming ${sec(
          w.claimMs,
        )}, sending ${sec(w.sendMs)}, between passes ${sec(
          w.betweenPassesMs,
        )}; longest pass ${w.maxPassMs} ms (routing ${w.maxRouteMs} ms)`,
        `  most time in: ${top}`,
      );
    }
    if (r.threadErrors)
      lines.push(
        `  thread errors (${r.threadErrors}): ${r.threadErrorSamples.join(
          '; ',
        )}`,
      );
    if (r.logSamples.length)
      lines.push(`  worker log: ${r.logSamples.join(' | ')}`);
    if (r.timedOut)
      lines.push(
        `  NOT DRAINED after ${S.drainTimeoutSeconds} s: ${JSON.stringify(
          r.states,
        )}`,
      );
  }
  console.log(lines.join('\n'));
}

function gapText(g) {
  if (!g || g.p50 == null) return '-';
  return `${g.p50}/${g.p95}/${g.max}`;
}

// --------------------------------------------------------------------------
// Main
// --------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  if (loadBefore > 0.7 * os.cpus().length)
    log(
      `warning: 1-minute load average is ${loadBefore.toFixed(2)} on ${
        os.cpus().length
      } cores; timings will be noisy`,
    );
  if (S.releases % S.channels !== 0)
    throw new Error('BENCH_RELEASES must be a multiple of BENCH_CHANNELS');
  for (const name of S.scenarios)
    if (!SCENARIOS[name])
      throw new Error(
        `unknown scenario ${name} (known: ${Object.keys(SCENARIOS).join(
          ', ',
        )})`,
      );

  const slack = startChild('fake slack', 'slack.ts', 'BENCH_SLACK', {
    postsPerSecond: S.postsPerSecond,
    token: TOKEN,
  });
  const { apiUrl } = await slack.ready;
  log(`fake Slack at ${apiUrl} (${S.postsPerSecond} post/s per channel)`);

  const plan = [];
  for (const scenario of S.scenarios)
    for (const target of S.targets) {
      const only = SCENARIOS[scenario].only;
      if (!only || only === target) plan.push({ scenario, target });
    }
  const results = [];
  let n = 0;
  for (const { scenario, target } of plan) {
    if (benchRun.interrupted) break;
    const t = Date.now();
    try {
      const result = await runScenario(slack, apiUrl, target, scenario, ++n);
      results.push(result);
      log(
        `${scenario} on ${target}: drain ${sec(result.drainMs)} s, limit ${sec(
          result.limitMs,
        )} s, ratio ${result.ratio} (${Math.round(
          (Date.now() - t) / 1000,
        )} s with setup)`,
      );
    } catch (e) {
      log(`${scenario} on ${target} failed: ${e.stack ?? e}`);
      results.push({ scenario, target, error: String(e.message ?? e) });
    }
  }
  await slack.call('close').catch(() => undefined);
  if (benchRun.interrupted) return 130;

  report(results);
  const failed = results.some(r => r.error || !r.ok);
  const out = {
    runId: RUN_ID,
    date: new Date().toISOString(),
    ...runEnvironment(ROOT),
    settings: S,
    loadAvg1mBefore: round(loadBefore, 2),
    loadAvg1mAfter: round(os.loadavg()[0], 2),
    durationSeconds: round((Date.now() - started) / 1000, 1),
    results,
    ok: !failed,
  };
  fs.writeFileSync(
    path.join(__dirname, 'results.json'),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  log(`wrote bench/comms/results.json (total ${out.durationSeconds}s)`);
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
