#!/usr/bin/env bash
# The national benchmark drives gunicorn with wrk (a C load generator), so the load itself costs the
# shared CPU little. Install Debian's wrk when missing; bench/run.py falls back to its Python
# generator (and says so in RESULTS.md) where it cannot be installed.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's wrk for the benchmark…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null && exit 0
fi
echo "wrk is not installed (sudo apt-get install -y wrk); bench/run.py uses its slower Python load generator." >&2
exit 0
