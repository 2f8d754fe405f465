'use strict';
/*
 * What the browser test and the install test share to run a portal: the
 * config that puts it on spare ports, waiting for it, and a Chromium page.
 */

/** app-config lines that put the app and backend on the given ports. */
function portConfigLines({ appUrl, backendUrl, backendPort }) {
  return [
    'app:',
    `  baseUrl: ${appUrl}`,
    'backend:',
    `  baseUrl: ${backendUrl}`,
    '  listen:',
    `    port: ${backendPort}`,
    '  cors:',
    `    origin: ${appUrl}`,
  ];
}

/** Polls `check` until it answers truthy (that answer), or fails after `timeoutMs` naming `what`. */
async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const ok = await check();
      if (ok) return ok;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last.message}` : ''}`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Debian's Chromium driven by playwright-core, as the browser tests use it:
 * headless, as root, without the background networking that this machine's
 * closed network refuses. One 1440 × 1000 page.
 */
async function openPage({ timeoutMs }) {
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
  page.setDefaultTimeout(timeoutMs);
  return { browser, page };
}

module.exports = { openPage, portConfigLines, waitFor };
