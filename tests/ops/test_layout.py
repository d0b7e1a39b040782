"""The repository's promises to a newcomer and an operator: layout, pinned requirements, the two
commands, and a README that documents every environment variable."""

from __future__ import annotations

import os
import re

import pytest

from tests.ops.helpers import ROOT, settings_variables

README = ROOT / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the `## title` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", readme(), flags=re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


LAYOUT = [
    "requirements.txt",
    "requirements-dev.txt",
    "requirements.lock",
    "requirements-dev.lock",
    "docker-compose.yml",
    "Dockerfile",
    ".dockerignore",
    ".env.example",
    "README.md",
    "Makefile",
    "pyproject.toml",
    ".python-version",
    ".ci/run",
    "bench/README.md",
]


@pytest.mark.parametrize("path", LAYOUT)
def test_layout(path: str) -> None:
    assert (ROOT / path).is_file(), path


def test_python_version_and_ci_entry_point() -> None:
    assert (ROOT / ".python-version").read_text(encoding="utf-8").strip() == "3.12"
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    assert re.search(r"^make test$", ci.read_text(encoding="utf-8"), flags=re.MULTILINE)


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned_with_a_reason(name: str) -> None:
    for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("-r "):
            continue
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z0-9,\-]+\])?==[\w.]+\s+# \S.*", line), f"{name}:{number}: {line}"


def test_make_test_checks_services_and_tools_before_pytest() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    assert recipe, "Makefile has no test target"
    steps = recipe.group(1)
    ensure = (
        "ensure_chromium.sh",
        "ensure_system_packages.sh",
        "ensure_docker_compose.sh",
        "ensure_libreoffice.sh",
        "ensure_redis_server.sh",
    )
    order = [steps.index(s) for s in ("check_services.py", *ensure, "pytest")]
    assert order == sorted(order)
    for script in ("find_python.sh", *ensure):
        assert os.access(ROOT / "scripts" / script, os.X_OK), f"scripts/{script} must be executable (make runs it)"


def test_services_message_says_how_to_start_them() -> None:
    assert "docker compose up -d postgres redis" in (ROOT / "scripts" / "check_services.py").read_text(encoding="utf-8")


# -----------------------------------------------------------------------------
# README
# -----------------------------------------------------------------------------


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```\w*\n(.*?)```", readme(), flags=re.DOTALL)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    assert readme().index("## Two commands") < readme().index("## Configuration")


def test_readme_sections() -> None:
    for title in ("Two commands", "Demo logins", "Configuration", "Production", "Tests", "Design"):
        assert section(title).strip(), title


def test_readme_demo_logins_name_every_kind_of_user() -> None:
    logins = section("Demo logins").lower()
    for role in ("admin zi", "pimpinan", "tim kerja", "pegawai", "tpi", "read-only", "national"):
        assert role in logins, role


def test_readme_documents_every_environment_variable() -> None:
    configuration = section("Configuration")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", configuration, flags=re.MULTILINE))
    missing = sorted(settings_variables() - documented)
    assert not missing, f"add a row to README 'Configuration' for: {missing}"
    compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert not sorted(compose - documented), "README misses compose variables"


def test_readme_names_every_production_refusal() -> None:
    checks = (ROOT / "zi" / "checks.py").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(zi\.E\d{3})"', checks))
    assert len(ids) >= 5
    production = section("Production")
    for check_id in ids:
        assert check_id in production or check_id.removeprefix("zi.") in production, check_id
