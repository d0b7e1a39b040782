#!/usr/bin/env bash
# Browser journeys drive Debian's Chromium (never a downloaded browser). Install it when missing.
set -euo pipefail
CHROMIUM=${ZI_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (about 30 s)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi
echo "The browser tests need Chromium at $CHROMIUM. Install it: sudo apt-get install -y chromium" >&2
exit 1
