/*
 * Fault test of the write path across a crash: the real dev backend (catalog
 * with the demo entities, the ledger, its projection drains and outbox
 * worker) sends to the fake Slack. It is killed with SIGKILL while messages
 * are in flight (Slack has taken them, the answers are slow) and while a
 * second wave of releases is committed but not yet projected (on PostgreSQL
 * the test holds the drains' entity locks, so the drain is stuck mid-
 * transaction at the kill; on SQLite, where nothing outside can hold a drain
 * without holding the appends too, a trigger the test adds makes every drain
 * fail and roll back until the restart), then
 * started again on the same database. Every message must reach
 * Slack exactly once, each thread must read in event order, and every
 * release must have its DORA footprint. Runs on SQLite and on PostgreSQL;
 * prints the counts.
 *
 * Run: yarn test:comms-restart (part of yarn test:all).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack, startFakeSlack } from '@release-ledger/test-utils';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { killChild, waitExit, freePort } = require('../bench/lib/processes');

const ROOT = path.resolve(__dirname, '..');
const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
const PG_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  'postgresql://postgres@127.0.0.1:5432';
const SERVICES = ['payments-api', 'cart-service', 'api-gateway'];
/** Releases of the first wave (their messages are in flight at the kill). */
const RELEASES = 30;
/** Releases committed but not projected at the kill. */
const UNPROJECTED = 10;
const ENTITY_REFS = SERVICES.map(s => `component:default/${s}`);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type Backend = { child: ChildProcess; port: number; log: string };

function writeConfig(dir: string, port: number, db: string, slack: FakeSlack) {
  const database =
    db === 'sqlite'
      ? [
          '    client: better-sqlite3',
          '    connection:',
          `      directory: ${JSON.stringify(path.join(dir, 'sqlite'))}`,
        ]
      : [
          '    client: pg',
          `    connection: ${JSON.stringify(PG_URL)}`,
          `    prefix: ${JSON.stringify(`comms_restart_${process.pid}_`)}`,
        ];
  fs.mkdirSync(path.join(dir, 'sqlite'), { recursive: true });
  const file = path.join(dir, 'app-config.comms.yaml');
  fs.writeFileSync(
    file,
    [
      'backend:',
      `  baseUrl: http://127.0.0.1:${port}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '  database:',
      ...database,
      'releaseLedger:',
      '  slack:',
      '    token: xoxb-comms-restart',
      `    apiUrl: ${JSON.stringify(slack.apiUrl)}`,
      '    delivery:',
      // Fast pacing so the run is short; the rate itself is bench:comms' job.
      '      perChannelIntervalMs: 50',
      // A slow answer is a time-out: the message may be in Slack already.
      '      timeoutMs: 1500',
      '',
    ].join('\n'),
  );
  return file;
}

async function startBackend(dir: string, configFile: string, port: number) {
  const log = path.join(dir, `backend-${Date.now()}.log`);
  const fd = fs.openSync(log, 'w');
  const transform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
    { paths: [BACKEND_DIR, ROOT] },
  );
  const child = spawn(
    process.execPath,
    [
      '--require',
      transform,
      'src/index',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    {
      cwd: BACKEND_DIR,
      env: { ...process.env, RELEASE_LEDGER_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
      stdio: ['ignore', fd, fd],
      detached: true,
    },
  );
  (child as ChildProcess & { __group?: boolean }).__group = true;
  fs.closeSync(fd);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited early:\n${fs.readFileSync(log, 'utf8')}`);
    }
    try {
      const res = await api(port, 'GET', '/comms/status');
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`backend not ready:\n${fs.readFileSync(log, 'utf8')}`);
    }
    await sleep(500);
  }
  return { child, port, log } as Backend;
}

