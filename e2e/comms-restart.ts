/*
 * Fault test of Slack delivery across a crash: the real dev backend (catalog
 * with the demo entities, the ledger, its outbox worker) sends to the fake
 * Slack; while messages are in flight (Slack has taken them, the answers are
 * slow) the backend is killed with SIGKILL, then started again on the same
 * database. Every message must reach Slack exactly once and each thread must
 * read in event order. Runs on SQLite and on PostgreSQL; prints the counts.
 *
 * Run: yarn test:comms-restart (part of yarn test:all).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FakeSlack,
  startFakeSlack,
} from '@release-ledger/test-utils';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { killChild, waitExit, freePort } = require('../bench/lib/processes');

const ROOT = path.resolve(__dirname, '..');
const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
const PG_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  'postgresql://postgres@127.0.0.1:5432';
const SERVICES = ['payments-api', 'cart-service', 'api-gateway'];
const RELEASES = 30;

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
    killChild(backend.child, 'SIGKILL');
    await waitExit(backend.child, 10_000);

    backend = await startBackend(dir, config, port);
    const drainDeadline = Date.now() + 180_000;
    for (;;) {
      const status = await api(port, 'GET', '/comms/status');
      const counts = status.json?.counts;
      if (counts && counts.pending === 0) {
        if (counts.parked !== 0) {
          throw new Error(
            `${counts.parked} message(s) parked: ${JSON.stringify(counts)}`,
          );
        }
        break;
      }
      if (Date.now() > drainDeadline) {
        throw new Error(`outbox not drained: ${JSON.stringify(counts)}`);
      }
      await sleep(500);
    }

    const expected = RELEASES * 3; // parent + 2 replies each
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
      } lost, ${outOfOrder} threads out of order`;
    process.stdout.write(`${line}\n`);
    if (
      messages.length !== expected ||
      ids.size !== expected ||
      duplicates.length > 0 ||
      outOfOrder > 0
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
