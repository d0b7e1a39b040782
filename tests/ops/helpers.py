"""Shared by the operational tests: the repository root, a clean production environment, and a
``manage.py`` runner in a subprocess (settings are read once per process, so production settings
can only be tried in a fresh one)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The variables a production host sets (README "Production"). The secret is long and random
# enough for Django's own security.W009.
PRODUCTION_SECRET = "k3Jx9-vQ2_mZr8LwT4yHc7NbPa1sUe6GfDi0XoRtVn5YqWjEhBkMlCuSgAzIpOd"


def production_env(home: Path) -> dict[str, str]:
    """A minimal, complete production environment; ``home`` isolates ~/.pgpass from this machine."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "zi.settings.base",
        "ZI_VAR_DIR": str(home / "var"),
        "DEBUG": "false",
        "SECRET_KEY": PRODUCTION_SECRET,
        "AUDIT_KEY": "a1" * 32,
        "ALLOWED_HOSTS": "zi.example.go.id",
        "SITE_URL": "https://zi.example.go.id",
        "ZI_HTTPS": "true",
        "DATABASE_URL": "postgres://zi:s3cret-db-password@db.internal:5432/zi",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.go.id",
        "ZI_DEMO": "false",
        "ZI_STATIC_MANIFEST": "false",
        "ZI_CLAMAV_SOCKET": "clamav.internal:3310",
    }


def run_manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


ENV_READERS = {"env_str", "env_bool", "env_int", "env_list"}


def settings_variables() -> set[str]:
    """Every environment variable the settings read: ``env_*("NAME", …)`` and ``os.environ`` uses."""
    names: set[str] = set()
    for path in (ROOT / "zi/settings/base.py", ROOT / "zi/settings/test.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                on_environ = isinstance(func, ast.Attribute) and ast.unparse(func.value) == "os.environ"
                if called in ENV_READERS or (on_environ and called in {"get", "setdefault"}) or called == "getenv":
                    names.add(str(node.args[0].value))
            elif (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "os.environ"
                and isinstance(node.slice, ast.Constant)
            ):
                names.add(str(node.slice.value))
    return names
