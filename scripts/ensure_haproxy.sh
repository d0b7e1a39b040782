#!/usr/bin/env bash
# The several-web-nodes test (tests/ops/test_web_nodes.py) puts two gunicorn nodes behind a real
# HAProxy that it starts itself on a free port. Install Debian's when missing.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's haproxy for the several-web-nodes test…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
  test -x /usr/sbin/haproxy && exit 0
fi
echo "The several-web-nodes test needs haproxy: sudo apt-get install -y --no-install-recommends haproxy" >&2
exit 1
