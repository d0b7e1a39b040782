"""`manage.py check --deploy` is clean with production variables, and zi/checks.py refuses each unsafe one.

Each case runs in a subprocess: settings are read once per process, from the environment, exactly
as gunicorn and the compose ``migrate`` service read them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

from tests.ops.helpers import production_env, run_manage
from zi.checks import check_production_settings, database_password_errors, site_url_errors

ZI_ID = re.compile(r"zi\.E\d{3}")


def deploy_check(env: dict[str, str]) -> tuple[int, str, set[str]]:
    proc = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = proc.stdout + proc.stderr
    return proc.returncode, output, set(ZI_ID.findall(output))


def test_production_variables_pass_with_no_warning(tmp_path: Path) -> None:
    code, output, ids = deploy_check(production_env(tmp_path))
    assert code == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert ids == set()


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


# (case, change to the production environment, the zi ids it must produce — and only those)
REFUSALS = [
    pytest.param(lambda env: without(env, "SECRET_KEY"), {"zi.E001"}, id="E001-default-secret"),
    pytest.param(lambda env: {**env, "DEBUG": "true"}, {"zi.E002"}, id="E002-debug-with-public-host"),
    pytest.param(lambda env: {**env, "DEBUG": "true", "ALLOWED_HOSTS": "*"}, {"zi.E002"}, id="E002-debug-any-host"),
    pytest.param(lambda env: without(env, "DATABASE_URL"), {"zi.E003"}, id="E003-sqlite"),
    # No DATABASE_URL also switches ZI_DEMO's default on: SQLite is still refused (no demo exemption).
    pytest.param(lambda env: without(env, "DATABASE_URL", "ZI_DEMO"), {"zi.E003", "zi.E006"}, id="E003-sqlite-demo"),
    pytest.param(lambda env: without(env, "REDIS_URL"), {"zi.E004"}, id="E004-in-process-tasks"),
    pytest.param(lambda env: without(env, "EMAIL_BACKEND", "EMAIL_HOST"), {"zi.E005"}, id="E005-console-mail"),
    pytest.param(
        lambda env: {**env, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
        {"zi.E005"},
        id="E005-file-mail",
    ),
    pytest.param(lambda env: {**env, "ZI_DEMO": "true"}, {"zi.E006"}, id="E006-demo-seed"),
    pytest.param(lambda env: without(env, "SITE_URL"), {"zi.E007"}, id="E007-site-url-default"),
    pytest.param(lambda env: {**env, "SITE_URL": "http://zi.example.go.id"}, {"zi.E007"}, id="E007-site-url-http"),
    pytest.param(
        lambda env: {**env, "DATABASE_URL": "postgres://zi@db.internal:5432/zi"}, {"zi.E008"}, id="E008-no-db-password"
    ),
    pytest.param(lambda env: without(env, "ZI_CLAMAV_SOCKET"), {"zi.E009"}, id="E009-no-virus-scanner"),
    pytest.param(lambda env: without(env, "AUDIT_KEY"), {"zi.E011"}, id="E011-no-audit-key"),
]


@pytest.mark.parametrize(("change", "expected"), REFUSALS)
def test_each_unsafe_setting_is_refused(tmp_path: Path, change: object, expected: set[str]) -> None:
    code, output, ids = deploy_check(change(production_env(tmp_path)))  # type: ignore[operator]
    assert code != 0, output
    assert ids == expected, output
    assert "SystemCheckError" in output


def test_errors_stop_the_compose_migrate_step_but_django_warnings_do_not(tmp_path: Path) -> None:
    """The compose ``migrate`` service runs ``check --deploy --fail-level ERROR`` before migrating:
    a local try-out over plain http (only Django's HTTPS warnings) starts; a zi error does not."""
    local = {**production_env(tmp_path), "ZI_HTTPS": "false", "SITE_URL": "http://localhost:8000"}
    local["ALLOWED_HOSTS"] = "localhost"
    assert run_manage("check", "--deploy", "--fail-level", "ERROR", env=local).returncode == 0
    assert run_manage("check", "--deploy", "--fail-level", "WARNING", env=local).returncode != 0
    refused = run_manage("check", "--deploy", "--fail-level", "ERROR", env=without(local, "SECRET_KEY"))
    assert refused.returncode != 0
    assert "zi.E001" in refused.stderr


# In-process edge cases of the same rules (fast; the subprocess cases above prove the wiring).


def ids_of(errors: list[object]) -> set[str]:
    return {e.id for e in errors}  # type: ignore[attr-defined]


PRODUCTION_LIKE = {
    "DEBUG": False,
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": ["zi.example.go.id"],
    "SITE_URL": "https://zi.example.go.id",
    "ZI_HTTPS": True,
    "ZI_DEMO": False,
    "CELERY_TASK_ALWAYS_EAGER": False,
    "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}},
}


def database(**overrides: object) -> dict[str, object]:
    entry: dict[str, object] = {"ENGINE": "django.db.backends.postgresql", "NAME": "zi", "USER": "zi"}
    entry.update({"PASSWORD": "pw", "HOST": "db.internal", "PORT": "5432", "OPTIONS": {}})
    entry.update(overrides)
    return entry


@pytest.fixture
def no_pg_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither this machine's ~/.pgpass nor its PG* variables may decide these tests."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGPASSFILE", raising=False)


def test_debug_on_localhost_only_is_a_developer_machine() -> None:
    settings = {**PRODUCTION_LIKE, "DEBUG": True, "ALLOWED_HOSTS": ["localhost", "127.0.0.1"]}
    with override_settings(**settings):
        assert check_production_settings() == []


def test_subdomain_wildcard_allows_the_site_url() -> None:
    with override_settings(**{**PRODUCTION_LIKE, "ALLOWED_HOSTS": [".example.go.id"]}):
        assert site_url_errors() == []
    with override_settings(**{**PRODUCTION_LIKE, "ALLOWED_HOSTS": [".example.com"]}):
        assert ids_of(site_url_errors()) == {"zi.E007"}


@pytest.mark.usefixtures("no_pg_credentials")
@pytest.mark.parametrize(
    "db",
    [
        pytest.param(database(PASSWORD="", HOST="/var/run/postgresql"), id="unix-socket"),
        pytest.param(database(PASSWORD="", OPTIONS={"sslcert": "/run/secrets/client.crt"}), id="client-cert"),
        pytest.param(database(PASSWORD="", OPTIONS={"passfile": "/run/secrets/pgpass"}), id="passfile"),
        pytest.param(database(), id="password"),
    ],
)
def test_authenticated_database_logins_pass(db: dict[str, object]) -> None:
    assert database_password_errors(db) == []


@pytest.mark.usefixtures("no_pg_credentials")
def test_pgpassword_in_the_environment_counts_as_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ids_of(database_password_errors(database(PASSWORD=""))) == {"zi.E008"}
    monkeypatch.setenv("PGPASSWORD", "from-the-environment")
    assert database_password_errors(database(PASSWORD="")) == []
