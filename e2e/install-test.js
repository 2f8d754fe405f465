#!/usr/bin/env node
/*
 * The install test: the adopter's path, end to end, outside this repository.
 *
 *  1. builds and packs the publishable packages (yarn pack, as npm publish would);
 *  2. scaffolds a stock app with `@backstage/create-app` in a temporary folder;
 *  3. installs it, then either moves every `@backstage/*` package to the newest
 *     release (`yarn up '@backstage/*'`; create-app resolves `^` ranges without
 *     its seed lockfile, which leaves a mixed, crashing app) or, with
 *     `--release <version>`, pins it to that release like a seeded lockfile
 *     would (see pinRelease);
 *  4. installs the tarballs as the README's "Install into an existing Backstage
 *     app" says: `yarn --cwd packages/backend add …`, `backend.add(import(…))`,
 *     `yarn --cwd packages/app add …` (discovered by `app.packages: all`), and
 *     the README's `backend.auth.externalAccess` YAML, read from the README;
 *  5. fails when our packages brought a second copy of a shared package (a
 *     Backstage API, React or zod) beside the app's, then type-checks the app;
 *  6. starts the backend and the app, posts a release_started event with the
 *     static token, reads it back, and opens the entity's Releases tab and the
 *     Release Ledger page in Debian's Chromium (playwright-core).
 *
 * Usage: yarn test:install [--release 1.55.0] [--backend-only] [--create-app 0.9.2] [--keep]
 * --backend-only installs and checks the backend alone (no app, no browser).
 * Timings and screenshots land in artifacts/install-test/. The app lives in a
 * temporary folder that is removed at the end (kept with --keep).
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openPage, portConfigLines, waitFor } = require('./portal');

const root = path.resolve(__dirname, '..');
const artifacts = path.join(root, 'artifacts', 'install-test');
const APP_PORT = Number(process.env.INSTALL_TEST_APP_PORT || 3200);
const BACKEND_PORT = Number(process.env.INSTALL_TEST_BACKEND_PORT || 7207);
const appUrl = `http://localhost:${APP_PORT}`;
const backendUrl = `http://localhost:${BACKEND_PORT}`;
const TOKEN = 'install-test-token';
/** The stock app's example component (examples/entities.yaml). */
const ENTITY = {
  kind: 'component',
  namespace: 'default',
  name: 'example-website',
};
const RELEASE = {
  type: 'release_started',
  releaseId: 'example-website@1.4.2',
  entityRef: `${ENTITY.kind}:${ENTITY.namespace}/${ENTITY.name}`,
  version: '1.4.2',
  commit: '3f1c2e9a7b5d4c6e8f0a1b2c3d4e5f6a7b8c9d0e',
};
/** Publishable packages, in the order the README installs them. */
const PACKAGES = [
  {
    name: '@release-ledger/plugin-release-ledger-common',
    dir: 'plugins/release-ledger-common',
  },
  {
    name: '@release-ledger/plugin-release-ledger-node',
    dir: 'plugins/release-ledger-node',
  },
  {
    name: '@release-ledger/plugin-release-ledger-backend',
    dir: 'plugins/release-ledger-backend',
  },
  {
    name: '@release-ledger/plugin-release-ledger',
    dir: 'plugins/release-ledger',
  },
];
/** Packages that must exist once in the app: two copies split service refs, contexts and schemas. */
const BACKEND_SINGLETONS = [
  '@backstage/backend-plugin-api',
  '@backstage/plugin-catalog-node',
  '@backstage/plugin-permission-common',
  'zod',
];
const FRONTEND_SINGLETONS = [
  '@backstage/core-plugin-api',
  '@backstage/core-components',
  '@backstage/plugin-catalog-react',
  '@backstage/plugin-permission-react',
  '@backstage/frontend-plugin-api',
  'react',
  'react-dom',
  'react-router-dom',
];

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const release = option('--release');
const createAppVersion = option('--create-app') || 'latest';
const keep = args.includes('--keep') || !!process.env.INSTALL_TEST_KEEP;
const backendOnly = args.includes('--backend-only');
const SINGLETONS = backendOnly
  ? BACKEND_SINGLETONS
  : [...BACKEND_SINGLETONS, ...FRONTEND_SINGLETONS];

const children = [];
const timings = [];
let workDir;

function log(message) {
  console.log(`install-test: ${message}`);
}

async function step(name, fn) {
  const started = Date.now();
  log(`${name} …`);
  const result = await fn();
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  timings.push({ step: name, seconds });
  log(`${name}: ${seconds} s`);
  return result;
}