async function api(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
) {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/release-ledger${urlPath}`,
    {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    },
  );
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

function releaseEvents(i: number) {
  const service = SERVICES[i % SERVICES.length];
  const releaseId = `comms-restart-${i}`;
  const t0 = Date.UTC(2026, 10, 27, 9, 0) + i * 600_000;
  const at = (m: number) => new Date(t0 + m * 60_000).toISOString();
  const base = {
    releaseId,
    entityRef: `component:default/${service}`,
    environment: 'production',
    version: `1.${i}.0`,
  };
  return [
    { ...base, type: 'release_started', timestamp: at(0), attributes: {} },
    {
      ...base,
      type: 'canary_started',
      timestamp: at(1),
      attributes: { weight: 10 },
    },
    { ...base, type: 'promoted', timestamp: at(2), attributes: {} },
  ];
}

async function scenario(db: 'sqlite' | 'postgres') {
  const slack = await startFakeSlack();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `comms-restart-${db}-`));
  const port = await freePort();
  const config = writeConfig(dir, port, db, slack);
  let backend = await startBackend(dir, config, port);
  try {
    // Slack takes these posts but answers after the client's time-out.
    slack.inject(
      { kind: 'slow', delayMs: 20_000 },
      { method: 'chat.postMessage', count: 6 },
    );
    const events = Array.from({ length: RELEASES }, (_, i) =>
      releaseEvents(i),
    ).flat();
    // The catalog reads the demo entities shortly after startup.
    const ingestDeadline = Date.now() + 90_000;
    for (;;) {
      const posted = await api(port, 'POST', '/events', { events });
      if (posted.status === 201) break;
      const message = JSON.stringify(posted.json);
      if (!/not in the catalog/.test(message) || Date.now() > ingestDeadline) {
        throw new Error(`ingest answered ${posted.status}: ${message}`);
      }
      await sleep(1000);
    }

    // Kill while answers are outstanding: messages are in Slack, not yet
    // recorded as delivered.
    const deadline = Date.now() + 60_000;
    while (!slack.calls().some(c => c.status === 'pending')) {
      if (Date.now() > deadline) throw new Error('no message ever in flight');
      await sleep(20);
    }
    await sleep(300);
    const inFlight = slack.calls().filter(c => c.status === 'pending').length;
    const beforeKill = slack.stats().posts;

    // Second wave: committed, then killed before its projections commit.
    const pgLocks = db === 'postgres' ? await holdDrainLocks() : undefined;
    if (db === 'sqlite') {
      await execSqlite(
        dir,
        `CREATE TRIGGER hold_drains BEFORE DELETE ON release_ledger_projection_queue_events
         BEGIN SELECT RAISE(ABORT, 'drains held by the comms-restart test'); END`,
      );
    }
    const second = Array.from({ length: UNPROJECTED }, (_, i) =>
      releaseEvents(RELEASES + i),
    ).flat();
    const posted = await api(port, 'POST', '/events', { events: second });
    if (posted.status !== 201) {
      throw new Error(`second wave answered ${posted.status}`);
    }
    if (pgLocks) {
      // The drain has claimed the wave and waits for the entity locks.
      await waitForDrainBlocked(pgLocks);
    }
    killChild(backend.child, 'SIGKILL');
    await waitExit(backend.child, 10_000);
    const unprojected = await pendingProjections(db, dir);
    await pgLocks?.end();
    if (db === 'sqlite') await execSqlite(dir, 'DROP TRIGGER hold_drains');
    if (unprojected !== second.length) {
      throw new Error(
        `expected ${second.length} events pending at the kill, found ${unprojected}`,
      );
    }

    backend = await startBackend(dir, config, port);
    const drainDeadline = Date.now() + 180_000;
    for (;;) {
      const status = await api(port, 'GET', '/comms/status');
      const counts = status.json?.counts;
      const ledger = await api(port, 'GET', '/ledger/status');
      const pending = ledger.json?.projections?.pendingEvents;
      if (counts && counts.pending === 0 && pending === 0) {
        if (counts.parked !== 0) {
          throw new Error(
            `${counts.parked} message(s) parked: ${JSON.stringify(counts)}`,
          );
        }
        break;
      }
      if (Date.now() > drainDeadline) {
        throw new Error(
          `not drained: outbox ${JSON.stringify(
            counts,
          )}, projections ${JSON.stringify(ledger.json)}`,
        );
      }
      await sleep(500);
    }

    const total = RELEASES + UNPROJECTED;
    const expected = total * 3; // parent + 2 replies each
    const footprints = await footprintCount(db, dir);
    const messages = slack.allMessages();
    const duplicates = slack.duplicates();
    const ids = new Set(
      messages.map(m => String(m.metadata?.event_payload.outbox_id)),
    );
    // Each thread: parent, canary reply, promotion reply, in that order.
    let outOfOrder = 0;
    for (const parent of messages.filter(m => !m.threadTs)) {
      const replies = slack.thread(parent.channel, parent.ts).slice(1);
      const texts = replies.map(r => r.text ?? '');
      if (
        texts.length !== 2 ||
        !/Canary/.test(texts[0]) ||
        !/Promoted/.test(texts[1])
      ) {
        outOfOrder++;
      }
    }
    const line =
      `comms restart on ${db}: ${expected} messages expected, ${messages.length} in Slack ` +
      `(${ids.size} distinct), ${beforeKill} posted before SIGKILL with ${inFlight} in flight, ` +
      `${duplicates.length} duplicated, ${
        expected - ids.size
      } lost, ${outOfOrder} threads out of order; ${unprojected} events committed but not projected at the kill, ` +
      `${footprints} of ${total} footprints after the restart`;
    process.stdout.write(`${line}\n`);
    if (
      messages.length !== expected ||
      ids.size !== expected ||
      duplicates.length > 0 ||
      outOfOrder > 0 ||
      footprints !== total
    ) {
      throw new Error(`FAILED: ${line}`);
    }
  } finally {
    killChild(backend.child, 'SIGTERM');
    await waitExit(backend.child, 10_000).catch(() => undefined);
    await slack.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The plugin's own database of the PostgreSQL run (Backstage: prefix + plugin id). */
function pluginDatabase() {
  return `comms_restart_${process.pid}_release-ledger`;
}

function pgClient(database?: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg');
  const url = new URL(PG_URL);
  if (database) url.pathname = `/${database}`;
  return new Client({ connectionString: url.toString() });
}

/**
 * Takes the session advisory locks a drain takes per entity (see
 * projectionQueue.ts, #lockEntities): drains of the demo services then wait,
 * with their claim open, until this connection ends.
 */
async function holdDrainLocks() {
  const client = pgClient(pluginDatabase());
  await client.connect();
  for (const ref of ENTITY_REFS) {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
      `projection:entity:${ref}`,
    ]);
  }
  return client;
}

/** Waits until a backend connection waits for one of those locks. */
async function waitForDrainBlocked(client: { query: Function }) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database =
          (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if (rows[0].n > 0) return;
    if (Date.now() > deadline) throw new Error('the drain never blocked');
    await sleep(50);
  }
}

function sqliteFile(dir: string) {
  return path.join(dir, 'sqlite', 'release-ledger.sqlite');
}

function openSqlite(dir: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3');
  // Not readonly: a read-only connection cannot use the WAL's index and
  // would read the last checkpoint, not the last commit.
  return new Database(sqliteFile(dir), {
    fileMustExist: true,
    timeout: 10_000,
  });
}

/** A statement on the SQLite run's plugin database, beside the backend. */
async function execSqlite(dir: string, sql: string) {
  const conn = openSqlite(dir);
  try {
    conn.exec(sql);
  } finally {
    conn.close();
  }
}

/** Runs one query on the plugin's database, whichever it is. */
async function queryPlugin(db: string, dir: string, sql: string) {
  if (db === 'sqlite') {
    const conn = openSqlite(dir);
    try {
      return Number(conn.prepare(sql).get().n);
    } finally {
      conn.close();
    }
  }
  const client = pgClient(pluginDatabase());
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** Events committed whose deferred projections have not committed. */
function pendingProjections(db: string, dir: string) {
  return queryPlugin(
    db,
    dir,
    'SELECT count(*) AS n FROM release_ledger_projection_queue_events',
  );
}

/** DORA footprints of this test's releases. */
function footprintCount(db: string, dir: string) {
  return queryPlugin(
    db,
    dir,
    "SELECT count(*) AS n FROM release_ledger_footprints WHERE release_id LIKE 'comms-restart-%' AND promoted_at IS NOT NULL",
  );
}

/** Drops the databases the PostgreSQL run created (one per plugin). */
async function dropPostgresDatabases() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`comms_restart_${process.pid}_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

async function main() {
  await scenario('sqlite');
  try {
    await scenario('postgres');
  } finally {
    await dropPostgresDatabases();
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
