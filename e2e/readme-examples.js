#!/usr/bin/env node
/*
 * The docs' curl examples, run as pasted: every ```sh / ```bash / ```shell
 * block with a curl in README.md, plugins/*\/README.md, packages/*\/README.md
 * and docs/*.md, in document order, against the real dev backend started on a
 * spare port with a fresh embedded SQLite database. Each block runs in bash
 * with RELEASE_LEDGER_TOKEN set to the README's dev token and the backend's
 * address in place of localhost:7007; a `curl` function defined before it
 * calls the real curl with `-sS -o <file> -w '%{http_code}'` and the pasted
 * arguments, so every curl reports its status. Anything but 2xx fails the run
 * with file, line, status and answer. A block that cannot answer 2xx here
 * carries `<!-- readme-examples: skip (why) -->` on the line before it.
 *
 * Run: yarn test:readme (part of yarn test:all).
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, stopChild } = require('../bench/lib/processes');

const root = path.resolve(__dirname, '..');
/** The README's dev pipeline token ("The dev pipeline token is …"). */
const TOKEN = 'dev-release-ledger-token';
const DOCUMENTED_BACKEND = /\b(?:localhost|127\.0\.0\.1):7007\b/g;
const SKIP = /^<!--\s*readme-examples:\s*skip\s*\((.+)\)\s*-->$/;
const BLOCK_TIMEOUT_MS = 60_000;

/** The documents, in the order their examples run. */
function documents() {
  const inDirs = (parent, name) => {
    const dir = path.join(root, parent);
    return fs
      .readdirSync(dir)
      .sort()
      .map(d => path.join(parent, d, name))
      .filter(f => fs.existsSync(path.join(root, f)));
  };
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter(f => f.endsWith('.md'))
    .sort()
    .map(f => path.join('docs', f));
  return [
    'README.md',
    ...inDirs('plugins', 'README.md'),
    ...inDirs('packages', 'README.md'),
    ...docs,
  ];
}

/**
 * The shell blocks with a curl in one markdown text: `line` is the 1-based
 * line of the block's first body line; indented fences (inside lists) are
 * dedented; `skip` is the reason of a skip comment right before the fence.
 */
function curlBlocks(file, text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (
      end < lines.length &&
      !new RegExp(`^\\s*${fence}\\s*$`).test(lines[end])
    )
      end++;
    const body = lines
      .slice(i + 1, end)
      .map(l => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
      .join('\n');
    if (['sh', 'bash', 'shell'].includes(lang) && /\bcurl\b/.test(body)) {
      let before = i - 1;
      while (before >= 0 && lines[before].trim() === '') before--;
      const skip =
        before >= 0 ? SKIP.exec(lines[before].trim())?.[1] : undefined;
      blocks.push({ file, line: i + 2, body, skip });
    }
    i = end;
  }
  return blocks;
}

/**
 * Defined before each block: curl reports its status (and the answer's file)
 * to $README_EXAMPLES_CALLS, then prints the answer as curl would.
 */
const PRELUDE = `curl() {
  local _rx_body _rx_status _rx_rc
  _rx_body=$(mktemp "$README_EXAMPLES_DIR/answer.XXXXXX")
  _rx_status=$(command curl -sS --max-time 20 -o "$_rx_body" -w '%{http_code}' "$@")
  _rx_rc=$?
  printf '%s\\t%s\\t%s\\n' "\${BASH_LINENO[0]}" "\${_rx_status:-000}" "$_rx_body" >> "$README_EXAMPLES_CALLS"
  cat "$_rx_body"
  return $_rx_rc
}
`;
const PRELUDE_LINES = PRELUDE.split('\n').length - 1;

