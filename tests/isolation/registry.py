"""The isolation suite's registry: every URL pattern and every TenantModel must be listed here.

Each app keeps its entries in ``tests/isolation/routes/<app>.py`` with up to four names:

* ``OBJECT_ROUTES``: ``[ObjectRoute(name, build), ...]`` — URLs that address one object of a
  tenant. ``build(world)`` creates (or picks) an object of **instansi A** and returns the URL kwargs.
  The suite requests it as the outsiders of instansi B (an operator and an admin ZI) with every
  method in ``methods`` and expects 404.
* ``LIST_ROUTES``: ``[ListRoute(name, build), ...]`` — pages without an object id that show tenant
  rows. ``build(world)`` creates a row of instansi A and returns ``(kwargs, marker)``; the marker
  (a name, a code) must not appear in what the outsiders get.
* Each case also checks the other side: the route's ``owner`` (default the admin ZI of A, citra)
  requests the same URL and gets no 404 (object routes), or sees the marker (list routes) — so a
  case cannot pass because the URL is simply broken.
* ``OWNERS``: ``{name: owner}`` — the owner of a route when it is not the admin ZI (a persona name,
  or a callable such as :data:`PIMPINAN_UNIT_A1`).
* ``EXEMPT_ROUTES``: ``{name: reason}`` — public pages, pages with no tenant data, and third-party
  (allauth) pages. The reason is required.
* ``TENANT_MODELS``: ``{Model: build}`` — ``build(world)`` creates a row of instansi A.

``tests/isolation/test_isolation.py`` fails when a URL pattern or a TenantModel is not listed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import MFA_REQUIRED_ROLES
from tests.conftest import enrol_totp
from tests.isolation import routes as routes_package


@dataclass(frozen=True)
class ObjectRoute:
    name: str
    build: Callable[[Any], dict[str, Any]]
    methods: tuple[str, ...] = ("GET",)
    data: dict[str, Any] = field(default_factory=dict)
    # Who in instansi A reaches the object (the owner-positive side of the case): a persona of
    # tests/conftest.py, or a callable ``owner(world) -> User`` for one the build created.
    owner: str | Callable[[Any], Any] = "citra"


@dataclass(frozen=True)
class ListRoute:
    name: str
    build: Callable[[Any], tuple[dict[str, Any], str]]
    owner: str | Callable[[Any], Any] = "citra"


def owner_user(route: ObjectRoute | ListRoute, world: Any) -> Any:
    return route.owner(world) if callable(route.owner) else getattr(world, route.owner)


def _modules() -> list[Any]:
    return [
        importlib.import_module(f"{routes_package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(routes_package.__path__)
    ]


def _owned(module: Any, routes: list[Any]) -> list[Any]:
    owners = getattr(module, "OWNERS", {})
    return [replace(route, owner=owners[route.name]) if route.name in owners else route for route in routes]


def object_routes() -> list[ObjectRoute]:
    return [route for module in _modules() for route in _owned(module, getattr(module, "OBJECT_ROUTES", []))]


def list_routes() -> list[ListRoute]:
    return [route for module in _modules() for route in _owned(module, getattr(module, "LIST_ROUTES", []))]


def member_of_a(email: str, role: str, *, unit: str | None = "unit_a1") -> Callable[[Any], Any]:
    """An owner who is not one of the shared personas: a member of instansi A with ``role`` (on the
    world's ``unit``), created on first use, with a second factor when the role needs one."""

    def make(world: Any) -> Any:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=email.split("@")[0].title())
            Membership.objects.create(
                user=user, instansi=world.instansi_a, role=role, unit=getattr(world, unit) if unit else None
            )
            if role in MFA_REQUIRED_ROLES:
                enrol_totp(user)
        return user

    return make


PIMPINAN_UNIT_A1 = member_of_a("pimpinan.unit.a1@alfa.go.id", "pimpinan_unit")
PIMPINAN_INSTANSI_A = member_of_a("pimpinan@alfa.go.id", "pimpinan_instansi", unit=None)


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
