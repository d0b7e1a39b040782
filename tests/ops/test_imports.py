"""Every module under ``apps/`` imports cleanly whatever is imported first (issue 20).

Imports sit at the module top (ruff PLC0415), so an import cycle between two modules shows at load
time as "partially initialized module" — but only when the cycle's far end happens to load first.
Each order runs in a fresh interpreter after ``django.setup()``, as a web worker or Celery worker
would load them.
"""

from __future__ import annotations

import json
import os
import pkgutil
import random
import subprocess
import sys

import pytest

import apps
from tests.ops.helpers import ROOT

IMPORT_ALL = """
import importlib, json, sys
import django
django.setup()
failures = []
for name in json.loads(sys.stdin.read()):
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failures.append(f"{name}: {exc}")
print(json.dumps(failures))
"""


def app_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(apps.__path__, prefix="apps.")]
    return sorted(n for n in names if ".migrations" not in n)


def shuffled(names: list[str]) -> list[str]:
    order = list(names)
    random.Random(20).shuffle(order)  # a fixed, reproducible order
    return order


ORDERS = {
    "alphabetical": lambda names: names,
    "reverse": lambda names: names[::-1],
    "shuffled": shuffled,
}


@pytest.mark.parametrize("order", ORDERS)
def test_every_app_module_imports_in_any_order(order: str) -> None:
    names = ORDERS[order](app_modules())
    assert len(names) > 100
    result = subprocess.run(  # noqa: S603  (our own interpreter and a fixed script)
        [sys.executable, "-c", IMPORT_ALL],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
