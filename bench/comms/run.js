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
 * Processes:
 *   - bench/comms/slack.ts: the fake Slack (@release-ledger/test-utils), one
 *     process for the whole run (reset between scenarios), so its answers do
 *     not share an event loop with the backends;
 *   - one backend instance each: the real dev backend (packages/backend,
 *     started as e2e/comms-restart.ts starts it, see bench/lib/devBackend.js)
 *     with the ledger added through the plugin's public default export, its
 *     catalog holding the bench's 20 services (each annotated with its
 *     channel), and releaseLedger.slack pointing at the fake: the worker, its
 *     delivery settings (perChannelIntervalMs 1000, concurrency 8, ...) and
 *     the real SlackTransport are exactly what the plugin builds from config.
 *     Everything is driven over HTTP: POST /api/release-ledger/events with the
 *     pipeline's static token, GET /ledger/status and /comms/status while it
 *     drains, GET /releases/:id/comms for the checks.
 *
 * Scenarios (BENCH_SCENARIOS; each on fresh databases: a SQLite directory in a
 * temp dir, or PostgreSQL databases with the prefix bench_comms_<pid>_<n>_,
 * dropped after the scenario):
 *   burst        1 instance;  200 release_started, one POST per release, all
 *                issued at once (the backend group-commits them): 200 parent
 *                cards, 10 per channel.
 *   burst-2inst  (PostgreSQL) the same burst split between 2 instances on one
 *                database (each takes every other release; both workers
 *                drain the one outbox, lanes leased with SKIP LOCKED).
 *   lifecycle    1 instance; the burst, then 3 s later a second burst with
 *                canary_started + promoted + release_finished of every release
 *                (one POST per release): per release the parent, 2 replies and
 *                the summary (800 posts, 40 per channel) plus a card update
 *                (chat.update) for each thread whose parent was already posted
 *                with an older status.
 *   whatif-pace  (not in the default list) the burst with
 *                releaseLedger.slack.delivery.perChannelIntervalMs 1100
 *                (BENCH_WHATIF_INTERVAL_MS): a safety margin on the pace.
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
 * t0 is when the first POST of the first wave was issued, so drain includes
 * the HTTP ingest and its commit, the deferred projections writing the
 * outbox, the worker noticing the rows, routing them to their channel against
 * the catalog and composing every message.
 *
 * Where the time goes: the backends' CPU time over the drain, and with
 * BENCH_PROFILE=1 a CPU profile of each backend from the burst until drained.
 *
 * Checks (exit code 1 when any fails): every message the outbox owes (one row
 * per post) is in Slack exactly once (duplicates = outbox ids found more than
 * once, losses = messages whose id is not in Slack), nothing parked or
 * pending, one thread per release in its service's channel, every reply under
 * its own parent in event order, and (lifecycle) every card showing the final
 * status. 429s and violations are reported (the worker is meant to pace
 * itself, so both should be 0) but do not fail the run.
 *
 * Knobs (environment): see bench/README.md. Table on stdout, progress on
 * stderr, figures in bench/comms/results.json.
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const {
  freePort,
  procCpuMs,
  createCleanup,
  runEnvironment,
} = require('../lib/processes');
const {
  request,
  externalAccessConfig,
  startDevBackend,
  waitFor,
  yamlString,
} = require('../lib/devBackend');
const { connectProfiler, profileLines } = require('../lib/profile');

