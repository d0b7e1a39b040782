"""System checks that refuse unsafe production settings (healthchecks' hc/api/apps.py idea).

They run with ``manage.py check --deploy``, which the docker-compose ``migrate`` service runs
before anything starts: an unsafe configuration stops the stack instead of serving.

Production is "DEBUG off". Then the development secret, SQLite, in-process tasks, a console
mailer, the demo seed, a SITE_URL that does not match the served host, and a password-less
database are errors. DEBUG on with a public host name is an error too. There is deliberately no
exemption for the embedded demo mode: the demo is not a deployment, and a production host that
forgot DATABASE_URL must not be waved through because the demo default then switches on.

| id | refuses |
|---|---|
| zi.E001 | the development SECRET_KEY |
| zi.E002 | DEBUG with a public host in ALLOWED_HOSTS |
| zi.E003 | SQLite (no DATABASE_URL) |
| zi.E004 | in-process tasks (no REDIS_URL) |
| zi.E005 | a console / in-memory / file mailer |
| zi.E006 | ZI_DEMO (its seed publishes passwords) |
| zi.E007 | SITE_URL outside ALLOWED_HOSTS, or plain http behind ZI_HTTPS |
| zi.E008 | a TCP DATABASE_URL with no password, client certificate or passfile |
| zi.E009 | no ClamAV daemon for upload scanning (ZI_CLAMAV_SOCKET) |
| zi.E010 | (always, not only deploy) a task that may run longer than the broker's visibility timeout |
| zi.E011 | no AUDIT_KEY: the audit chain's HMAC key, held outside the database |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import validate_host
from django.utils.module_loading import autodiscover_modules

from zi.celery import app

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
NOT_A_MAILER = ("console.EmailBackend", "locmem.EmailBackend", "filebased.EmailBackend", "dummy.EmailBackend")


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    public_hosts = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    if settings.DEBUG and public_hosts:
        errors.append(
            Error(
                f"DEBUG is on while ALLOWED_HOSTS names public hosts ({', '.join(public_hosts)}).",
                hint="Set DEBUG=false in production: DEBUG pages show settings and source code.",
                id="zi.E002",
            )
        )
    if settings.DEBUG:
        return errors  # a developer's machine: the rest only applies to production
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the development default.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="zi.E001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Error(
                "SQLite is the embedded demo database, not a production one.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="zi.E003",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "Background tasks run in-process (no REDIS_URL).",
                hint="Set REDIS_URL and run `celery -A zi worker` and `celery -A zi beat`.",
                id="zi.E004",
            )
        )
    if str(settings.MAILERS["default"]["BACKEND"]).endswith(NOT_A_MAILER):
        errors.append(
            Error(
                "No real mail backend is configured: invitations and reminders would never leave the server.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
                id="zi.E005",
            )
        )
    if settings.ZI_DEMO:
        errors.append(
            Error(
                "ZI_DEMO is on: the demo seed creates accounts whose passwords are printed in the README.",
                hint="Set ZI_DEMO=false in production.",
                id="zi.E006",
            )
        )
    if not settings.ZI_CLAMAV_SOCKET:
        errors.append(
            Error(
                "Uploads are not scanned for viruses (ZI_CLAMAV_SOCKET is not set).",
                hint="Run ClamAV's clamd and set ZI_CLAMAV_SOCKET to its socket path or host:port "
                "(docker-compose: clamav:3310).",
                id="zi.E009",
            )
        )
    if not getattr(settings, "AUDIT_KEY", ""):
        errors.append(
            Error(
                "AUDIT_KEY is not set: the audit trail cannot be sealed with a key the database does not hold.",
                hint="Set AUDIT_KEY (or AUDIT_KEY_FILE) to a long random value kept apart from the database, "
                "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`.",
                id="zi.E011",
            )
        )
    errors.extend(site_url_errors())
    errors.extend(database_password_errors(settings.DATABASES["default"]))
    return errors


def site_url_errors() -> list[Error]:
    """Links in emails (invitations, reminders) are built from SITE_URL, not from the request."""
    parts = urlsplit(settings.SITE_URL)
    if not parts.hostname or not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Error(
                f"SITE_URL ({settings.SITE_URL}) is not served by this deployment (not in ALLOWED_HOSTS).",
                hint="Set SITE_URL to the public address, e.g. https://zi.example.go.id.",
                id="zi.E007",
            )
        ]
    if settings.ZI_HTTPS and parts.scheme != "https":
        return [
            Error(
                f"SITE_URL ({settings.SITE_URL}) is plain http while ZI_HTTPS is on.",
                hint="Write SITE_URL with https://.",
                id="zi.E007",
            )
        ]
    return []


def database_password_errors(db: Mapping[str, Any]) -> list[Error]:
    """The compose file's PostgreSQL trusts password-less logins (for the test services); production
    must not rely on that. Socket, certificate and passfile logins are fine."""
    if not db["ENGINE"].endswith("postgresql") or db.get("PASSWORD"):
        return []
    options = db.get("OPTIONS") or {}
    host = str(db.get("HOST") or "")
    if host.startswith("/") or "sslcert" in options or "passfile" in options:
        return []
    if os.environ.get("PGPASSWORD") or os.environ.get("PGPASSFILE") or (Path.home() / ".pgpass").exists():
        return []
    return [
        Error(
            "DATABASE_URL has no password.",
            hint="Use postgres://USER:PASSWORD@HOST:5432/NAME (percent-encode special characters), "
            "or a client certificate (?sslcert=…) or passfile.",
            id="zi.E008",
        )
    ]


@register()
def check_redelivery_bound(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """zi.E010: every task's hard time limit stays below the broker's visibility timeout, so a
    message is redelivered only once the worker that held it is surely dead (docs/operations.md)."""
    autodiscover_modules("tasks")  # what the worker registers (Celery's own loader would re-run checks)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    default_limit = settings.CELERY_TASK_TIME_LIMIT
    errors: list[Error] = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        limit = getattr(task, "time_limit", None) or default_limit
        if not limit or limit >= visibility:
            errors.append(
                Error(
                    f"Task {name} may run {limit or 'without limit'} s, not less than the broker's "
                    f"visibility timeout ({visibility} s): a running task would be delivered twice.",
                    hint="Keep CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] above every task's "
                    "time_limit (it is derived from CELERY_TASK_TIME_LIMIT / ZI_TASK_TIME_LIMIT).",
                    id="zi.E010",
                )
            )
    return errors
