#!/usr/bin/env bash
# The pooling test (tests/isolation/test_pgbouncer.py) runs the isolation suite's core through a real
# pgbouncer in transaction mode, which it starts itself on a free port. Install Debian's when missing.
set -euo pipefail
command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's pgbouncer for the pooling test…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null
  test -x /usr/sbin/pgbouncer && exit 0
fi
echo "The pooling test needs pgbouncer: sudo apt-get install -y --no-install-recommends pgbouncer" >&2
exit 1
