"""System checks that refuse unsafe production settings (healthchecks' hc/api/apps.py idea).

Production is "DEBUG off". Then the development secret, SQLite and in-process tasks are errors,
and DEBUG on with a public host name is an error too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    public_hosts = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    if settings.DEBUG and public_hosts:
        errors.append(
            Error(
                "DEBUG is on while ALLOWED_HOSTS names public hosts.",
                hint="Set DEBUG=false in production.",
                id="zi.E002",
            )
        )
    if settings.DEBUG:
        return errors
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error("SECRET_KEY is the development default.", hint="Set SECRET_KEY.", id="zi.E001")
        )
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3") and not settings.ZI_DEMO:
        errors.append(
            Error(
                "SQLite is the embedded demo database, not a production one.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="zi.E003",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.ZI_DEMO:
        errors.append(
            Error(
                "Background tasks run in-process (no REDIS_URL).",
                hint="Set REDIS_URL and run `celery -A zi worker` and `celery -A zi beat`.",
                id="zi.E004",
            )
        )
    mail_backend = str(settings.MAILERS["default"]["BACKEND"])
    if mail_backend.endswith(("console.EmailBackend", "locmem.EmailBackend")) and not settings.ZI_DEMO:
        errors.append(
            Error(
                "No real mail backend is configured.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
                id="zi.E005",
            )
        )
    return errors
