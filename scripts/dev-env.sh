#!/usr/bin/env bash
# Sourced by the dev entry points: toolchain plus the dev defaults the README documents.
_rl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
source "$_rl_root/scripts/toolchain.sh"
# The dev pipeline token (README: "dev value"); set your own in any shared environment.
export RELEASE_LEDGER_TOKEN="${RELEASE_LEDGER_TOKEN:-dev-release-ledger-token}"
# Embedded SQLite lives here (git-ignored), so history survives a restart.
export RELEASE_LEDGER_DATA_DIR="${RELEASE_LEDGER_DATA_DIR:-$_rl_root/data/sqlite}"
mkdir -p "$RELEASE_LEDGER_DATA_DIR"
