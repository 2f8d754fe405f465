#!/usr/bin/env node
/*
 * The dev portal's Prometheus (started by scripts/start.sh): once the
 * backend answers and the demo seed is done, reads the releases through the
 * HTTP API and writes the canary metrics of every release with a canary
 * window — healthy (0.1–0.4 % errors) for promoted releases and running
 * canaries, failing (2–5 %, over the gate's 1 %) for rolled-back ones —
 * with the series and labels the `default` gate in app-config.yaml queries
 * (service = entity name, version = release version). It backfills them
 * with `promtool tsdb create-blocks-from openmetrics` and runs Debian's
 * Prometheus on 127.0.0.1:9091 until it is stopped. The generators and the
 * Prometheus helpers are the browser test's (e2e/gates-fixture.js).
 *
 *   node scripts/dev-prometheus.js [--after-pid <seeder pid>]
 *
 * The TSDB is rebuilt on every start (the releases may have changed), in
 * <data dir>/prometheus: data/prometheus, or `$RELEASE_LEDGER_DATA_DIR/prometheus`
 * when that is set. A running canary's series go on for two hours after
 * the start, so a gate started from the portal has data to measure.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  canarySeries,
  openMetricsDocument,
  backfillOpenMetrics,
  runPrometheus,
} = require('../e2e/gates-fixture');

const root = path.resolve(__dirname, '..');
const { answer, ledger, waitForBackend } = require('./ledgerApi');
const PORT = 9091;
/** A rolled-back canary's error ratio: 2–5 %, clearly over the gate's 1 %. */
const FAILING_ERRORS = { mean: 0.035, swing: 0.015 };
const RUNNING_AHEAD_MS = 2 * 3_600_000;
const DAY_MS = 86_400_000;

const args = process.argv.slice(2);
const afterPid = Number(args[args.indexOf('--after-pid') + 1]) || undefined;
// Relative data dirs are relative to packages/backend, as in app-config.yaml.
const dir = process.env.RELEASE_LEDGER_DATA_DIR
  ? path.join(
      path.resolve(
        root,
        'packages',
        'backend',
        process.env.RELEASE_LEDGER_DATA_DIR,
      ),
      'prometheus',
    )
  : path.join(root, 'data', 'prometheus');

/** `file` relative to the repository when it is in it. */
const shown = file =>
  path.relative(root, file).startsWith('..') ? file : path.relative(root, file);
const log = message => console.log(`dev-prometheus: ${message}`);
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Whether process `pid` still runs (a zombie has finished). */
function running(pid) {
  if (fs.existsSync('/proc/self')) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function allReleases() {
  const releases = [];
  let cursor;
  do {
    const page = await answer(
      ledger().GET('/releases', {
        params: { query: { limit: '200', cursor } },
      }),
    );
    releases.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return releases;
}

/**
 * A release's canary window as the gate replay takes it: from
 * `canary_started` to the first of promoted, rolled back or finished after
 * it (read from the release's events); undefined without a canary or a
 * version (the gate's query needs one).
 */
function canaryOf(release, nowMs) {
  if (!release.version) return undefined;
  const at = type =>
    release.events
      .filter(e => e.type === type)
      .map(e => Date.parse(e.timestamp));
  const starts = at('canary_started');
  if (!starts.length) return undefined;
  const fromMs = Math.min(...starts);
  const [endMs] = [
    ...at('promoted'),
    ...at('rolled_back'),
    ...at('release_finished'),
  ]
    .filter(t => t >= fromMs)
    .sort((a, b) => a - b);
  const rolledBack = at('rolled_back').some(t => t >= fromMs && t <= endMs);
  return {
    service: release.entityRef.slice(release.entityRef.indexOf('/') + 1),
    version: release.version,
    // A minute on either side: the gate's rate windows reach back, and
    // Prometheus looks back a little for the latest sample.
    fromMs: fromMs - 60_000,
    toMs: endMs === undefined ? nowMs + RUNNING_AHEAD_MS : endMs + 60_000,
    outcome:
      endMs === undefined ? 'running' : rolledBack ? 'rolled back' : 'promoted',
  };
}

async function main() {
  await waitForBackend(15 * 60_000);
  while (afterPid && running(afterPid)) await sleep(1000);

  const nowMs = Date.now();
  const summaries = await allReleases();
  const canaries = [];
  for (const summary of summaries) {
    if (!summary.canaryStartedAt) continue;
    const release = await answer(
      ledger().GET('/releases/{releaseId}', {
        params: { path: { releaseId: summary.releaseId } },
      }),
    );
    const canary = canaryOf(release, nowMs);
    if (canary) canaries.push(canary);
  }

  // promtool reads its whole input once per two-hour block between the
  // first and the last sample: one file per day keeps ~100 days fast.
  fs.rmSync(dir, { recursive: true, force: true });
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  const days = new Map();
  for (const canary of canaries) {
    const day = Math.floor(canary.fromMs / DAY_MS);
    const series = canarySeries({
      ...canary,
      ...(canary.outcome === 'rolled back' ? { errors: FAILING_ERRORS } : {}),
    });
    days.set(day, [...(days.get(day) ?? []), series]);
  }
  for (const [day, series] of days) {
    const input = path.join(dir, `day-${day}.om`);
    fs.writeFileSync(input, openMetricsDocument(series));
    await backfillOpenMetrics(input, data);
    fs.rmSync(input);
  }
  const count = outcome => canaries.filter(c => c.outcome === outcome).length;
  log(
    `backfilled ${canaries.length} canaries (${count(
      'promoted',
    )} promoted, ${count('rolled back')} rolled back, ${count(
      'running',
    )} running) into ${shown(dir)}`,
  );

  let child;
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null)
      child.kill('SIGTERM');
    else process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, stop);
  const logFile = path.join(dir, 'prometheus.log');
  const url = await runPrometheus({
    data,
    port: PORT,
    logFile,
    detached: false,
    onChild: c => {
      child = c;
    },
  });
  if (stopping) return;
  if (!url) {
    const tail = fs.readFileSync(logFile, 'utf8').slice(-1500);
    throw new Error(
      `Prometheus did not become ready on 127.0.0.1:${PORT} (is the port taken?); gates will report Prometheus unreachable:\n${tail}`,
    );
  }
  log(`Prometheus on ${url} (log: ${shown(logFile)})`);
  child.on('exit', (code, signal) => {
    if (!stopping) log(`Prometheus exited (${signal ?? code})`);
    process.exit(stopping ? 0 : 1);
  });
}

main().catch(e => {
  console.error(`dev-prometheus: ${e.message}`);
  process.exit(1);
});
