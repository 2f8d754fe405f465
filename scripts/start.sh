#!/usr/bin/env bash
# yarn start / yarn start:backend: the dev portal (or the backend alone on :7007)
# on embedded SQLite. On an empty database the demo history is seeded through
# the real HTTP API once the backend answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$_rl_root"
node scripts/demo-seed.js --if-empty --wait &
seeder=$!
trap 'kill $seeder 2>/dev/null || true' EXIT
if [ "${1:-all}" = "backend" ]; then
  yarn workspace backend start
else
  yarn backstage-cli repo start
fi
