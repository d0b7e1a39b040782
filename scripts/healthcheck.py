#!/usr/bin/env python3
"""Container health check: GET /sehat/ (database reachable) on the local gunicorn. Exit 0 when healthy.

Stdlib only, so it runs in the image without Django. It sends the public host name (the first
ALLOWED_HOSTS entry) and ``X-Forwarded-Proto: https``, as the TLS proxy in front would; without
them Django answers 400 (unknown host) or redirects to https (ZI_HTTPS) instead of checking.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

URL = os.environ.get("ZI_HEALTHCHECK_URL", "http://127.0.0.1:8000/sehat/")


def public_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = entry.strip().lstrip(".")  # ".example.go.id" also allows example.go.id itself
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    request = urllib.request.Request(URL, headers={"Host": public_host(), "X-Forwarded-Proto": "https"})  # noqa: S310 (fixed local URL)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)  # noqa: T201 (a script)
        return 1


if __name__ == "__main__":
    sys.exit(main())
