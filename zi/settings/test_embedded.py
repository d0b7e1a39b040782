"""Embedded-mode test settings: the configuration ``make run`` uses (SQLite, local-memory cache,
tasks in-process), so the API, PortalRB contract and browser-journey suites prove the embedded mode
too (``make test`` runs them a second time with this module, see the Makefile).

DATABASE_URL and REDIS_URL are ignored on purpose: with either set, base.py would switch to
PostgreSQL or Redis and this run would prove nothing about the embedded mode.
"""

from __future__ import annotations

import os

for _name in ("DATABASE_URL", "DATABASE_URL_FILE", "REDIS_URL", "REDIS_URL_FILE"):
    os.environ.pop(_name, None)
os.environ.setdefault("ZI_VAR_DIR", "/tmp/zi-test-var")  # noqa: S108  (tests only; uploads use tmp_path)

from zi.settings.base import *  # noqa: E402, F403
from zi.settings.base import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "media"
ZI_DEMO = False
ZI_SITE_URL_FROM_REQUEST = False  # links keep the configured SITE_URL (tests compare them)
# The test database is a file (not SQLite's shared in-memory database), so the live server's
# thread and the test see the same data the way two processes of ``make run`` would.
DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"zi-embedded-test-{os.getpid()}.sqlite3")}  # noqa: F405
ZI_EMBEDDED_TEST = True
# What `make run` gets from DEBUG=true, which the test runner turns off: uploads accepted unscanned
# (the embedded mode says it does not scan) and an audit key of its own (apps/audit/key.py keeps one
# in VAR_DIR/audit.key under DEBUG).
ZI_ALLOW_UNSCANNED = True
AUDIT_KEY = "zi-embedded-test-audit-key-not-for-production"
