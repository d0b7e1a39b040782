"""docker-compose.yml validates offline and has the production shape (DESIGN §2, §3).

No Docker engine runs on these machines; Debian's docker-compose 1.29 validates and resolves the
file without one (`make test` installs it through scripts/ensure_docker_compose.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.helpers import ROOT, run_manage, settings_variables

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Read by gunicorn or the image, not by the settings.
CONTAINER_VARIABLES = {"DJANGO_SETTINGS_MODULE", "FORWARDED_ALLOW_IPS", "WEB_CONCURRENCY"}

MINIMAL_ENV = {
    "SECRET_KEY": "compose-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "POSTGRES_PASSWORD": "compose-test-db-password",
    "ALLOWED_HOSTS": "zi.example.go.id",
    "SITE_URL": "https://zi.example.go.id",
}


def docker_compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("docker-compose")
    assert executable, (
        "docker-compose is missing: run `make test` (it installs Debian's docker-compose) or "
        "`sudo apt-get install -y --no-install-recommends docker-compose`."
    )
    # A clean environment: only PATH/HOME and what the test passes, never this machine's variables.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home())}
    return subprocess.run(  # noqa: S603
        [executable, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def resolved() -> dict[str, Any]:
    """The file as docker-compose resolves it (anchors merged, variables interpolated)."""
    proc = docker_compose("config", env=MINIMAL_ENV)
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_compose_file_validates() -> None:
    proc = docker_compose("config", "-q", env=MINIMAL_ENV)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_compose_file_validates_with_the_example_env_file() -> None:
    proc = docker_compose("--env-file", str(ENV_EXAMPLE), "config", "-q")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda text: text + "\nname: zi\n", id="top-level-name"),
        pytest.param(lambda text: text.replace("    image: postgres:", "    imagee: postgres:"), id="unknown-key"),
    ],
)
def test_the_validator_rejects_a_broken_file(tmp_path: Path, broken: Any) -> None:
    """The check really checks: 1.29 rejects a top-level `name:` and a misspelt key."""
    target = tmp_path / "docker-compose.yml"
    target.write_text(broken(COMPOSE_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    proc = subprocess.run(  # noqa: S603
        [shutil.which("docker-compose") or "docker-compose", "-f", str(target), "config", "-q"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **MINIMAL_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "name" in proc.stderr or "imagee" in proc.stderr, proc.stderr


def test_no_top_level_name_or_version_key() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert "name" not in raw
    assert "version" not in raw  # obsolete in the Compose Specification; newer `docker compose` warns


def test_the_services_exist(resolved: dict[str, Any]) -> None:
    services = set(resolved["services"])
    assert {"postgres", "redis", "web", "worker", "beat"} <= services
    assert "mailpit" in services
    assert "migrate" in services


def test_versions_of_the_backing_services(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert re.fullmatch(r"postgres:1[56](\.\d+)?(-\w+)?", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7(\.\d+)*(-\w+)?", services["redis"]["image"])
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")


def test_app_services_are_built_from_the_dockerfile(resolved: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        service = resolved["services"][name]
        assert Path(service["build"]["context"]).resolve() == ROOT, name
        assert service["environment"]["DEBUG"] == "false", name
        assert service["environment"]["ZI_DEMO"] == "false", name


def test_commands(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert "command" not in services["web"]  # the image's CMD: gunicorn zi.wsgi
    assert services["worker"]["command"][:4] == ["celery", "-A", "zi", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "zi", "beat"]
    migrate = " ".join(services["migrate"]["command"])
    # The unsafe-settings checks run first, and stop the stack before anything migrates or serves.
    assert migrate.index("check --deploy --fail-level ERROR &&") < migrate.index("migrate --noinput")
    assert services["migrate"]["restart"] == "no"


def test_everything_waits_for_migrations_and_healthy_services(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]
    assert "healthcheck" not in services["web"]  # web keeps the image's check of /sehat/
    for name in ("migrate", "worker", "beat"):
        # They inherit the image's HEALTHCHECK of gunicorn, which they do not run.
        # (`disable: true`, which docker-compose 1.29 resolves to the equivalent `test: [NONE]`)
        assert services[name]["healthcheck"] in ({"disable": True}, {"test": ["NONE"]}), name


def test_mail_catcher_ports_and_default_mail_route(resolved: dict[str, Any]) -> None:
    mailpit = resolved["services"]["mailpit"]
    assert "1025" in [str(port) for port in mailpit["expose"]]
    assert any(str(port).startswith("127.0.0.1:8025:8025") for port in mailpit["ports"])
    env = resolved["services"]["worker"]["environment"]
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (env["EMAIL_HOST"], env["EMAIL_PORT"]) == ("mailpit", "1025")


def test_published_ports_stay_on_loopback(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond this host"


def test_database_and_redis_urls_are_wired(resolved: dict[str, Any]) -> None:
    env = resolved["services"]["web"]["environment"]
    assert env["DATABASE_URL"] == f"postgres://postgres:{MINIMAL_ENV['POSTGRES_PASSWORD']}@postgres:5432/zi"
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["SECRET_KEY"] == MINIMAL_ENV["SECRET_KEY"]


def test_volumes_for_database_and_uploads(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert {"pgdata", "media", "redisdata"} <= set(resolved["volumes"])
    assert any("pgdata:/var/lib/postgresql/data" in str(v) for v in services["postgres"]["volumes"])
    for name in APP_SERVICES:
        assert any(str(v).startswith("media:/data/media") for v in services[name]["volumes"]), name


def test_app_environment_names_only_real_settings(resolved: dict[str, Any]) -> None:
    """A typo (EMAIL_USER for EMAIL_HOST_USER) would be silently ignored by Django: refuse it here."""
    known = settings_variables() | CONTAINER_VARIABLES
    for name in APP_SERVICES:
        unknown = set(resolved["services"][name]["environment"]) - known
        assert not unknown, f"{name} passes variables no setting reads: {sorted(unknown)}"


def example_variables() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_env_example_and_compose_name_the_same_variables() -> None:
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8")))
    example = example_variables()
    assert interpolated - example == set(), "document these in .env.example"
    assert example - interpolated == set(), ".env.example sets variables docker-compose.yml never reads"


def container_env(service: dict[str, Any], home: Path) -> dict[str, str]:
    """What the app sees in the container: the service's environment over the image's ENV lines
    (paths moved under ``home``, which stands in for the image's /data and /app)."""
    env = {name: "" if value is None else str(value) for name, value in service["environment"].items()}
    env.update(
        {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "ZI_STATIC_MANIFEST": "true",
            "STATIC_ROOT": str(home / "staticfiles"),
            "MEDIA_ROOT": str(home / "media"),
            "ZI_VAR_DIR": str(home / "var"),
        }
    )
    return env


def example_config(**overrides: str) -> dict[str, Any]:
    proc = docker_compose("--env-file", str(ENV_EXAMPLE), "config", env=overrides)
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_the_filled_in_example_passes_the_deploy_checks(tmp_path: Path) -> None:
    """.env.example with its three secrets filled in is a clean production configuration."""
    config = example_config(
        SECRET_KEY=MINIMAL_ENV["SECRET_KEY"], AUDIT_KEY="b2" * 32, POSTGRES_PASSWORD="filled-in-db-password"
    )
    proc = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=container_env(config["services"]["web"], tmp_path)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_the_unfilled_example_does_not_start(tmp_path: Path) -> None:
    """Left as shipped (no secret, no database password), the migrate step refuses to run."""
    config = example_config()
    env = container_env(config["services"]["migrate"], tmp_path)
    proc = run_manage("check", "--deploy", "--fail-level", "ERROR", env=env)
    assert proc.returncode != 0
    assert "zi.E001" in proc.stderr
    assert "zi.E008" in proc.stderr
    assert "zi.E011" in proc.stderr
