#!/usr/bin/env bash
# The fault drills (tests/faults, tests/outbox) start and kill a redis-server of their own on a free
# port (never the shared one): they need Debian's redis-server binary even when the suite's Redis runs
# in Docker. Install it when missing; never skip the tests.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's redis-server for the fault drills (the tests start their own instances)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
echo "The fault drills need redis-server. Install it: sudo apt-get install -y --no-install-recommends redis-server" >&2
exit 1
