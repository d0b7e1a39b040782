#!/usr/bin/env bash
# The compose-file test validates docker-compose.yml offline with Debian's docker-compose 1.29
# (no Docker engine needed). Install it when missing; never skip the test.
set -euo pipefail
command -v docker-compose >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's docker-compose to validate docker-compose.yml (no Docker engine is needed)…"
  apt-get update -qq >/dev/null
  # --no-install-recommends: only the validator, not the docker.io engine it recommends.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  command -v docker-compose >/dev/null 2>&1 && exit 0
fi
echo "The compose-file test needs docker-compose. Install it: sudo apt-get install -y --no-install-recommends docker-compose" >&2
exit 1
