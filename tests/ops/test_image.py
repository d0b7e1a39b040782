"""The Dockerfile's promises, checked without a Docker engine.

No engine runs here, so the build is proven step by step: the file says what it must, the build
context keeps what the image needs (and no secrets), the production static build works and knows
every asset the templates name, and the container health check answers as the proxy would.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.ops.helpers import ROOT, production_env, run_manage

DOCKERFILE = ROOT / "Dockerfile"
HEALTHCHECK = ROOT / "scripts" / "healthcheck.py"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            pairs.append((keyword.upper(), " ".join(rest.split())))
    return pairs


def test_base_image_and_system_packages() -> None:
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.12-slim-bookworm")
    apt = " ".join(args for keyword, args in steps if keyword == "RUN" and "apt-get install" in args)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in apt, package
    assert "--no-install-recommends" in apt
    assert "rm -rf /var/lib/apt/lists/*" in apt


def test_dependencies_then_static_files_with_the_manifest() -> None:
    steps = instructions()
    runs = [args for keyword, args in steps if keyword == "RUN"]
    assert any("pip install --require-hashes -r requirements.lock" in args for args in runs)
    env = " ".join(args for keyword, args in steps if keyword == "ENV")
    assert "ZI_STATIC_MANIFEST=true" in env
    collect = next(i for i, (keyword, args) in enumerate(steps) if keyword == "RUN" and "collectstatic" in args)
    manifest_env = next(
        i for i, (keyword, args) in enumerate(steps) if keyword == "ENV" and "ZI_STATIC_MANIFEST" in args
    )
    assert manifest_env < collect


def test_runs_gunicorn_as_a_non_root_user_with_a_health_check() -> None:
    steps = instructions()
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users, "no USER: the container would run as root"
    assert users[-1] not in {"root", "0"}
    user_index = max(i for i, (keyword, _) in enumerate(steps) if keyword == "USER")
    cmd_index = max(i for i, (keyword, _) in enumerate(steps) if keyword == "CMD")
    assert user_index < cmd_index
    command = json.loads(steps[cmd_index][1])
    assert command[:2] == ["gunicorn", "zi.wsgi"]
    assert "0.0.0.0:8000" in command
    health = next(args for keyword, args in steps if keyword == "HEALTHCHECK")
    assert "scripts/healthcheck.py" in health
    assert ("EXPOSE", "8000") in steps


def dockerignore_patterns() -> list[tuple[str, bool]]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [(line.lstrip("!"), line.startswith("!")) for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; a directory pattern covers what is inside."""
    result = False
    for pattern, negated in dockerignore_patterns():
        bare = pattern.removeprefix("**/")
        candidates = [path, *[path.rsplit("/", n)[0] for n in range(1, path.count("/") + 1)]]
        if any(fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(Path(c).name, bare) for c in candidates):
            result = not negated
    return result


IMAGE_NEEDS = [
    "manage.py",
    "requirements.lock",
    "zi/wsgi.py",
    "apps/core/views.py",
    "templates/base.html",
    "static/css/zi.css",
    "scripts/healthcheck.py",
    "locale/id/LC_MESSAGES/django.mo",
]


@pytest.mark.parametrize("path", IMAGE_NEEDS)
def test_build_context_keeps_what_the_image_needs(path: str) -> None:
    assert not ignored(path)


@pytest.mark.parametrize("path", [".env", ".env.production", ".git/config", ".venv/bin/python", "var/zi.sqlite3"])
def test_build_context_leaves_out_secrets_and_local_state(path: str) -> None:
    assert ignored(path)


def test_the_image_static_build_works_and_knows_every_asset(tmp_path: Path) -> None:
    """`collectstatic` with the hashed manifest (the Dockerfile's step), then: every `{% static %}`
    path in the templates is in the manifest. A missing one would be a 500 in production only."""
    env = {**production_env(tmp_path), "ZI_STATIC_MANIFEST": "true", "STATIC_ROOT": str(tmp_path / "static")}
    proc = run_manage("collectstatic", "--noinput", env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    referenced = {
        match
        for root in [ROOT / "templates", *(ROOT / "apps").glob("*/templates")]
        for template in root.rglob("*.html")
        for match in re.findall(r"""{%\s*static\s+["']([^"']+)["']""", template.read_text(encoding="utf-8"))
    }
    assert "css/zi.css" in referenced
    missing = sorted(referenced - set(manifest))
    assert not missing, f"templates name static files that do not exist: {missing}"


# -----------------------------------------------------------------------------
# The container health check (scripts/healthcheck.py) against a live server
# -----------------------------------------------------------------------------


def healthcheck(url: str, allowed_hosts: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(HEALTHCHECK)],
        env={"ZI_HEALTHCHECK_URL": url, "ALLOWED_HOSTS": allowed_hosts, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_healthcheck_passes_behind_https_with_the_public_host(live_server: object) -> None:
    url = f"{live_server.url}/sehat/"  # type: ignore[attr-defined]
    production = {
        "ALLOWED_HOSTS": ["zi.example.go.id"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }
    with override_settings(**production):
        assert healthcheck(url, "zi.example.go.id,www.example.go.id").returncode == 0
        # "*" names no host to send: the first real name is used.
        assert healthcheck(url, "*,zi.example.go.id").returncode == 0
        # A host Django does not serve is unhealthy, not silently "ok".
        failed = healthcheck(url, "other.example.com")
        assert failed.returncode == 1
        assert "unhealthy" in failed.stderr


def test_healthcheck_fails_when_nothing_listens() -> None:
    failed = healthcheck("http://127.0.0.1:9/sehat/", "zi.example.go.id")
    assert failed.returncode == 1
