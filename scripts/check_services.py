"""Fail loudly (never skip) when the test services are not reachable (pytest-django creates the test database).

Run by `make test` before pytest, with DJANGO_SETTINGS_MODULE=zi.settings.test.
"""

from __future__ import annotations

import sys

import django

django.setup()

import psycopg2  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402

HOW_TO_START = """
Start them with Docker:      docker compose up -d postgres redis   (the test defaults match it)
or with Debian packages:     pg_ctlcluster 15 main start; redis-server --daemonize yes
Elsewhere, point ZI at them: DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/zi REDIS_URL=redis://HOST:6379/15 make test
"""


def main() -> int:
    db = settings.DATABASES["default"]
    try:
        conn = psycopg2.connect(
            dbname="postgres",
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            connect_timeout=5,
        )
        conn.close()
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} ({exc}).{HOW_TO_START}", file=sys.stderr)  # noqa: T201
        return 1
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        print(f"Redis is not reachable at {settings.REDIS_URL} ({exc}).{HOW_TO_START}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
