#!/usr/bin/env bash
# yarn start / yarn start:backend: the dev portal (or the backend alone on :7007)
# on embedded SQLite. On an empty database the demo history is seeded through
# the real HTTP API once the backend answers; then the SLO gates get a local
# Prometheus with the demo canaries' series (scripts/dev-prometheus.js).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$_rl_root"
node scripts/demo-seed.js --if-empty --wait &
seeder=$!
prometheus=
# Stops the seeder and the Prometheus (its own process group) on every exit.
trap 'kill $seeder 2>/dev/null || true; [ -z "$prometheus" ] || kill -- -$prometheus 2>/dev/null || true' EXIT
if [ -n "${RELEASE_LEDGER_PROMETHEUS_URL:-}" ]; then
  echo "start: gates measure against $RELEASE_LEDGER_PROMETHEUS_URL (no local Prometheus)"
elif [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
  setsid node scripts/dev-prometheus.js --after-pid "$seeder" &
  prometheus=$!
else
  echo "start: no /usr/bin/prometheus or promtool (scripts/provision.sh installs them): gates will report Prometheus unreachable"
fi
if [ "${1:-all}" = "backend" ]; then
  yarn workspace backend start
else
  yarn backstage-cli repo start
fi
