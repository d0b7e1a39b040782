"""The isolation suite's registry: every URL pattern and every TenantModel must be listed here.

Each app keeps its entries in ``tests/isolation/routes/<app>.py`` with up to four names:

* ``OBJECT_ROUTES``: ``[ObjectRoute(name, build), ...]`` — URLs that address one object of a
  tenant. ``build(world)`` creates (or picks) an object of **instansi A** and returns the URL kwargs.
  The suite requests it as the outsiders of instansi B (an operator and an admin ZI) with every
  method in ``methods`` and expects 404.
* ``LIST_ROUTES``: ``[ListRoute(name, build), ...]`` — pages without an object id that show tenant
  rows. ``build(world)`` creates a row of instansi A and returns ``(kwargs, marker)``; the marker
  (a name, a code) must not appear in what the outsiders get.
* ``EXEMPT_ROUTES``: ``{name: reason}`` — public pages, pages with no tenant data, and third-party
  (allauth) pages. The reason is required.
* ``TENANT_MODELS``: ``{Model: build}`` — ``build(world)`` creates a row of instansi A.

``tests/isolation/test_isolation.py`` fails when a URL pattern or a TenantModel is not listed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from tests.isolation import routes as routes_package


@dataclass(frozen=True)
class ObjectRoute:
    name: str
    build: Callable[[Any], dict[str, Any]]
    methods: tuple[str, ...] = ("GET",)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListRoute:
    name: str
    build: Callable[[Any], tuple[dict[str, Any], str]]


def _modules() -> list[Any]:
    return [
        importlib.import_module(f"{routes_package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(routes_package.__path__)
    ]


def object_routes() -> list[ObjectRoute]:
    return [route for module in _modules() for route in getattr(module, "OBJECT_ROUTES", [])]


def list_routes() -> list[ListRoute]:
    return [route for module in _modules() for route in getattr(module, "LIST_ROUTES", [])]


def exempt_routes() -> dict[str, str]:
    merged: dict[str, str] = {}
    for module in _modules():
        merged.update(getattr(module, "EXEMPT_ROUTES", {}))
    return merged


def tenant_models() -> dict[type[models.Model], Callable[[Any], models.Model]]:
    merged: dict[type[models.Model], Callable[[Any], models.Model]] = {}
    for module in _modules():
        merged.update(getattr(module, "TENANT_MODELS", {}))
    return merged
