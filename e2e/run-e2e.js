#!/usr/bin/env node
/*
 * The browser test: starts the real dev portal (backend + app dev server) on
 * spare ports with a fresh embedded SQLite database, seeds the demo history
 * through the HTTP API, then drives Debian's Chromium with playwright-core:
 * open a demo service, open Releases, see a release and its timeline, open the
 * release page with its DORA footprint and Slack thread preview, its release
 * notes (the newest payments-api release lists its commits, see
 * scripts/demo-seed.js) and its checklist, tick an item as the guest user and
 * see the tick in the timeline without a reload; the service's and a team's
 * DORA card; the org-wide Delivery metrics page and its ledger
 * status card. A fresh canary of payments-api is gated for real: its SLO
 * checks are measured against a real Prometheus (backfilled with the canary's
 * metrics, see gates-fixture.js) and the release page shows the verdict and
 * evidence.
 * Screenshots land in artifacts/e2e/ (the Slack thread's and the gate
 * evidence's also in docs/images/).
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openPage, portConfigLines, waitFor } = require('./portal');
const {
  canaryOpenMetrics,
  gateConfigLines,
  startPrometheus,
} = require('./gates-fixture');

const root = path.resolve(__dirname, '..');
const APP_PORT = Number(process.env.E2E_APP_PORT || 3100);
const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT || 7107);
const appUrl = `http://localhost:${APP_PORT}`;
const backendUrl = `http://localhost:${BACKEND_PORT}`;
const artifacts = path.join(root, 'artifacts', 'e2e');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
/** The canary the gate evaluates, started by the test itself. */
const GATED = {
  releaseId: 'payments-api@2.0.0',
  entityRef: 'component:default/payments-api',
  version: '2.0.0',
  environment: 'production',
  commit: '7c1e0a94d2b35f8e61a0c4d9b2e7f3a1c5d8e0b6',
};
/** How long the gate may take to settle (4 measurements 15 s apart, 5 s polls). */
const GATE_TIMEOUT_MS = 90_000;
const children = [];
let dataDir;

function startChild(name, command, args, env, cwd = root) {
  const log = fs.openSync(path.join(artifacts, `${name}.log`), 'w');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  children.push(child);
  return child;
}

