/*
 * Process helpers shared by the benchmarks (bench/ingest, bench/metrics,
 * bench/comms): stopping child process groups, cleaning up on exit and on
 * signals, free ports, a process's CPU time, and what a results.json records
 * of the checkout and the machine.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const { execFileSync } = require('node:child_process');

let clockTicks = 100;
try {
  clockTicks =
    Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) ||
    100;
} catch {
  // the Linux default
}

/** Signals a child, or its whole process group when it was started detached (`__group`). */
function killChild(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Backends run in their own process group (detached): signal the whole group.
    if (child.__group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

/** Resolves true when the child has exited, false after `ms`. */
function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(true);
  return new Promise(resolve => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function procCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Stops a child: SIGTERM, then SIGKILL when it is still there after 10 s. */
async function stopChild(child) {
  killChild(child, 'SIGTERM');
  if (!(await waitExit(child, 10_000))) {
    killChild(child, 'SIGKILL');
    await waitExit(child, 5_000);
  }
}

/**
 * What a benchmark run leaves behind, and how it goes: children to stop,
 * temp dirs to remove (unless `keepTmp`), databases to drop
 * (`dropDatabases`), once, on the way out or on SIGINT/SIGTERM/SIGHUP
 * (then exit 130 without a report; `interrupted` turns true so loops stop).
 * On exit any child still running is SIGKILLed, so a backend is never left.
 */
function createCleanup({ log, keepTmp, dropDatabases, hardExitMs = 30_000 }) {
  const run = {
    children: new Set(),
    tmpDirs: new Set(),
    interrupted: false,
    async stopChild(child) {
      await stopChild(child);
      run.children.delete(child);
    },
    cleanup() {
      cleaningUp ??= (async () => {
        await Promise.all([...run.children].map(run.stopChild));
        if (dropDatabases) await dropDatabases();
        if (!keepTmp)
          for (const dir of run.tmpDirs)
            fs.rmSync(dir, { recursive: true, force: true });
      })();
      return cleaningUp;
    },
  };
  let cleaningUp;
  process.on('exit', () => {
    // Last resort (synchronous).
    for (const child of run.children) killChild(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      run.interrupted = true;
      log(
        `${signal}: stopping children and cleaning up (no report, no results.json)`,
      );
      const hard = setTimeout(() => process.exit(130), hardExitMs);
      hard.unref();
      run.cleanup().finally(() => process.exit(130));
    });
  }
  return run;
}

/** The checkout's short commit (undefined outside git) and the machine, for results.json. */
function runEnvironment(root) {
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  } catch {
    commit = undefined;
  }
  return {
    commit,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    },
  };
}

module.exports = {
  runEnvironment,
  killChild,
  waitExit,
  stopChild,
  createCleanup,
  freePort,
  procCpuMs,
};
