/*
 * Process helpers shared by the benchmarks (bench/ingest, bench/metrics):
 * stopping child process groups, free ports, a process's CPU time.
 */
'use strict';

const fs = require('node:fs');
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

module.exports = { killChild, waitExit, freePort, procCpuMs };
