#!/usr/bin/env bash
# What the tests assume beyond Node and Yarn: Debian's Chromium for the
# browser tests, Debian's Prometheus (prometheus + promtool) for the gate
# tests, and a running local PostgreSQL. Idempotent; safe to re-run.
#   bash scripts/provision.sh              everything (./dev test, CI)
#   bash scripts/provision.sh prometheus   only Prometheus (./dev start's gates)
set -euo pipefail
only="${1:-}"

install_prometheus() {
  if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "provision: installing Debian's prometheus for the gates" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
        || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
    else
      echo "provision: prometheus is missing; install it (apt-get install prometheus) to run the gate tests" >&2
      exit 1
    fi
  fi
}

if [ "$only" = "prometheus" ]; then
  install_prometheus
  exit 0
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "provision: installing Debian's chromium for the browser tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  else
    echo "provision: chromium is missing; install it (apt-get install chromium) to run the browser tests" >&2
    exit 1
  fi
fi

# Emoji in the screenshots (status labels, thread replies); cosmetic, so a
# failure to install it does not stop the tests.
if ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null 2>&1 || true
  fi
fi

install_prometheus

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "provision: starting the local PostgreSQL cluster" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "provision: PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
