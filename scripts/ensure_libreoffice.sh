#!/usr/bin/env bash
# The LKE workbook test recalculates an exported workbook with a real spreadsheet engine: Debian's
# LibreOffice Calc, headless, without the GUI. Install it when missing (about a minute).
set -euo pipefail
SOFFICE=${ZI_SOFFICE:-soffice}
command -v "$SOFFICE" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's LibreOffice Calc (headless) for the LKE workbook test (about a minute)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  command -v "$SOFFICE" >/dev/null 2>&1 && exit 0
fi
echo "The LKE workbook test needs LibreOffice: sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui" >&2
exit 1
