import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's `prometheus` package; `scripts/provision.sh` installs it. */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

const READY_TIMEOUT_MS = 30_000;

/**
 * Whether the suites that need a real Prometheus can run. CI sets
 * RELEASE_LEDGER_REQUIRE_PROMETHEUS=1 so a missing Prometheus fails the run
 * instead of silently skipping those suites; elsewhere they are skipped
 * with a message saying how to get them to run.
 */
export function prometheusAvailable(): boolean {
  const available = existsSync(PROMETHEUS_BIN) && existsSync(PROMTOOL_BIN);
  if (!available && process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS === '1') {
    throw new Error(
      `RELEASE_LEDGER_REQUIRE_PROMETHEUS=1 but ${PROMETHEUS_BIN} or ${PROMTOOL_BIN} is missing: run scripts/provision.sh (Debian's prometheus package)`,
    );
  }
  if (!available) {
    // eslint-disable-next-line no-console
    console.warn(
      `Skipping the real-Prometheus tests: ${PROMETHEUS_BIN} not found. Install Debian's prometheus package (scripts/provision.sh); CI sets RELEASE_LEDGER_REQUIRE_PROMETHEUS=1 to make this an error.`,
    );
  }
  return available;
}

export type RunningPrometheus = {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  stop(): Promise<void>;
};

/**
 * Backfills `openMetrics` into a fresh TSDB with promtool and starts a
 * Prometheus on it, on a free loopback port, with no scrape targets.
 *
 * Backfilled data has no staleness markers: an instant query still sees a
 * series up to 5 minutes (the lookback delta) after its last sample. The
 * retention of 10 years keeps fixtures with fixed past dates.
 */
export async function startPrometheus(
  openMetrics: string,
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'release-ledger-prometheus-'));
  try {
    const input = join(dir, 'series.om');
    const data = join(dir, 'data');
    const config = join(dir, 'prometheus.yml');
    await writeFile(input, openMetrics);
    await writeFile(config, 'global:\n  scrape_interval: 1m\n');
    await promisify(execFile)(PROMTOOL_BIN, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      input,
      data,
    ]);
    // A port found free can be taken before Prometheus binds it; try again.
    for (let attempt = 1; ; attempt++) {
      try {
        const server = await launch(data, config, await freePort());
        return {
          url: server.url,
          stop: async () => {
            await stopProcess(server.child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        if (attempt === 3) {
          throw error;
        }
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  data: string,
  config: string,
  port: number,
): Promise<{ url: string; child: ChildProcess }> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--config.file=${config}`,
      '--storage.tsdb.retention.time=10y',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', chunk => {
    log = (log + chunk).slice(-4000);
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `prometheus exited (${
          child.exitCode ?? child.signalCode
        }) before it was ready:\n${log}`,
      );
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) {
        return { url, child };
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await stopProcess(child);
  throw new Error(
    `prometheus was not ready within ${READY_TIMEOUT_MS} ms:\n${log}`,
  );
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (address === null || typeof address === 'string') {
    throw new Error('could not find a free port');
  }
  return address.port;
}
