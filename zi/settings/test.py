"""Test settings: real PostgreSQL and Redis (never SQLite, never eager Celery).

DATABASE_URL defaults to the CI database on 127.0.0.1:5432 and REDIS_URL to 127.0.0.1:6379/15.
"""

from __future__ import annotations

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zi")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("ZI_VAR_DIR", "/tmp/zi-test-var")  # noqa: S108  (tests only; uploads use tmp_path)

from zi.queues import celery_queue_settings
from zi.settings.base import *  # noqa: F403
from zi.settings.base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "media"
CELERY_TASK_ALWAYS_EAGER = False
CACHES["default"]["KEY_PREFIX"] = f"zi-test-{os.getpid()}"  # noqa: F405
ZI_DEMO = False
ZI_ALLOW_UNSCANNED = True  # tests without clamd; the scanning tests set ZI_CLAMAV_SOCKET (or this off)
ZI_SITE_URL_FROM_REQUEST = False  # links keep the configured SITE_URL (tests compare them)
# Queues of our own per test run (every kind, zi/queues.py): a worker started by a test never eats
# stale messages of another run.
CELERY_TASK_DEFAULT_QUEUE, CELERY_TASK_QUEUES, CELERY_TASK_ROUTES = celery_queue_settings(f"zi-test-{os.getpid()}")
# A fixed audit key for the suite (production takes AUDIT_KEY/AUDIT_KEY_FILE; tests/audit/test_key.py
# covers the missing key and the embedded key file).
AUDIT_KEY = "zi-test-audit-key-not-for-production"
