/*
 * The dev scripts' client of the ledger's HTTP API (scripts/demo-seed.js,
 * scripts/dev-prometheus.js): base URL and token from RELEASE_LEDGER_URL and
 * RELEASE_LEDGER_TOKEN (the dev values by default).
 */
'use strict';

const BASE = (
  process.env.RELEASE_LEDGER_URL || 'http://localhost:7007'
).replace(/\/$/, '');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';

/** Calls `/api/release-ledger<path>`; answers the parsed JSON, throws on non-2xx. */
async function api(path, init = {}) {
  const res = await fetch(`${BASE}/api/release-ledger${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${init.method || 'GET'} ${path} answered ${res.status}: ${text.slice(
        0,
        500,
      )}`,
    );
  return JSON.parse(text);
}

/** Resolves once the ledger answers; throws the last error after `timeoutMs`. */
async function waitForBackend(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await api('/releases?limit=1');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 2000));
    }
  }
}

module.exports = { BASE, TOKEN, api, waitForBackend };
