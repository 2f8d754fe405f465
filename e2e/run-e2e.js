#!/usr/bin/env node
/*
 * The browser test: starts the real dev portal (backend + app dev server) on
 * spare ports with a fresh embedded SQLite database, seeds the demo history
 * through the HTTP API, then drives Debian's Chromium with playwright-core:
 * open a demo service, open Releases, see a release and its timeline, open the
 * release page with its DORA footprint and Slack thread preview; the service's
 * and a team's DORA card; the org-wide Delivery metrics page. Screenshots land
 * in artifacts/e2e/ (the Slack thread's also in docs/images/).
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const APP_PORT = Number(process.env.E2E_APP_PORT || 3100);
const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT || 7107);
const appUrl = `http://localhost:${APP_PORT}`;
const backendUrl = `http://localhost:${BACKEND_PORT}`;
const artifacts = path.join(root, 'artifacts', 'e2e');
const children = [];

function startChild(name, args, env) {
  const log = fs.openSync(path.join(artifacts, `${name}.log`), 'w');
  const child = spawn('yarn', args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  children.push(child);
  return child;
}

function stopChildren() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
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

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-ledger-e2e-'));
  const configFile = path.join(dataDir, 'app-config.e2e.yaml');
  fs.writeFileSync(
    configFile,
    [
      'app:',
      `  baseUrl: ${appUrl}`,
      'backend:',
      `  baseUrl: ${backendUrl}`,
      '  listen:',
      `    port: ${BACKEND_PORT}`,
      '  cors:',
      `    origin: ${appUrl}`,
      '',
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
  startChild('backend', ['workspace', 'backend', 'start', ...configArgs], env);
  startChild('app', ['workspace', 'app', 'start', ...configArgs], env);

  await run('node', ['scripts/demo-seed.js', '--wait'], env);
  if (process.env.E2E_KEEP_RUNNING) {
    console.log(`e2e: portal running at ${appUrl}; Ctrl-C to stop`);
    await new Promise(() => {});
  }
  await waitFor(
    'the app dev server',
    async () => (await fetch(appUrl)).ok,
    5 * 60_000,
  );

  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  page.setDefaultTimeout(60_000);
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
    const firstRow = page.locator('table tbody tr').first();
    await firstRow.waitFor();
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

    await page.locator('a[href*="/release-ledger/releases/"]').first().click();
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
    await page.screenshot({
      path: path.join(artifacts, 'org-metrics.png'),
      fullPage: true,
    });
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

process.on('SIGINT', () => {
  stopChildren();
  process.exit(130);
});
main()
  .then(() => {
    stopChildren();
    process.exit(0);
  })
  .catch(e => {
    console.error(`e2e: FAILED: ${e.stack || e.message}`);
    console.error(
      `e2e: logs in ${path.relative(root, artifacts)}/{backend,app}.log`,
    );
    stopChildren();
    process.exit(1);
  });