function signalChildren(signal) {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops every child (backend, app, Prometheus) and, once they are gone,
 * removes the temporary database and Prometheus data.
 */
async function cleanUp() {
  signalChildren('SIGTERM');
  const exited = child =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise(r => child.once('exit', r));
  await Promise.race([
    Promise.all(children.map(exited)),
    new Promise(r => setTimeout(r, 10_000)),
  ]);
  signalChildren('SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

async function api(pathname, init = {}) {
  const res = await fetch(`${backendUrl}/api/release-ledger${pathname}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${init.method || 'GET'} ${pathname} answered ${res.status}: ${text}`,
    );
  return { status: res.status, body: JSON.parse(text) };
}

/** Starts the canary of GATED and its gate evaluation; answers its start time. */
async function startGatedCanary() {
  const now = Date.now();
  await api('/events', {
    method: 'POST',
    body: JSON.stringify({
      events: [
        {
          ...GATED,
          eventId: 'e2e-gated-started',
          type: 'release_started',
          timestamp: new Date(now - 2 * 60_000).toISOString(),
          attributes: {
            changeCount: 2,
            plan: 'canary 10%, gated',
            risk: 'low',
          },
        },
        {
          ...GATED,
          eventId: 'e2e-gated-canary',
          type: 'canary_started',
          timestamp: new Date(now - 60_000).toISOString(),
          attributes: { weight: 10 },
        },
      ],
    }),
  });
  const started = await api(
    `/releases/${encodeURIComponent(GATED.releaseId)}/gates/evaluate`,
    { method: 'POST', body: '{}' },
  );
  if (started.status !== 202 || started.body.evaluation?.gate !== 'default')
    throw new Error(
      `starting the gate answered ${started.status}: ${JSON.stringify(
        started.body,
      )}`,
    );
  return now;
}

/** Polls the gate until it settles; answers its evaluation. */
async function settledGate(startedAt) {
  const gates = `/releases/${encodeURIComponent(GATED.releaseId)}/gates`;
  for (;;) {
    const { body } = await api(gates);
    const evaluation = body.evaluations?.find(e => e.gate === 'default');
    if (evaluation && evaluation.state !== 'running') return evaluation;
    if (Date.now() - startedAt > GATE_TIMEOUT_MS)
      throw new Error(
        `the gate did not settle within ${GATE_TIMEOUT_MS / 1000} s: ${
          evaluation ? evaluation.reason : 'no evaluation'
        }`,
      );
    await new Promise(r => setTimeout(r, 2000));
  }
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'inherit',
      // Its own process group, so cleanUp() stops it too.
      detached: true,
    });
    children.push(child);
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/**
 * Waits until a DORA view shows its four figures with numbers: change failure
 * rate as a percentage and lead time as a duration.
 */
async function expectFigures(page, where) {
  for (const title of [
    'Deployment frequency',
    'Lead time for changes',
    'Change failure rate',
    'Time to restore',
  ]) {
    await page.getByRole('heading', { name: title }).first().waitFor();
  }
  const cfr = page
    .locator('section', {
      has: page.getByRole('heading', { name: 'Change failure rate' }),
    })
    .first();
  const text = await cfr.innerText();
  if (!/\d+(\.\d+)?\s?%/.test(text))
    throw new Error(
      `${where}: change failure rate shows no percentage: ${text}`,
    );
  const lead = await page
    .locator('section', {
      has: page.getByRole('heading', { name: 'Lead time for changes' }),
    })
    .first()
    .innerText();
  if (!/\d+(\.\d+)?\s?(min|h|d)\b/.test(lead))
    throw new Error(`${where}: lead time shows no duration: ${lead}`);
}

/**
 * On the release page of the newest payments-api release, whose
 * release_started lists its commits: its notes show their sections, the
 * commits that are not conventional and the flag; a checklist item ticked as
 * the guest shows in the timeline without the page reloading.
 */
async function releaseNotesAndChecklist(page) {
  const notes = page.getByRole('region', { name: 'Release notes' });
  const breaking = notes.getByRole('region', { name: 'Breaking changes' });
  await breaking
    .getByRole('heading', { name: 'Breaking changes (1)' })
    .waitFor();
  await breaking
    .getByText('answer 409 when an idempotency key is reused')
    .waitFor();
  await notes
    .getByRole('region', { name: 'Reverts' })
    .getByText('added and reverted in this release')
    .waitFor();
  await notes
    .getByRole('region', { name: 'Other changes' })
    .getByText('document the refunds rate limits')
    .waitFor();
  await notes
    .getByText(/^\d+(\.\d)?% of commits are not conventional \(limit 25%\)$/)
    .waitFor();
  await notes.getByRole('button', { name: 'Not conventional (4)' }).click();
  const nonConventional = notes.getByRole('list', {
    name: 'Not conventional commits',
  });
  await nonConventional.getByText('WIP payouts retry').waitFor();
  await nonConventional
    .getByLabel(/^commitlint error: type-empty: /)
    .first()
    .waitFor();

  // The download is fetched with the user's token and saved from a Blob.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    notes.getByRole('button', { name: 'Download markdown' }).click(),
  ]);
  const markdown = fs.readFileSync(await download.path(), 'utf8');
  if (
    !/^payments-api-[\d.]+-notes\.md$/.test(download.suggestedFilename()) ||
    !/^## payments-api@/.test(markdown) ||
    !markdown.includes('### Breaking changes') ||
    !markdown.includes('answer 409 when an idempotency key is reused')
  )
    throw new Error(
      `the notes' download is not their markdown: ${download.suggestedFilename()}\n${markdown}`,
    );

  // Tick an open item as the guest; the timeline shows it, the page stays.
  const item = 'Confirm feature flags default OFF for risky paths';
  const timeline = page.getByRole('list', { name: 'Release timeline' });
  const tick = timeline.getByText(`${item} — user:default/guest`);
  if ((await tick.count()) > 0)
    throw new Error(`the timeline shows the tick before it was made`);
  await page.evaluate(() => {
    window.__releaseLedgerE2ePage = true;
  });
  // A click, not check(): the box shows ticked once the ledger has the event.
  await page.getByRole('checkbox', { name: new RegExp(item) }).click();
  await tick.waitFor();
  await page
    .getByRole('checkbox', { name: new RegExp(item), checked: true })
    .waitFor();
  if (!(await page.evaluate(() => window.__releaseLedgerE2ePage)))
    throw new Error('the page reloaded to show the tick');

  await page.screenshot({
    path: path.join(artifacts, 'release-notes.png'),
    fullPage: true,
  });
  await notes.scrollIntoViewIfNeeded();
  await notes.screenshot({
    path: path.join(artifacts, 'release-notes-card.png'),
  });
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-ledger-e2e-'));
  const configFile = path.join(dataDir, 'app-config.e2e.yaml');
  const now = Date.now();
  const prometheusUrl = await startPrometheus(
    canaryOpenMetrics({
      service: 'payments-api',
      version: GATED.version,
      fromMs: now - 30 * 60_000,
      toMs: now + 20 * 60_000,
    }),
    path.join(dataDir, 'prometheus'),
    child => children.push(child),
  );
  fs.writeFileSync(
    configFile,
    [
      ...portConfigLines({ appUrl, backendUrl, backendPort: BACKEND_PORT }),
      ...gateConfigLines(prometheusUrl),
    ].join('\n'),
  );
  const env = {
    RELEASE_LEDGER_DATA_DIR: dataDir,
    RELEASE_LEDGER_URL: backendUrl,
    BROWSER: 'none',
  };
  const configArgs = [
    '--config',
    path.join(root, 'app-config.yaml'),
    '--config',
    configFile,
  ];
  // The backend as `yarn start` runs it (same entry, same TypeScript
  // transform) but without its file watcher: an edit elsewhere in the tree
  // while the test runs must not restart it mid-test.
  const backendDir = path.join(root, 'packages', 'backend');
  startChild(
    'backend',
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [backendDir, root],
      }),
      'src/index',
      ...configArgs,
    ],
    { ...env, NODE_ENV: 'development' },
    backendDir,
  );
  startChild('app', 'yarn', ['workspace', 'app', 'start', ...configArgs], env);

  await run('node', ['scripts/demo-seed.js', '--wait'], env);
  // Measured while the browser walks through the seeded history.
  const gateStartedAt = await startGatedCanary();
  if (process.env.E2E_KEEP_RUNNING) {
    console.log(`e2e: portal running at ${appUrl}; Ctrl-C to stop`);
    await new Promise(() => {});
  }
  await waitFor(
    'the app dev server',
    async () => (await fetch(appUrl)).ok,
    5 * 60_000,
  );

  const { browser, page } = await openPage({ timeoutMs: 60_000 });
  try {
    await page.goto(`${appUrl}/catalog/default/component/payments-api`);
    // The guest provider signs in with one click.
    const enter = page.getByRole('button', { name: /enter/i });
    await enter
      .waitFor({ timeout: 30_000 })
      .then(() => enter.click())
      .catch(() => {
        /* already signed in */
      });

    await page.getByText('Releases', { exact: true }).first().click();
    await page.waitForURL(/\/releases$/);
    // The newest seeded release (the gated canary started just now is above it).
    const firstRow = page
      .locator('table tbody tr', {
        hasNot: page.locator(
          `a[href*="${encodeURIComponent(GATED.releaseId)}"]`,
        ),
      })
      .first();
    await firstRow.waitFor();
    // Every column fits the entity page at 1440 px (the last one was cut off).
    const clipped = await page.evaluate(() => {
      const table = document.querySelector('table');
      let box = table.parentElement;
      while (box && getComputedStyle(box).overflowX === 'visible') {
        box = box.parentElement;
      }
      const right = (box ?? document.body).getBoundingClientRect().right;
      return [...table.querySelectorAll('thead th')]
        .filter(th => th.getBoundingClientRect().right > right + 1)
        .map(th => th.textContent);
    });
    if (clipped.length > 0)
      throw new Error(`the releases table cuts off columns: ${clipped}`);
    const version = (await firstRow.locator('td').allInnerTexts()).join(' ');
    if (!/1\.\d+\.0/.test(version))
      throw new Error(`the first release row shows no version: ${version}`);
    await page.screenshot({
      path: path.join(artifacts, 'releases-tab.png'),
      fullPage: true,
    });

    await firstRow.locator('button').first().click();
    await page
      .getByText(/release started/i)
      .first()
      .waitFor();
    await page.screenshot({
      path: path.join(artifacts, 'release-timeline.png'),
      fullPage: true,
    });

    await firstRow
      .locator('a[href*="/release-ledger/releases/"]')
      .first()
      .click();
    await page
      .getByText(/payments-api@/)
      .first()
      .waitFor();
    await page
      .getByText(/release started/i)
      .first()
      .waitFor();
    await page.getByText('DORA footprint').first().waitFor();
    await page.screenshot({
      path: path.join(artifacts, 'release-details.png'),
      fullPage: true,
    });

    // The release's Slack thread, drawn from the outbox: no Slack needed.
    const thread = page.getByRole('region', { name: 'Slack thread' });
    await thread
      .getByText(/Release Ledger|No messages yet/)
      .first()
      .waitFor();
    await thread.scrollIntoViewIfNeeded();
    await thread.screenshot({
      path: path.join(root, 'docs', 'images', 'comms-preview.png'),
    });

    await releaseNotesAndChecklist(page);

    // The service's DORA card on its Overview.
    await page.goto(`${appUrl}/catalog/default/component/payments-api`);
    await expectFigures(page, 'the service DORA card');
    await page.screenshot({
      path: path.join(artifacts, 'service-dora-card.png'),
      fullPage: true,
    });

    // A team's page: the same card, rolled up for the group.
    await page.goto(`${appUrl}/catalog/default/group/team-payments`);
    await expectFigures(page, 'the team DORA card');
    await page.screenshot({
      path: path.join(artifacts, 'team-dora-card.png'),
      fullPage: true,
    });

    // Leadership's page: figures, charts, the teams table.
    await page.goto(`${appUrl}/release-ledger?window=90d`);
    await page.getByRole('heading', { name: 'Delivery metrics' }).waitFor();
    await expectFigures(page, 'the Delivery metrics page');
    for (const team of ['Payments', 'Storefront', 'Platform']) {
      await page
        .getByRole('link', { name: new RegExp(team) })
        .first()
        .waitFor();
    }
    await page.getByText('Top contributing systems').first().waitFor();
    // The operators' card: the seeded history is projected (at most the
    // canary's newest events still wait) and Slack's counts are shown.
    const ledgerStatus = page.getByRole('region', { name: 'Ledger status' });
    await ledgerStatus
      .getByText(/^(Up to date|\d+ events? waiting)/)
      .first()
      .waitFor();
    await ledgerStatus
      .getByRole('list', { name: 'Slack messages by state' })
      .waitFor();
    const statusText = await ledgerStatus.innerText();
    if (/are behind:|retrying after a failed projection/.test(statusText))
      throw new Error(`the ledger status card reports trouble: ${statusText}`);
    await page.screenshot({
      path: path.join(artifacts, 'org-metrics.png'),
      fullPage: true,
    });

    // The gated canary: measured against the real Prometheus, settled.
    const evaluation = await settledGate(gateStartedAt);
    if (evaluation.state !== 'passed')
      throw new Error(
        `the gate answered ${evaluation.state}: ${evaluation.reason}`,
      );
    const measured = evaluation.checks.flatMap(c => c.measurements);
    if (!measured.some(m => m.result.kind === 'value'))
      throw new Error(
        `the gate measured no value: ${JSON.stringify(evaluation.checks)}`,
      );
    await page.goto(
      `${appUrl}/release-ledger/releases/${encodeURIComponent(
        GATED.releaseId,
      )}`,
    );
    const card = page.getByRole('region', { name: 'Canary gates' });
    await card.getByText('Canary gates', { exact: true }).waitFor();
    await card.getByLabel('gate verdict: passed').waitFor();
    for (const check of ['error-rate', 'latency-p95']) {
      await card
        .getByRole('img', { name: new RegExp(`^${check}: \\d+ measured`) })
        .locator('svg')
        .first()
        .waitFor();
    }
    await page
      .getByText(/canary passed/i)
      .first()
      .waitFor();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(artifacts, 'gate-evidence.png') });
    fs.copyFileSync(
      path.join(artifacts, 'gate-evidence.png'),
      path.join(root, 'docs', 'images', 'gate-evidence.png'),
    );
    console.log(
      `e2e: passed; screenshots in ${path.relative(root, artifacts)}/`,
    );
  } catch (e) {
    await page
      .screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true })
      .catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    cleanUp().finally(() => process.exit(code));
  });
}
main()
  .then(() => cleanUp())
  .then(() => process.exit(0))
  .catch(async e => {
    console.error(`e2e: FAILED: ${e.stack || e.message}`);
    console.error(
      `e2e: logs in ${path.relative(root, artifacts)}/{backend,app}.log`,
    );
    await cleanUp().catch(() => {});
    process.exit(1);
  });
