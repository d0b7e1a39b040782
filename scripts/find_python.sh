#!/usr/bin/env bash
# Print the path of the first Python >= 3.12 on this machine, or nothing.
# Under pyenv, `python3` here follows .python-version; bare `python3.12` shims may not resolve.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for cand in python3 python3.14 python3.13 python3.12; do
  p=$(command -v "$cand" 2>/dev/null) || continue
  if ok "$p"; then "$p" -c 'import sys; print(sys.executable)'; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | sort -rV); do
    p="$(pyenv root)/versions/$v/bin/python"
    if [ -x "$p" ] && ok "$p"; then echo "$p"; exit 0; fi
  done
fi
exit 0