/** Runs one block in bash; answers its curls (file line, status, answer) and bash's outcome. */
function runBlock(block, address, workDir) {
  const calls = path.join(workDir, 'calls');
  fs.writeFileSync(calls, '');
  const script = path.join(workDir, 'block.sh');
  fs.writeFileSync(
    script,
    PRELUDE + block.body.replace(DOCUMENTED_BACKEND, address),
  );
  const result = spawnSync('bash', ['--noprofile', '--norc', script], {
    cwd: workDir,
    // Only what a reader's shell has plus what the README tells them to set.
    env: {
      PATH: process.env.PATH,
      HOME: os.homedir(),
      LANG: 'C.UTF-8',
      RELEASE_LEDGER_TOKEN: TOKEN,
      README_EXAMPLES_DIR: workDir,
      README_EXAMPLES_CALLS: calls,
    },
    encoding: 'utf8',
    timeout: BLOCK_TIMEOUT_MS,
  });
  const curls = fs
    .readFileSync(calls, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(row => {
      const [scriptLine, status, answer] = row.split('\t');
      return {
        line: block.line + Number(scriptLine) - PRELUDE_LINES - 1,
        status: Number(status),
        answer: fs.readFileSync(answer, 'utf8'),
      };
    });
  return {
    curls,
    exit: result.error ? result.error.message : result.status,
    stderr: result.stderr,
  };
}

async function api(base, pathname, token) {
  const res = await fetch(`${base}${pathname}`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Waits until the ledger answers and the catalog has read every entity the
 * examples name (a fresh backend refuses events for unknown entities), asked
 * as the dev portal's guest.
 */
async function waitUntilReady(base, blocks, backend, log) {
  const refs = new Set();
  for (const { body } of blocks)
    for (const [, kind, name] of body
      .replace(/%3A/gi, ':')
      .replace(/%2F/gi, '/')
      .matchAll(/\b(component|group|system):default\/([\w.-]+)/g))
      refs.add(`${kind}/default/${name}`);
  const deadline = Date.now() + 120_000;
  let waitingFor = 'the ledger';
  for (;;) {
    if (backend.exitCode !== null)
      throw new Error(
        `the backend exited with ${backend.exitCode}:\n${fs.readFileSync(
          log,
          'utf8',
        )}`,
      );
    try {
      const ledger = await api(
        base,
        '/api/release-ledger/releases?limit=1',
        TOKEN,
      );
      if (ledger.status === 200) {
        const guest = JSON.parse(
          (await api(base, '/api/auth/guest/refresh')).body,
        ).backstageIdentity.token;
        waitingFor = undefined;
        for (const ref of refs) {
          const known = await api(
            base,
            `/api/catalog/entities/by-name/${ref}`,
            guest,
          );
          if (known.status !== 200) waitingFor = `the catalog to read ${ref}`;
        }
        if (!waitingFor) return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${waitingFor}:\n${fs.readFileSync(log, 'utf8')}`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
}

function startBackend(dataDir, port, log) {
  const configFile = path.join(dataDir, 'app-config.readme.yaml');
  fs.writeFileSync(
    configFile,
    [
      'backend:',
      `  baseUrl: http://127.0.0.1:${port}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '',
    ].join('\n'),
  );
  // The backend as `yarn start:backend` runs it, without the file watcher.
  const backendDir = path.join(root, 'packages', 'backend');
  const fd = fs.openSync(log, 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [backendDir, root],
      }),
      'src/index',
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        RELEASE_LEDGER_TOKEN: TOKEN,
        RELEASE_LEDGER_DATA_DIR: path.join(dataDir, 'sqlite'),
      },
      stdio: ['ignore', fd, fd],
      // Its own process group, so stopChild() stops all of it.
      detached: true,
    },
  );
  child.__group = true;
  fs.closeSync(fd);
  return child;
}

function describe(curl) {
  const answer =
    curl.answer.length > 2000
      ? `${curl.answer.slice(0, 2000)}…`
      : curl.answer || '(empty)';
  return `${curl.status || 'no answer'}\n${answer.replace(/^/gm, '    ')}`;
}

async function main() {
  if (spawnSync('curl', ['--version']).status !== 0)
    throw new Error('curl is missing (apt-get install curl)');
  const blocks = documents().flatMap(file =>
    curlBlocks(file, fs.readFileSync(path.join(root, file), 'utf8')),
  );
  const toRun = blocks.filter(b => !b.skip);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
  const log = path.join(dataDir, 'backend.log');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const backend = startBackend(dataDir, port, log);
  const stop = async () => {
    await stopChild(backend);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])
    process.once(signal, () => stop().finally(() => process.exit(code)));

  const failures = [];
  let examples = 0;
  try {
    await waitUntilReady(base, toRun, backend, log);
    for (const block of toRun) {
      const outcome = runBlock(block, `127.0.0.1:${port}`, dataDir);
      examples += outcome.curls.length;
      const failed = outcome.curls
        .filter(curl => curl.status < 200 || curl.status > 299)
        .map(curl => `${block.file}:${curl.line}: ${describe(curl)}`);
      if (outcome.curls.length === 0)
        failed.push(`${block.file}:${block.line}: the block ran no curl`);
      if (outcome.exit !== 0)
        failed.push(
          `${block.file}:${block.line}: the block exited ${outcome.exit}`,
        );
      // curl's own complaints (connection refused, bad URL) and bash's.
      if (failed.length > 0 && outcome.stderr.trim())
        failed.push(
          `${block.file}:${block.line}: stderr:\n${outcome.stderr.replace(
            /^/gm,
            '    ',
          )}`,
        );
      failures.push(...failed);
    }
  } finally {
    await stop();
  }

  const files = new Set(blocks.map(b => b.file)).size;
  for (const block of blocks.filter(b => b.skip))
    console.log(
      `readme-examples: skipped ${block.file}:${block.line} (${block.skip})`,
    );
  if (failures.length > 0) {
    console.error(
      `readme-examples: ${failures.length} of the docs' curl examples did not answer 2xx:`,
    );
    for (const failure of failures) console.error(`  ${failure}`);
    return 1;
  }
  const skipped = blocks.length - toRun.length;
  console.log(
    `readme-examples: ${examples} examples in ${files} files, all 2xx${
      skipped ? ` (${skipped} skipped)` : ''
    }`,
  );
  return 0;
}

main().then(
  code => process.exit(code),
  e => {
    console.error(`readme-examples: FAILED: ${e.stack || e.message}`);
    process.exit(1);
  },
);
