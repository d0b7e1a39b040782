"""Typed readers for environment variables that fail loudly on a bad value.

Modelled on healthchecks' envbool/envint/envsecret: a typo such as DEBUG=yes must stop the
process at start-up, not silently pick a default. Secrets can also come from a file named by
``<NAME>_FILE`` (Docker/Kubernetes secrets).

An empty variable counts as unset everywhere: docker-compose passes ``VAR=`` for a variable that
the operator left blank, and that must mean "the default", never "the empty string" (an empty
login rate limit would switch throttling off).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def env_str(name: str, default: str = "") -> str:
    """``NAME``, or the content of the file named by ``NAME_FILE`` (which wins), or ``default``."""
    file_path = os.environ.get(f"{name}_FILE", "").strip()
    if file_path:
        try:
            value = Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE names {file_path!r}, which cannot be read ({exc})") from exc
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE names {file_path!r}, which is empty")
        return value
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false/1/0, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around and between items are ignored."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name?sslmode=require`` into a DATABASES entry.

    User, password and host are percent-decoded, so a password with ``@`` or ``/`` is written
    ``%40`` / ``%2F``, and a Unix socket directory as the host ``%2Fvar%2Frun%2Fpostgresql``.
    Query parameters become libpq connection options.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL (got scheme {parts.scheme!r}); "
            "leave it unset for the embedded SQLite mode."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL has no database name")
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL has an invalid port ({exc})") from exc
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = parts.hostname or ""
    raw_host = parts.netloc.rpartition("@")[2]
    if raw_host.lower().startswith("%2f"):  # a socket directory: keep its case (hostname lowercases)
        host = raw_host.split(":", 1)[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(host),
        "PORT": str(port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def redis_other_db(url: str) -> str:
    """``url`` with the next Redis database number (``/0`` → ``/1``, ``/15`` → ``/0``; none means 0)."""
    parts = urlsplit(url)
    current = parts.path.strip("/") or "0"
    if not current.isdigit():
        raise ImproperlyConfigured(f"REDIS_URL must end in a database number, got {url!r}")
    return parts._replace(path=f"/{(int(current) + 1) % 16}").geturl()
