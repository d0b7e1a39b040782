"""zi/env.py: typed environment readers that stop start-up on a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zi.env import env_bool, env_int, env_list, env_str, parse_database_url

NAME = "ZI_OPS_TEST_VARIABLE"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("TRUE", True), ("1", True), (" false ", False), ("0", False)]
)
def test_env_bool_reads_the_four_spellings(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, default=not expected) is expected


@pytest.mark.parametrize("raw", ["yes", "no", "on", "off", "ture", "2"])
def test_env_bool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_bool(NAME, default=False)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_unset_or_empty_means_the_default(monkeypatch: pytest.MonkeyPatch, raw: str | None) -> None:
    if raw is not None:
        monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, default=True) is True
    assert env_int(NAME, 7) == 7
    assert env_list(NAME, ["a"]) == ["a"]


def test_env_str_empty_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose passes `VAR=` for a blank variable; that must not become an empty setting.
    monkeypatch.setenv(NAME, "")
    assert env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "value")
    assert env_str(NAME, "fallback") == "value"


def test_env_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "25")
    assert env_int(NAME, 0) == 25
    monkeypatch.setenv(NAME, "25MB")
    with pytest.raises(ImproperlyConfigured, match="must be an integer"):
        env_int(NAME, 0)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " zi.example.go.id, ,www.example.go.id ,")
    assert env_list(NAME, []) == ["zi.example.go.id", "www.example.go.id"]


def test_secret_from_a_file_wins_over_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv(NAME, "from-the-variable")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    assert env_str(NAME) == "from-the-file"


def test_unreadable_or_empty_secret_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}_FILE"):
        env_str(NAME, "default")
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(empty))
    with pytest.raises(ImproperlyConfigured, match="empty"):
        env_str(NAME, "default")


def test_database_url_parts() -> None:
    db = parse_database_url("postgres://zi:p%40ss%2Fword@db.internal:6432/zi_prod?sslmode=require&connect_timeout=5")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("zi_prod", "zi", "p@ss/word")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "6432")
    assert db["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_url_without_password_port_or_host() -> None:
    db = parse_database_url("postgresql://postgres@127.0.0.1/zi")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == ("postgres", "", "127.0.0.1", "")
    local = parse_database_url("postgres:///zi")
    assert (local["NAME"], local["HOST"]) == ("zi", "")


def test_database_url_unix_socket_keeps_its_case() -> None:
    db = parse_database_url("postgres://zi@%2Fvar%2Frun%2FPostgreSQL/zi")
    assert db["HOST"] == "/var/run/PostgreSQL"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://zi@db/zi", "must be a postgres:// URL"),
        ("sqlite:///var/zi.sqlite3", "must be a postgres:// URL"),
        ("postgres://zi@db.internal:5432/", "no database name"),
        ("postgres://zi@db.internal:port/zi", "invalid port"),
    ],
)
def test_bad_database_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)
