'use strict';
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

module.exports = { openPage };
