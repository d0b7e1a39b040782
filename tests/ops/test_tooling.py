"""`make lint` does what its help promises, runs first in `make test`, and pre-commit runs the same
tools from the project's own virtualenv (no hook downloaded from the network)."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.ops.helpers import ROOT

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")

# What `make lint` runs: a fragment of each recipe line.
LINT_STEPS = {
    "ruff": "ruff check .",
    "ruff-format": "ruff format --check .",
    "djlint": "djlint templates apps --lint",
    "lint-imports": "lint-imports",
    "mypy": "mypy",
    "migrations": "makemigrations --check --dry-run",
    "translations": "tests/ops/test_translations.py",
}


def recipe(target: str) -> tuple[str, str]:
    """(prerequisites, recipe lines) of a Makefile target."""
    match = re.search(rf"^{target}:(.*)\n((?:\t.*\n)+)", MAKEFILE, flags=re.MULTILINE)
    assert match, f"Makefile has no {target} target"
    return match.group(1), match.group(2)


def test_make_lint_runs_every_check_and_make_test_runs_it_first() -> None:
    _, lint = recipe("lint")
    for name, fragment in LINT_STEPS.items():
        assert fragment in lint, f"make lint does not run {name}"
    prerequisites, _ = recipe("test")
    assert "lint" in prerequisites.split(), "make test must run make lint first"
    help_line = next(line for line in MAKEFILE.splitlines() if "make lint " in line and "@echo" in line)
    for word in ("ruff", "djLint", "import layers", "mypy", "migrations", "translations"):
        assert word in help_line, word


def test_pre_commit_runs_the_same_tools_locally() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hooks come from .venv, never the network"
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == set(LINT_STEPS)
    for hook in hooks.values():
        assert hook["language"] == "unsupported"
        assert ".venv/bin/" in hook["entry"], hook["id"]


def test_the_tools_are_configured_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = pyproject["tool"]
    contract = next(c for c in tool["importlinter"]["contracts"] if c["type"] == "layers")
    assert contract["exhaustive"] is True, "every app must be placed in a layer"
    assert contract["containers"] == ["apps"]
    assert tool["mypy"]["strict"] is True
    for kind in ("access", "selectors", "services", "tasks"):
        assert f"apps/*/{kind}.py" in tool["mypy"]["files"], kind
    assert tool["djlint"]["profile"] == "django"


def test_the_architecture_map_places_every_app() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    apps = sorted(p.name for p in (ROOT / "apps").iterdir() if (p / "apps.py").is_file())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in pyproject["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layered = {name.strip(" ()") for layer in contract["layers"] for name in re.split(r"[:|]", layer)}
    for app in apps:
        assert f"`{app}`" in doc, f"docs/architecture.md does not place {app}"
        assert app in layered, f"{app} is in no import-linter layer"
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")
