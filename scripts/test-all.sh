#!/usr/bin/env bash
# yarn test:all — every test: unit and component tests, store and API tests on
# SQLite and on the machine's PostgreSQL (a missing PostgreSQL fails the run),
# gate tests against a real Prometheus (a missing Prometheus fails the run),
# the docs' curl examples against a fresh dev backend, and the browser test
# against the running dev portal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$_rl_root"
bash scripts/provision.sh
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
export RELEASE_LEDGER_REQUIRE_POSTGRES=1
export RELEASE_LEDGER_REQUIRE_PROMETHEUS=1
CI="${CI:-true}" yarn backstage-cli repo test
# Every curl example of the READMEs and docs/, as pasted, must answer 2xx.
node e2e/readme-examples.js
node e2e/run-e2e.js
# Slack delivery across a SIGKILL of the real backend (SQLite and PostgreSQL).
node --require @backstage/cli-node/config/nodeTransform.cjs e2e/comms-restart.ts
