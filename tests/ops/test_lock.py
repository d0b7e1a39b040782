"""Pinned all the way down: the lock files hold every requirement at the version the human-edited
``requirements*.txt`` names, every pin carries its sha256 hashes, and every install path uses them.

``requirements*.txt`` say what ZI depends on and why; ``make lock`` resolves them (uv) into
``requirements*.lock`` with every transitive dependency and the hashes of its files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ops.helpers import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct(path: Path) -> dict[str, str]:
    """The pins of a requirements file, following ``-r`` includes."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(direct(path.parent / line.removeprefix("-r ").strip()))
        elif match := PIN.match(line):
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for every pin of a lock file."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    pins: dict[str, tuple[str, int]] = {}
    for line in text.splitlines():
        if match := PIN.match(line):
            pins[normalise(match.group(1))] = (match.group(2), len(re.findall(r"--hash=sha256:[0-9a-f]{64}", line)))
    return pins


LOCKS = [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]


def test_the_pin_readers_read_extras_markers_and_includes(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("Django==6.1.3  # web\n", encoding="utf-8")
    (tmp_path / "dev.txt").write_text("-r base.txt\ncelery[redis]==5.7.0  # work\n# pytest==1\n", encoding="utf-8")
    assert direct(tmp_path / "dev.txt") == {"django": "6.1.3", "celery": "5.7.0"}
    lock = tmp_path / "x.lock"
    lock.write_text(
        f"colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:{'a' * 64} \\\n"
        f"    --hash=sha256:{'b' * 64}\n    # via click\nsix==1.17.0\n",
        encoding="utf-8",
    )
    assert locked(lock) == {"colorama": ("0.4.6", 2), "six": ("1.17.0", 0)}


@pytest.mark.parametrize(("source", "lock"), LOCKS)
def test_every_direct_requirement_is_locked_at_its_pinned_version(source: str, lock: str) -> None:
    pins = locked(ROOT / lock)
    for name, version in direct(ROOT / source).items():
        assert name in pins, f"{name} is in {source} but not in {lock}: run `make lock`"
        assert pins[name][0] == version, f"{name}=={version} in {source} but {pins[name][0]} in {lock}: `make lock`"


@pytest.mark.parametrize(("source", "lock"), LOCKS)
def test_every_locked_package_carries_hashes(source: str, lock: str) -> None:
    pins = locked(ROOT / lock)
    assert len(pins) > len(direct(ROOT / source)), "the lock holds the transitive dependencies too"
    unhashed = sorted(name for name, (_, hashes) in pins.items() if hashes == 0)
    assert not unhashed, f"{lock} pins without --hash: {unhashed}"


def test_dev_lock_installs_the_same_runtime_versions() -> None:
    runtime, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    differing = {name: (version, dev.get(name, ("missing",))[0]) for name, (version, _) in runtime.items()}
    assert {name: pair for name, pair in differing.items() if pair[0] != pair[1]} == {}


def test_every_install_path_uses_a_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert not re.search(r"pip install[^\n]*-r requirements(-dev)?\.txt", makefile)
    assert re.search(r"^lock:", makefile, flags=re.MULTILINE)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
