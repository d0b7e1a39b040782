#!/usr/bin/env bash
# Upload scanning is tested against a real ClamAV daemon (Debian's clamav-daemon). The tests start
# their own clamd on a local signature database (the EICAR test signature: signature downloads are not
# available here), so only the program is needed, never freshclam's data. Install it when missing.
set -euo pipefail
CLAMD=${ZI_CLAMD:-/usr/sbin/clamd}
[ -x "$CLAMD" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's clamav-daemon for the upload-scanning tests…"
  apt-get update -qq >/dev/null
  # The package's own services (clamd with the system database, freshclam) are not started: no
  # init system runs here, and the tests start clamd themselves.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null
  [ -x "$CLAMD" ] && exit 0
fi
echo "The upload-scanning tests need ClamAV's daemon at $CLAMD. Install it: sudo apt-get install -y clamav-daemon" >&2
exit 1
