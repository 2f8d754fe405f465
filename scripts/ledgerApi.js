/*
 * The dev scripts' client of the ledger's HTTP API (scripts/demo-seed.js,
 * scripts/dev-prometheus.js): the typed client of
 * @release-ledger/plugin-release-ledger-common, the one the portal and the
 * CLI use, with the base URL and token from RELEASE_LEDGER_URL and
 * RELEASE_LEDGER_TOKEN (the dev values by default).
 *
 * The common package is TypeScript source: the first call registers
 * Backstage's node transform (as `node --require
 * @backstage/cli-node/config/nodeTransform.cjs` would), so the scripts still
 * run as plain `node scripts/<name>.js`, and requiring them for their helpers
 * (bench/ takes demo-seed's rng) loads no TypeScript.
 */
'use strict';

const path = require('node:path');

const BASE = (
  process.env.RELEASE_LEDGER_URL || 'http://localhost:7007'
).replace(/\/$/, '');
const TOKEN = process.env.RELEASE_LEDGER_TOKEN || 'dev-release-ledger-token';
const API_BASE = `${BASE}/api/release-ledger`;

let client;

/**
 * The typed client (openapi-fetch): `ledger().GET('/releases', { params:
 * { query: { limit: '1' } } })`. An answer that is not 2xx rejects with an
 * Error naming the method, the path, the status and the server's answer.
 */
function ledger() {
  if (!client) {
    const root = path.resolve(__dirname, '..');
    require(require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
      paths: [root],
    }));
    const {
      createReleaseLedgerClient,
    } = require('@release-ledger/plugin-release-ledger-common');
    client = createReleaseLedgerClient({
      baseUrl: API_BASE,
      fetch: async request => {
        request.headers.set('authorization', `Bearer ${TOKEN}`);
        const res = await fetch(request);
        if (!res.ok) {
          const text = await res.text();
          throw new Error(
            `${request.method} ${request.url.slice(API_BASE.length)} answered ${
              res.status
            }: ${text.slice(0, 500)}`,
          );
        }
        return res;
      },
    });
  }
  return client;
}

/** The data of a typed client's answer (errors were thrown by its fetch). */
async function answer(call) {
  const { data } = await call;
  return data;
}

/** Resolves once the ledger answers; throws the last error after `timeoutMs`. */
async function waitForBackend(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await answer(
        ledger().GET('/releases', { params: { query: { limit: '1' } } }),
      );
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 2000));
    }
  }
}

module.exports = { BASE, TOKEN, ledger, answer, waitForBackend };
