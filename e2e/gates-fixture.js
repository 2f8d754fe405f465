/*
 * The real Prometheus behind the browser test's SLO gate: writes a canary's
 * metrics as OpenMetrics, backfills them with `promtool tsdb
 * create-blocks-from openmetrics` and starts Debian's Prometheus on a free
 * loopback port with no scrape targets — the same approach as the backend's
 * test harness (@release-ledger/test-utils, packages/test-utils/src/prometheus),
 * in plain JS so the e2e runs with plain node.
 *
 * The series run from 30 minutes before now to 20 minutes after it: the
 * gate measures at "now" plus n intervals, and Prometheus answers queries
 * at future times from backfilled blocks like any others.
 */
'use strict';

const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { freePort } = require('../bench/lib/processes');

const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN || '/usr/bin/prometheus';
const PROMTOOL_BIN = process.env.PROMTOOL_BIN || '/usr/bin/promtool';

const SCRAPE_MS = 5_000;
const REQUESTS_PER_SCRAPE = 1_000; // 200 requests a second
/** Upper bounds of the latency histogram's buckets, in seconds. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1];

/** The gate set `default`, as the e2e backend's config (YAML lines). */
function gateConfigLines(prometheusUrl) {
  return [
    'releaseLedger:',
    '  prometheus:',
    `    url: ${prometheusUrl}`,
    // The series are backfilled ahead of time: every moment is complete.
    '    ingestionDelayMs: 0',
    '  gates:',
    '    default:',
    '      checks:',
    '        - name: error-rate',
    `          query: 'sum(rate(http_requests_total{service="{{entity}}",version="{{version}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{service="{{entity}}",version="{{version}}"}[{{interval}}]))'`,
    `          condition: '< 0.01'`,
    '          interval: 15s',
    '          count: 4',
    '          failureLimit: 1',
    '          consecutiveSuccesses: 2',
    '          noData: inconclusive',
    // A stricter latency objective being tried out: recorded, not blocking.
    '        - name: latency-p95',
    `          query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{entity}}",version="{{version}}"}[{{interval}}])))'`,
    `          condition: '< 0.3'`,
    '          interval: 15s',
    '          count: 4',
    '          failureLimit: 1',
    '          noData: inconclusive',
    '          dryRun: true',
    '',
  ];
}

/** The canary's error ratio by default: 0.1–0.4 %, under the gate's 1 %. */
const HEALTHY_ERRORS = { mean: 0.0025, swing: 0.0015 };

/**
 * The samples of a canary of `service` at `version` from `fromMs` to
 * `toMs`, one scrape every 5 s, by metric family: `requests`
 * (http_requests_total by code) and `durations` (the latency histogram).
 * The error ratio wobbles around `errors.mean` by `errors.swing` (default
 * 0.1–0.4 %); the p95 latency is about 0.35 s. Deterministic: the wobble is
 * a function of time. `openMetricsDocument` joins canaries into one file.
 */
function canarySeries({
  service,
  version,
  fromMs,
  toMs,
  errors: errorShape = HEALTHY_ERRORS,
}) {
  const requests = new Map(); // code -> lines
  const buckets = new Map(); // le -> lines
  const counts = [];
  const sums = [];
  let ok = 0;
  let errors = 0;
  let total = 0;
  let sum = 0;
  const cumulative = new Array(BUCKETS.length).fill(0);
  const start = Math.floor(fromMs / SCRAPE_MS) * SCRAPE_MS;
  for (let at = start; at <= toMs; at += SCRAPE_MS) {
    const phase = at / 60_000;
    const errorRatio =
      errorShape.mean + errorShape.swing * Math.sin(phase * 1.7);
    errors += REQUESTS_PER_SCRAPE * errorRatio;
    ok += REQUESTS_PER_SCRAPE * (1 - errorRatio);
    // Share of requests at or under each bucket's bound.
    const under025 = 0.92 + 0.006 * Math.sin(phase * 2.3);
    const shares = [0.4, 0.7, under025, 0.985, 0.998];
    shares.forEach((share, i) => {
      cumulative[i] += REQUESTS_PER_SCRAPE * share;
    });
    total += REQUESTS_PER_SCRAPE;
    sum += REQUESTS_PER_SCRAPE * 0.12;
    const ts = at / 1000;
    const labels = `service="${service}",track="canary",version="${version}"`;
    for (const [code, value] of [
      ['200', ok],
      ['500', errors],
    ]) {
      const lines = requests.get(code) ?? [];
      lines.push(
        `http_requests_total{code="${code}",${labels}} ${value.toFixed(
          3,
        )} ${ts}`,
      );
      requests.set(code, lines);
    }
    [...BUCKETS, '+Inf'].forEach((le, i) => {
      const lines = buckets.get(String(le)) ?? [];
      const value = i < BUCKETS.length ? cumulative[i] : total;
      lines.push(
        `http_request_duration_seconds_bucket{le="${le}",${labels}} ${value.toFixed(
          3,
        )} ${ts}`,
      );
      buckets.set(String(le), lines);
    });
    counts.push(
      `http_request_duration_seconds_count{${labels}} ${total} ${ts}`,
    );
    sums.push(
      `http_request_duration_seconds_sum{${labels}} ${sum.toFixed(3)} ${ts}`,
    );
  }
  return {
    requests: [...requests.values()].flat(),
    durations: [...[...buckets.values()].flat(), ...counts, ...sums],
  };
}

