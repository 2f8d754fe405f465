/*
 * Optional CPU profiling of a backend started with `--inspect=127.0.0.1:0`
 * (BENCH_PROFILE=1): the benchmark connects to its inspector and runs V8's
 * sampling profiler only while the work it times runs, writes the profile
 * (open it in Chrome DevTools or speedscope) and summarises self time by
 * package and by function.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const round = (x, d) =>
  Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;
const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Connects to the inspector whose URL the backend printed to `logPath`;
 * `stop(name)` writes `<outDir>/profile-<name>.cpuprofile` and answers its
 * summary.
 */
async function connectProfiler(logPath, outDir) {
  let url;
  for (let i = 0; i < 50 && !url; i++) {
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(
      fs.readFileSync(logPath, 'utf8'),
    );
    if (m) url = m[1];
    else await sleep(100);
  }
  if (!url)
    throw new Error('BENCH_PROFILE: no inspector URL in the backend log');
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = m => {
    const msg = JSON.parse(
      typeof m.data === 'string' ? m.data : Buffer.from(m.data).toString(),
    );
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise(resolve => {
      const mid = ++id;
      pending.set(mid, resolve);
      ws.send(JSON.stringify({ id: mid, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  return {
    start: () => send('Profiler.start'),
    async stop(name) {
      const { result } = await send('Profiler.stop');
      const file = path.join(outDir, `profile-${name}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(result.profile));
      return summariseProfile(result.profile, file);
    },
    close: () => ws.close(),
  };
}

/** Self time by package and the top functions of a V8 CPU profile. */
function summariseProfile(profile, file) {
  const total = profile.endTime - profile.startTime; // µs
  const dt = new Map();
  profile.samples.forEach((sid, i) =>
    dt.set(sid, (dt.get(sid) || 0) + (profile.timeDeltas[i] || 0)),
  );
  const byFn = new Map();
  const byPkg = new Map();
  const pkgOf = url => {
    if (!url) return '(native/vm)';
    if (url.startsWith('node:')) return 'node-core';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
      url.split('node_modules/').length > 2
        ? url.slice(url.lastIndexOf('node_modules/'))
        : url,
    );
    if (m) return m[1];
    const w = /\/(plugins|packages|bench)\/([^/]+)\//.exec(url);
    return w ? `workspace:${w[2]}` : url;
  };
  for (const node of profile.nodes) {
    const us = dt.get(node.id) || 0;
    if (!us) continue;
    const cf = node.callFrame;
    const fnKey = `${cf.functionName || '(anonymous)'} ${
      cf.url
        ? `${cf.url.replace(/^.*node_modules\//, '').replace(`${ROOT}/`, '')}:${
            cf.lineNumber + 1
          }`
        : ''
    }`.trim();
    byFn.set(fnKey, (byFn.get(fnKey) || 0) + us);
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(
      cf.functionName,
    )
      ? cf.functionName
      : pkgOf(cf.url);
    byPkg.set(pkg, (byPkg.get(pkg) || 0) + us);
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({
        name: k,
        ms: Math.round(us / 1000),
        pct: round((100 * us) / total, 1),
      }));
  return {
    file: path.relative(ROOT, file),
    totalMs: Math.round(total / 1000),
    byPackage: top(byPkg, 15),
    topSelf: top(byFn, 20),
  };
}

/** The summary as report lines. */
function profileLines(title, p) {
  const pct = x => `${x.pct}%`.padStart(6);
  return [
    `${title} (${p.totalMs} ms wall, ${p.file})`,
    '  self time by package:',
    ...p.byPackage.map(x => `    ${pct(x)}  ${x.name}`),
    '  top functions (self time):',
    ...p.topSelf.map(x => `    ${pct(x)}  ${x.name}`),
  ];
}

module.exports = { connectProfiler, summariseProfile, profileLines };