// --------------------------------------------------------------------------
// Settings
// --------------------------------------------------------------------------
const ROOT = path.resolve(__dirname, '../..');
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
  /** Idle time between the backends going quiet and the burst. */
  settleSeconds: num('BENCH_SETTLE_SECONDS', 1),
  drainTimeoutSeconds: num('BENCH_DRAIN_TIMEOUT_SECONDS', 180),
  readyTimeoutSeconds: num('BENCH_READY_TIMEOUT_SECONDS', 180),
  whatIfIntervalMs: num('BENCH_WHATIF_INTERVAL_MS', 1100),
  pgUrl: env('BENCH_PG_URL', 'postgresql://postgres@127.0.0.1:5432'),
  nodeEnv: env('BENCH_NODE_ENV', 'development'),
  profile: env('BENCH_PROFILE', '') === '1',
  keepTmp: env('BENCH_KEEP_TMP', '') === '1',
  tmpBase: env('BENCH_TMPDIR', os.tmpdir()),
};
/** The pipeline's static token, allowed on release-ledger only (as documented). */
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
/** Only for the readiness check on the catalog. */
const CATALOG_TOKEN = 'bench-comms-catalog-token';
const SLACK_TOKEN = 'xoxb-bench-comms';
const RUN_ID = `c${Date.now().toString(36)}${process.pid.toString(36)}`;
const PG_PREFIX = `bench_comms_${process.pid}_`;
const API = '/api/release-ledger';

const SCENARIOS = {
  burst: { instances: 1, lifecycle: false },
  'burst-2inst': { instances: 2, lifecycle: false, only: 'postgres' },
  lifecycle: { instances: 1, lifecycle: true },
  'whatif-pace': { instances: 1, lifecycle: false, interval: true },
};

const log = (...a) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const pad2 = n => String(n).padStart(2, '0');
const channelOf = c => `#bench-comms-${pad2(c)}`;
const serviceOf = c => `svc-${pad2(c)}`;
const releaseIdOf = (runId, i) => `${runId}-r${String(i).padStart(4, '0')}`;

// --------------------------------------------------------------------------
// Cleanup of children, temp dirs and PostgreSQL databases
// --------------------------------------------------------------------------
const benchRun = createCleanup({
  log,
  keepTmp: S.keepTmp,
  dropDatabases: async () => {
    if (S.targets.includes('postgres'))
      await dropPgDatabases(PG_PREFIX).catch(e =>
        log(`could not drop databases ${PG_PREFIX}*: ${e.message}`),
      );
  },
});
const { children, tmpDirs, stopChild, cleanup } = benchRun;

/** Drops every database whose name starts with `prefix`. */
async function dropPgDatabases(prefix) {
  const { Client } = require(require.resolve('pg', {
    paths: [path.join(ROOT, 'packages/backend'), ROOT],
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
    for (const { datname } of rows)
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
  } finally {
    await client.end();
  }
}

// --------------------------------------------------------------------------
// The fake Slack (TypeScript through Backstage's node transform, over IPC)
// --------------------------------------------------------------------------
/**
 * Starts bench/comms/slack.ts; answers a handle with `ready` (its
 * `{ type: 'ready', apiUrl }` message) and `call(cmd)` (a request answered
 * with the same id).
 */
function startFakeSlack() {
  const name = 'fake slack';
  const transform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
    { paths: [ROOT] },
  );
  const child = spawn(
    process.execPath,
    [
      '--require',
      transform,
      path.relative(ROOT, path.join(__dirname, 'slack.ts')),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        BENCH_SLACK: JSON.stringify({
          postsPerSecond: S.postsPerSecond,
          token: SLACK_TOKEN,
          channels: Array.from({ length: S.channels }, (_, c) => channelOf(c)),
        }),
      },
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
  const call = (cmd, timeoutMs = 120_000) => {
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
      child.send({ id, cmd });
    });
  };
  return { name, child, ready, call };
}