/** One OpenMetrics file holding the samples of `canaries` (from `canarySeries`). */
function openMetricsDocument(canaries) {
  return [
    '# TYPE http_requests counter',
    ...canaries.flatMap(c => c.requests),
    '# TYPE http_request_duration_seconds histogram',
    ...canaries.flatMap(c => c.durations),
    '# EOF',
    '',
  ].join('\n');
}

/**
 * A healthy canary of `service` at `version`: 0.1–0.4 % errors (under the
 * gate's 1 %) and a p95 latency of about 0.35 s (over the dry-run check's
 * 0.3 s), as an OpenMetrics file.
 */
function canaryOpenMetrics(options) {
  return openMetricsDocument([canarySeries(options)]);
}

/**
 * Backfills the OpenMetrics file `input` into the TSDB folder `data` (new
 * blocks next to any already there).
 */
async function backfillOpenMetrics(input, data) {
  await promisify(execFile)(
    PROMTOOL_BIN,
    ['tsdb', 'create-blocks-from', 'openmetrics', input, data],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * Starts Prometheus on the TSDB folder `data`, with no scrape targets, on
 * 127.0.0.1:`port`; its output goes to `logFile`. `onChild` gets the
 * process as soon as it exists, so the caller's cleanup can stop it on
 * every exit path. Answers the base URL once Prometheus is ready, or
 * undefined when it exited or was not ready within `timeoutMs` (then it is
 * killed).
 */
async function runPrometheus({
  data,
  port,
  logFile,
  onChild,
  detached = true,
  timeoutMs = 30_000,
}) {
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(path.dirname(logFile), 'prometheus.yml');
  fs.writeFileSync(config, 'global:\n  scrape_interval: 1m\n');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--config.file=${config}`,
      '--storage.tsdb.retention.time=10y',
    ],
    { stdio: ['ignore', log, log], detached },
  );
  fs.closeSync(log);
  onChild(child);
  const deadline = Date.now() + timeoutMs;
  while (
    Date.now() < deadline &&
    child.exitCode === null &&
    child.signalCode === null
  ) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return url;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 200));
  }
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
  }
  return undefined;
}

/**
 * Backfills `openMetrics` into `dir` and starts Prometheus on it. `onChild`
 * gets the process as soon as it exists, so the caller's cleanup can stop
 * it on every exit path. Answers the base URL once Prometheus is ready.
 */
async function startPrometheus(openMetrics, dir, onChild) {
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, 'series.om');
  const data = path.join(dir, 'data');
  fs.writeFileSync(input, openMetrics);
  await backfillOpenMetrics(input, data);
  // A port found free can be taken before Prometheus binds it; try again.
  for (let attempt = 1; ; attempt++) {
    const logFile = path.join(dir, `prometheus-${attempt}.log`);
    const url = await runPrometheus({
      data,
      port: await freePort(),
      logFile,
      onChild,
    });
    if (url) return url;
    if (attempt === 3) {
      const tail = fs.readFileSync(logFile, 'utf8').slice(-2000);
      throw new Error(`prometheus did not become ready:\n${tail}`);
    }
  }
}

module.exports = {
  PROMETHEUS_BIN,
  PROMTOOL_BIN,
  gateConfigLines,
  canarySeries,
  openMetricsDocument,
  canaryOpenMetrics,
  backfillOpenMetrics,
  runPrometheus,
  startPrometheus,
};