/** Runs a command to completion; its output goes to the terminal and to logs/<name>.log. */
function run(cmd, cmdArgs, { cwd = root, env = {}, input, logName } = {}) {
  return new Promise((resolve, reject) => {
    const logFile = logName
      ? fs.openSync(path.join(artifacts, `${logName}.log`), 'a')
      : undefined;
    const child = spawn(cmd, cmdArgs, {
      cwd,
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    if (input !== undefined) child.stdin.end(input);
    let tail = '';
    const onData = chunk => {
      if (logFile !== undefined) fs.writeSync(logFile, chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', code => {
      if (logFile !== undefined) fs.closeSync(logFile);
      if (code === 0) resolve(tail);
      else
        reject(
          new Error(
            `${cmd} ${cmdArgs.join(' ')} (in ${cwd}) exited ${code}:\n${tail}`,
          ),
        );
    });
  });
}

/** Starts a long-running process in its own process group; output to <name>.log. */
function start(name, cmd, cmdArgs, { cwd, env = {} }) {
  const out = fs.openSync(path.join(artifacts, `${name}.log`), 'w');
  const child = spawn(cmd, cmdArgs, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.push(child);
  return child;
}

async function cleanUp() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await Promise.race([
    Promise.all(
      children.map(child =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise(r => child.once('exit', r)),
      ),
    ),
    new Promise(r => setTimeout(r, 10_000)),
  ]);
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (workDir && !keep) fs.rmSync(workDir, { recursive: true, force: true });
  else if (workDir) log(`kept ${workDir}`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The README's install section: its commands and its externalAccess YAML. */
function readmeInstall() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme
    .split(/^## Install into an existing Backstage app$/m)[1]
    ?.split(/^## /m)[0];
  if (!section)
    throw new Error(
      'README.md has no "Install into an existing Backstage app" section',
    );
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(m => ({
    lang: m[1],
    body: m[2],
  }));
  const find = (lang, text) => {
    const block = blocks.find(b => b.lang === lang && b.body.includes(text));
    if (!block)
      throw new Error(
        `README install section has no ${lang} block with ${text}`,
      );
    return block.body;
  };
  return {
    backendAdd: find('sh', 'packages/backend add'),
    backendImport: find('ts', 'backend.add(')
      .trim()
      .split('\n')
      .filter(l => !l.startsWith('//'))
      .join('\n'),
    appAdd: find('sh', 'packages/app add'),
    externalAccess: find('yaml', 'externalAccess'),
  };
}

/**
 * Every `yarn --cwd <dir> add <name>` line of a README block, run against the
 * tarballs: the version range comes from the packed package.json, the name
 * resolves to the tarball through the root `resolutions`.
 */
async function runReadmeAdds(block, appDir, versions) {
  for (const line of block.split('\n')) {
    const m = line.match(/^yarn --cwd (\S+) add (.+)$/);
    if (!m) continue;
    const names = m[2].trim().split(/\s+/);
    await run(
      'yarn',
      ['--cwd', m[1], 'add', ...names.map(n => `${n}@^${versions[n]}`)],
      { cwd: appDir, logName: 'yarn-add' },
    );
  }
}

/**
 * Pins the app to one Backstage release the way its seed lockfile would: every
 * `@backstage/*` dependency range that the app (not our packages) asks for and
 * that admits the release's version resolves to exactly that version. Yarn
 * accepts range-keyed resolutions (`name@npm:^1.2.3`), so a range that our
 * packages ask for and the app does not is resolved as an adopter's `yarn add`
 * would resolve it: to the newest version it admits.
 */
async function pinRelease(appDir, version) {
  const releases = readJson(path.join(__dirname, 'install-test.releases.json'));
  const manifest = releases[version];
  if (!manifest)
    throw new Error(`e2e/install-test.releases.json has no release ${version}`);
  const semver = require(require.resolve('semver', {
    paths: [path.dirname(require.resolve('@backstage/cli/package.json'))],
  }));
  const pkgFile = path.join(appDir, 'package.json');
  for (let round = 1; ; round++) {
    const lock = fs.readFileSync(path.join(appDir, 'yarn.lock'), 'utf8');
    const pkg = readJson(pkgFile);
    const resolutions = { ...pkg.resolutions };
    let added = 0;
    for (const m of lock.matchAll(/^"(.+)":$/gm)) {
      for (const descriptor of m[1].split(', ')) {
        const d = descriptor.match(/^(@backstage\/[^@]+)@npm:(.+)$/);
        if (!d || !manifest[d[1]] || resolutions[descriptor]) continue;
        if (semver.validRange(d[2]) && semver.satisfies(manifest[d[1]], d[2])) {
          resolutions[descriptor] = manifest[d[1]];
          added++;
        }
      }
    }
    if (added === 0) return;
    if (round > 8) throw new Error('pinning the release did not settle');
    writeJson(pkgFile, { ...pkg, resolutions });
    await run('yarn', ['install', '--mode=update-lockfile'], {
      cwd: appDir,
      logName: 'yarn-install',
    });
  }
}

/** Versions of a package installed anywhere in the app's node_modules trees. */
function installedVersions(appDir, name) {
  const found = new Set();
  const walk = dir => {
    const modules = path.join(dir, 'node_modules');
    if (!fs.existsSync(modules)) return;
    const pj = path.join(modules, name, 'package.json');
    if (fs.existsSync(pj)) found.add(readJson(pj).version);
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@')
        ? fs
            .readdirSync(path.join(modules, entry))
            .map(e => path.join(entry, e))
        : [entry];
      for (const e of scoped) walk(path.join(modules, e));
    }
  };
  walk(appDir);
  for (const ws of ['packages/app', 'packages/backend'])
    walk(path.join(appDir, ws));
  return [...found];
}

async function api(pathname, init = {}) {
  const res = await fetch(`${backendUrl}/api/release-ledger${pathname}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function main() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-ledger-install-'));
  const tarballs = path.join(workDir, 'packages');
  const appDir = path.join(workDir, 'app');
  const readme = readmeInstall();

  const versions = await step('build and pack', async () => {
    await run('yarn', ['tsc'], { logName: 'build' });
    const out = {};
    for (const p of PACKAGES) {
      await run('yarn', ['backstage-cli', 'package', 'build'], {
        cwd: path.join(root, p.dir),
        logName: 'build',
      });
      const file = path.join(tarballs, `${p.name.split('/')[1]}.tgz`);
      await run('yarn', ['workspace', p.name, 'pack', '--out', file], {
        logName: 'build',
      });
      out[p.name] = readJson(path.join(root, p.dir, 'package.json')).version;
    }
    return out;
  });

  await step(`scaffold (@backstage/create-app@${createAppVersion})`, () =>
    run(
      'npx',
      [
        '-y',
        `@backstage/create-app@${createAppVersion}`,
        '--path',
        appDir,
        '--skip-install',
      ],
      { cwd: workDir, input: 'install-test-app\n', logName: 'scaffold' },
    ),
  );
  const scaffolded = readJson(path.join(appDir, 'backstage.json')).version;

  await step(
    release
      ? `install, pinned to ${release}`
      : "install and yarn up '@backstage/*'",
    async () => {
      if (release) {
        // Resolve without linking, pin, then install for real.
        await run('yarn', ['install', '--mode=update-lockfile'], {
          cwd: appDir,
          logName: 'yarn-install',
        });
        await pinRelease(appDir, release);
        await run('yarn', ['install'], {
          cwd: appDir,
          logName: 'yarn-install',
        });
      } else {
        await run('yarn', ['up', '@backstage/*'], {
          cwd: appDir,
          logName: 'yarn-install',
        });
      }
    },
  );

  const before = Object.fromEntries(
    SINGLETONS.map(name => [name, installedVersions(appDir, name)]),
  );
  await step('install the plugin as the README says', async () => {
    const pkgFile = path.join(appDir, 'package.json');
    const pkg = readJson(pkgFile);
    pkg.resolutions = { ...pkg.resolutions };
    for (const p of PACKAGES) {
      pkg.resolutions[p.name] = `file:${path.join(
        tarballs,
        `${p.name.split('/')[1]}.tgz`,
      )}`;
    }
    writeJson(pkgFile, pkg);
    await runReadmeAdds(readme.backendAdd, appDir, versions);
    const indexFile = path.join(appDir, 'packages/backend/src/index.ts');
    const index = fs.readFileSync(indexFile, 'utf8');
    fs.writeFileSync(
      indexFile,
      index.replace(
        /^backend\.start\(\);$/m,
        `${readme.backendImport}\n\nbackend.start();`,
      ),
    );
    if (!backendOnly) await runReadmeAdds(readme.appAdd, appDir, versions);
    fs.writeFileSync(
      path.join(appDir, 'app-config.local.yaml'),
      readme.externalAccess,
    );
    if (release) {
      // The README's resolution for older releases: our `a || b` ranges would
      // otherwise resolve to the newest release beside the app's own.
      await pinRelease(appDir, release);
      await run('yarn', ['install'], { cwd: appDir, logName: 'yarn-install' });
    }
  });

  const landed = Object.fromEntries(
    SINGLETONS.map(name => [name, installedVersions(appDir, name)]),
  );
  // A copy our packages brought beside the app's own (an older app may
  // already hold two, e.g. zod 3 and 4 on 1.55: not ours to fix).
  const duplicates = Object.entries(landed).filter(
    ([name, v]) =>
      v.length > 1 && v.some(version => !before[name].includes(version)),
  );
  log(
    `scaffolded by create-app as ${scaffolded}; installed: ${JSON.stringify(
      landed,
    )}`,
  );
  if (duplicates.length > 0)
    throw new Error(
      `our packages brought a second copy of ${duplicates
        .map(([n, v]) => `${n} (${v.join(', ')})`)
        .join('; ')}`,
    );

  // Type-check the app as its CI would, our packages included.
  await step('app type check (yarn tsc)', () =>
    run('yarn', ['tsc'], { cwd: appDir, logName: 'app-tsc' }),
  );

  const portsFile = path.join(workDir, 'app-config.ports.yaml');
  fs.writeFileSync(
    portsFile,
    [
      ...portConfigLines({ appUrl, backendUrl, backendPort: BACKEND_PORT }),
    ].join('\n'),
  );
  const configArgs = [
    'app-config.yaml',
    'app-config.local.yaml',
    portsFile,
  ].flatMap(f => ['--config', path.resolve(appDir, f)]);
  const env = { RELEASE_LEDGER_TOKEN: TOKEN, BROWSER: 'none' };

  await step('backend start, event posted and read back', async () => {
    start('backend', 'yarn', ['workspace', 'backend', 'start', ...configArgs], {
      cwd: appDir,
      env,
    });
    // The catalog reads examples/entities.yaml shortly after start; until then
    // the event is refused for its unknown entity.
    const posted = await waitFor(
      'the backend to accept the event',
      async () => {
        const res = await api('/events', {
          method: 'POST',
          body: JSON.stringify(RELEASE),
        });
        if (res.status === 201 || res.status === 200) return res;
        throw new Error(
          `POST /events answered ${res.status}: ${JSON.stringify(res.body)}`,
        );
      },
      5 * 60_000,
    );
    log(`posted: ${JSON.stringify(posted.body)}`);
    const read = await api(
      `/releases?entityRef=${encodeURIComponent(RELEASE.entityRef)}`,
    );
    const found = read.body?.items?.find(
      r => r.releaseId === RELEASE.releaseId,
    );
    if (read.status !== 200 || !found || found.version !== RELEASE.version)
      throw new Error(
        `GET /releases answered ${read.status}: ${JSON.stringify(read.body)}`,
      );
  });

  if (!backendOnly)
    await step(
      'app start, the Releases tab and the page in Chromium',
      async () => {
        start('app', 'yarn', ['workspace', 'app', 'start', ...configArgs], {
          cwd: appDir,
          env,
        });
        await waitFor(
          'the app dev server',
          async () => (await fetch(appUrl)).ok,
          10 * 60_000,
        );
        const { browser, page } = await openPage({ timeoutMs: 120_000 });
        const errors = [];
        page.on('pageerror', e => errors.push(e.message));
        try {
          await page.goto(
            `${appUrl}/catalog/${ENTITY.namespace}/${ENTITY.kind}/${ENTITY.name}`,
          );
          // The stock app signs in as guest with one click.
          const enter = page.getByRole('button', { name: /enter/i });
          await enter
            .waitFor({ timeout: 60_000 })
            .then(() => enter.click())
            .catch(() => {
              /* already signed in */
            });
          await page.getByText('Releases', { exact: true }).first().click();
          await page.waitForURL(/\/releases$/);
          const row = page
            .locator('table tbody tr', { hasText: RELEASE.version })
            .first();
          await row.waitFor();
          await page.screenshot({
            path: path.join(artifacts, 'releases-tab.png'),
            fullPage: true,
          });
          // The nav item opens the Release Ledger page; its recent releases list the release.
          await page
            .getByText('Release Ledger', { exact: true })
            .first()
            .click();
          await page.getByRole('tab', { name: 'Recent releases' }).click();
          await page
            .locator('table tbody tr', { hasText: RELEASE.version })
            .filter({ hasText: ENTITY.name })
            .first()
            .waitFor();
          await page.screenshot({
            path: path.join(artifacts, 'release-ledger-page.png'),
            fullPage: true,
          });
        } catch (error) {
          await page
            .screenshot({
              path: path.join(artifacts, 'failure.png'),
              fullPage: true,
            })
            .catch(() => {});
          throw new Error(
            `${error.message}\npage errors: ${errors.join('\n') || 'none'}`,
          );
        } finally {
          await browser.close();
        }
      },
    );

  const summary = {
    createApp: createAppVersion,
    scaffoldedRelease: scaffolded,
    pinnedRelease: release ?? null,
    backendOnly,
    installed: landed,
    timings,
  };
  writeJson(path.join(artifacts, 'summary.json'), summary);
  log('passed');
  for (const t of timings) log(`  ${t.step}: ${t.seconds} s`);
}

main()
  .catch(error => {
    console.error(`install-test: FAILED: ${error.stack || error}`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