// --------------------------------------------------------------------------
// The backend instances
// --------------------------------------------------------------------------
/** The catalog: one service per channel, each naming its channel; one owner team. */
function catalogYaml() {
  const docs = [
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata:',
      '  name: bench-team',
      'spec:',
      '  type: team',
      '  profile:',
      '    displayName: Bench Team',
      '  children: []',
    ],
  ];
  for (let c = 0; c < S.channels; c++)
    docs.push([
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${serviceOf(c)}`,
      '  annotations:',
      `    release-ledger/slack-channel: ${yamlString(channelOf(c))}`,
      "    release-ledger/oncall: '@oncall-bench'",
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: group:default/bench-team',
    ]);
  return `${docs.map(d => d.join('\n')).join('\n---\n')}\n`;
}

/**
 * Starts one instance: the dev backend on the scenario's database, its
 * catalog reading `catalogPath`, Slack pointing at the fake. Ready when the
 * ledger answers and the catalog holds every service.
 */
async function startInstance({
  label,
  index,
  dir,
  database,
  apiUrl,
  catalogPath,
  intervalMs,
}) {
  const instDir = path.join(dir, `instance-${index}`);
  fs.mkdirSync(instDir, { recursive: true });
  const port = await freePort();
  const backend = startDevBackend({
    name: `instance ${index} (${label})`,
    dir: instDir,
    port,
    children,
    inspect: S.profile,
    env: { NODE_ENV: S.nodeEnv, RELEASE_LEDGER_TOKEN: TOKEN },
    configLines: [
      '  database:',
      ...database,
      ...externalAccessConfig([
        {
          token: TOKEN,
          subject: 'release-pipeline',
          plugins: ['release-ledger'],
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
      'releaseLedger:',
      '  slack:',
      `    token: ${yamlString(SLACK_TOKEN)}`,
      `    apiUrl: ${yamlString(apiUrl)}`,
      ...(intervalMs
        ? ['    delivery:', `      perChannelIntervalMs: ${intervalMs}`]
        : []),
    ],
  });
  const deadline = Date.now() + S.readyTimeoutSeconds * 1000;
  await waitFor(backend, {
    what: 'comms',
    urlPath: `${API}/comms/status`,
    token: TOKEN,
    ok: body => body.delivery && body.delivery.mode === 'slack',
    deadline,
  });
  await waitFor(backend, {
    what: 'catalog',
    urlPath: `/api/catalog/entities/by-query?limit=1&filter=${encodeURIComponent(
      'kind=component',
    )}`,
    token: CATALOG_TOKEN,
    ok: body => body.totalItems === S.channels,
    deadline,
  });
  backend.agent = new http.Agent({ keepAlive: true });
  if (S.profile)
    backend.profiler = await connectProfiler(backend.logPath, __dirname);
  return backend;
}

/** Waits (at most 20 s) until every backend used under 0.1 core for 1 s twice in a row. */
async function untilQuiet(backends) {
  const deadline = Date.now() + 20_000;
  let quiet = 0;
  let cpu = backends.map(b => procCpuMs(b.child.pid));
  while (quiet < 2 && Date.now() < deadline && cpu.every(Number.isFinite)) {
    await sleep(1000);
    const next = backends.map(b => procCpuMs(b.child.pid));
    quiet = next.every((c, i) => c - cpu[i] < 100) ? quiet + 1 : 0;
    cpu = next;
  }
  return quiet >= 2;
}

async function getJson(backend, urlPath) {
  const r = await request({
    port: backend.port,
    method: 'GET',
    urlPath,
    token: TOKEN,
    agent: backend.agent,
  });
  if (r.status !== 200)
    throw new Error(
      `${backend.name}: GET ${urlPath}: HTTP ${r.status} ${r.body.slice(
        0,
        300,
      )}`,
    );
  return JSON.parse(r.body);
}

/** The events of release `i` in a wave, as a pipeline posts them. */
function releaseEvents(runId, i, wave, atMs) {
  const service = serviceOf(i % S.channels);
  const releaseId = releaseIdOf(runId, i);
  const event = (n, type, attributes) => ({
    eventId: `${releaseId}-${n}`,
    type,
    releaseId,
    entityRef: `component:default/${service}`,
    timestamp: new Date(atMs + n).toISOString(),
    environment: 'production',
    version: `1.${Math.floor(i / S.channels)}.${i % S.channels}`,
    commit: '9f2c1ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
    attributes,
  });
  if (wave === 1)
    return [
      event(0, 'release_started', {
        plan: 'canary 10% then 100%',
        changeCount: 1,
      }),
    ];
  return [
    event(1, 'canary_started', { weight: 10 }),
    event(2, 'promoted', {}),
    event(3, 'release_finished', {}),
  ];
}

/**
 * One wave on one instance: its share of the releases (every n-th), one
 * POST per release, all issued at once. Answers when every POST was
 * answered 201.
 */
async function postWave(backend, { runId, index, instances, wave }) {
  const mine = Array.from({ length: S.releases }, (_, i) => i).filter(
    i => i % instances === index,
  );
  const atMs = Date.now();
  const bodies = mine.map(i =>
    JSON.stringify({ events: releaseEvents(runId, i, wave, atMs) }),
  );
  const startedAt = Date.now();
  const answers = await Promise.all(
    bodies.map(body =>
      request({
        port: backend.port,
        method: 'POST',
        urlPath: `${API}/events`,
        token: TOKEN,
        body,
        agent: backend.agent,
      }),
    ),
  );
  const committedAt = Date.now();
  const bad = answers.find(a => a.status !== 201);
  if (bad)
    throw new Error(
      `${backend.name}: POST /events answered ${bad.status} ${bad.body.slice(
        0,
        500,
      )}`,
    );
  const results = answers.flatMap(a => JSON.parse(a.body).results);
  return {
    startedAt,
    committedAt,
    calls: bodies.length,
    events: results.length,
    created: results.filter(r => r.status === 'created').length,
  };
}

/**
 * The outbox as the ledger shows it, per release (GET /releases/:id/comms:
 * its channel, thread and messages, card updates folded into the parent),
 * and the counts by state of every outbox row (GET /comms/status).
 */
async function readOutbox(backend, runId) {
  const rows = [];
  const threads = [];
  const ids = Array.from({ length: S.releases }, (_, i) =>
    releaseIdOf(runId, i),
  );
  for (let k = 0; k < ids.length; k += 8)
    await Promise.all(
      ids.slice(k, k + 8).map(async releaseId => {
        const comms = await getJson(
          backend,
          `${API}/releases/${encodeURIComponent(releaseId)}/comms`,
        );
        threads.push({
          release_id: releaseId,
          channel: comms.channel,
          parent_ts: comms.threadTs,
        });
        for (const m of comms.messages)
          rows.push({
            id: String(m.id),
            kind: m.kind,
            release_id: releaseId,
            channel: comms.channel,
            order_at: m.orderAt,
            state: m.state,
            attempts: m.attempts,
            slack_ts: m.slackTs,
          });
      }),
    );
  const status = await getJson(backend, `${API}/comms/status`);
  return { rows, threads, counts: status.counts };
}

/**
 * What the backend logged from byte `from` of its log on: lines by level,
 * warnings and errors as samples.
 */
function readLog(logPath, from) {
  const counts = {};
  const samples = [];
  // The dev logger's lines: "<time> <plugin> <level> <message>" (colours stripped).
  const text = fs
    .readFileSync(logPath)
    .subarray(from)
    .toString('utf8')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '');
  for (const line of text.split('\n')) {
    const m = /^\S+\s+\S+\s+(error|warn|info|debug)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, level, message] = m;
    counts[level] = (counts[level] ?? 0) + 1;
    if (/already in Slack/.test(message))
      counts.alreadyInSlack = (counts.alreadyInSlack ?? 0) + 1;
    if ((level === 'warn' || level === 'error') && samples.length < 20)
      samples.push(`${level}: ${message.slice(0, 300)}`);
  }
  return { counts, samples };
}

// --------------------------------------------------------------------------
// One scenario
// --------------------------------------------------------------------------
async function runScenario(
  slack,
  apiUrl,
  catalogPath,
  target,
  scenarioName,
  n,
) {
  const sc = SCENARIOS[scenarioName];
  const runId = `${RUN_ID}-${n}`;
  const label = `${scenarioName} on ${target}`;
  const dir = fs.mkdtempSync(path.join(S.tmpBase, `bench-comms-${runId}-`));
  tmpDirs.add(dir);
  const pgPrefix = `${PG_PREFIX}${n}_`;
  const database =
    target === 'sqlite'
      ? [
          '    client: better-sqlite3',
          '    connection:',
          `      directory: ${yamlString(path.join(dir, 'sqlite'))}`,
        ]
      : [
          '    client: pg',
          `    connection: ${yamlString(S.pgUrl)}`,
          `    prefix: ${yamlString(pgPrefix)}`,
        ];
  if (target === 'sqlite') fs.mkdirSync(path.join(dir, 'sqlite'));
  await slack.call('reset');

  const instances = [];
  try {
    // One after the other: the first migrates, the others find it done.
    for (let index = 0; index < sc.instances; index++)
      instances.push(
        await startInstance({
          label,
          index,
          dir,
          database,
          apiUrl,
          catalogPath,
          intervalMs: sc.interval ? S.whatIfIntervalMs : undefined,
        }),
      );
    const quiet = await untilQuiet(instances);
    log(
      `${label}: ${sc.instances} instance(s) ready${
        quiet ? '' : ' (still busy after 20 s)'
      }; burst`,
    );
    await sleep(S.settleSeconds * 1000);
    // Anything the fake saw before the burst (nothing is expected) is not the burst's.
    await slack.call('reset');

    for (const inst of instances)
      if (inst.profiler) await inst.profiler.start();
    const cpu0 = instances.map(i => procCpuMs(i.child.pid));
    // Only what the backends log from the burst on (not their startup).
    const logFrom = instances.map(i => fs.statSync(i.logPath).size);
    const wave = async w => {
      const answers = await Promise.all(
        instances.map((inst, index) =>
          postWave(inst, { runId, index, instances: sc.instances, wave: w }),
        ),
      );
      return {
        startedAt: Math.min(...answers.map(a => a.startedAt)),
        committedAt: Math.max(...answers.map(a => a.committedAt)),
        calls: answers.reduce((s, a) => s + a.calls, 0),
        events: answers.reduce((s, a) => s + a.events, 0),
        created: answers.reduce((s, a) => s + a.created, 0),
      };
    };
    const waves = [await wave(1)];
    const t0 = waves[0].startedAt;
    if (sc.lifecycle) {
      await sleep(Math.max(0, t0 + S.wave2Seconds * 1000 - Date.now()));
      waves.push(await wave(2));
    }
    log(
      `${label}: ${waves.reduce(
        (s, w) => s + w.events,
        0,
      )} events committed; draining`,
    );

    // Until nothing is pending (the fake Slack's clock gives the timing).
    // The projections first: outbox rows exist once their events are projected.
    const deadline = Date.now() + S.drainTimeoutSeconds * 1000;
    let counts;
    let timedOut = false;
    let lastLog = Date.now();
    for (;;) {
      const ledger = await getJson(instances[0], `${API}/ledger/status`);
      counts = (await getJson(instances[0], `${API}/comms/status`)).counts;
      if (counts.pending === 0 && ledger.projections.pendingEvents === 0) break;
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      if (Date.now() - lastLog > 10_000) {
        log(
          `${label}: outbox ${JSON.stringify(counts)}, ${
            ledger.projections.pendingEvents
          } events to project`,
        );
        lastLog = Date.now();
      }
      await sleep(100);
    }
    const drainedAt = Date.now();
    const cpu1 = instances.map(i => procCpuMs(i.child.pid));
    const profiles = [];
    for (const [index, inst] of instances.entries())
      if (inst.profiler) {
        profiles.push({
          index,
          ...(await inst.profiler.stop(`${scenarioName}-${target}-${index}`)),
        });
        inst.profiler.close();
      }
    const outbox = await readOutbox(instances[0], runId);
    for (const inst of instances) {
      inst.agent.destroy();
      await stopChild(inst.child);
    }
    const logs = instances.map((inst, k) => readLog(inst.logPath, logFrom[k]));
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
      outbox,
      report,
      logged: logs.map(l => l.counts),
      samples: logs.flatMap(l => l.samples),
      profiles,
    });
  } finally {
    await Promise.all(instances.map(i => stopChild(i.child)));
    if (target === 'postgres')
      await dropPgDatabases(pgPrefix).catch(e =>
        log(`could not drop ${pgPrefix}*: ${e.message}`),
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

function analyse(r) {
  const { sc, waves, outbox, report } = r;
  const t0 = waves[0].startedAt;
  const gapMs = 1000 / S.postsPerSecond;
  // The messages of every release (card updates are folded into their
  // parent, so every row here is one post); the counts cover every row.
  const rows = outbox.rows;
  const rowsById = new Map(rows.map(row => [row.id, row]));
  const postRows = rows;
  const totalRows = Object.values(outbox.counts).reduce((s, n) => s + n, 0);
  const cardRows = totalRows - rows.length;
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
  const states = Object.fromEntries(
    Object.entries(outbox.counts).filter(([, count]) => count > 0),
  );

  // ---- threads: one per release, in its channel, replies in event order
  const threadErrors = [];
  const threads = new Map(outbox.threads.map(t => [t.release_id, t]));
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
    if (parent.channel !== report.channelIds[thread.channel])
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
    Object.entries(report.channelIds).map(([name, id]) => [id, name]),
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
    cardRows,
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
    backendCpuMs: round(r.cpuMs, 0),
    profiles: r.profiles.length ? r.profiles : undefined,
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
    'drain = first POST /events of the burst -> last post or update accepted by the fake Slack',
    '',
  );
  for (const r of results.filter(x => !x.error)) {
    const lc = r.lastChannel;
    const commit = r.waves.map(w => `${w.commitMs} ms`).join(' + ');
    lines.push(
      `${r.scenario} on ${r.target}: ${r.outboxRows} messages + ${
        r.cardRows
      } card updates in the outbox (${
        r.expectedPosts
      } posts owed), every POST answered 201 after ${commit}; Slack calls ${
        r.slackCalls
      }; ${r.retries} counted retries; ${
        r.earlyByMs
          ? `the ${r.rateLimited} posts answered 429 came ${r.earlyByMs.p50} ms (median, max ${r.earlyByMs.max}) too early; `
          : ''
      }backend CPU ${sec(r.backendCpuMs)} s${
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
    for (const p of r.profiles ?? [])
      lines.push(
        ...profileLines(`CPU profile of instance ${p.index}`, {
          ...p,
          byPackage: p.byPackage.slice(0, 8),
          topSelf: p.topSelf.slice(0, 10),
        }).map(line => `  ${line}`),
      );
    if (r.threadErrors)
      lines.push(
        `  thread errors (${r.threadErrors}): ${r.threadErrorSamples.join(
          '; ',
        )}`,
      );
    if (r.logSamples.length)
      lines.push(`  backend log: ${r.logSamples.join(' | ')}`);
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

  const slack = startFakeSlack();
  const { apiUrl } = await slack.ready;
  log(`fake Slack at ${apiUrl} (${S.postsPerSecond} post/s per channel)`);
  const shared = fs.mkdtempSync(path.join(S.tmpBase, 'bench-comms-catalog-'));
  tmpDirs.add(shared);
  const catalogPath = path.join(shared, 'entities.yaml');
  fs.writeFileSync(catalogPath, catalogYaml());

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
      const result = await runScenario(
        slack,
        apiUrl,
        catalogPath,
        target,
        scenario,
        ++n,
      );
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
  if (S.profile) {
    log('profiled run: results.json not written');
  } else {
    fs.writeFileSync(
      path.join(__dirname, 'results.json'),
      `${JSON.stringify(out, null, 2)}\n`,
    );
    log(`wrote bench/comms/results.json (total ${out.durationSeconds}s)`);
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
