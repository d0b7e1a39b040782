#!/usr/bin/env bash
# PDF reports (WeasyPrint) need Debian's Pango, HarfBuzz's subset library (without it: warnings and
# slower, bigger PDFs) and a font with Indonesian and symbol glyphs (DejaVu; the report stylesheet
# names it). Install whatever is missing; the apt lists are refreshed only when something is.
set -euo pipefail

missing=()
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
has_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
has_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
has_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
{ command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q 'DejaVu Sans'; } || missing+=(fonts-dejavu-core fontconfig)

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the PDF reports (WeasyPrint)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "PDF reports need these Debian packages: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}" >&2
exit 1
