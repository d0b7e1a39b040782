"""The isolation suite: nothing of instansi A is visible to or changeable by instansi B.

It walks the whole URL resolver, so a new route that nobody registered fails
``test_every_route_is_registered``; a new TenantModel fails ``test_every_tenant_model_is_registered``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import User
from apps.tenancy.models import Membership, TenantModel
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.conftest import World, enrol_totp
from tests.factories import UserFactory
from tests.isolation.registry import exempt_routes, list_routes, object_routes, owner_user, tenant_models

# Third-party URL namespaces whose pages hold no tenant data (login, password, MFA, API docs).
THIRD_PARTY_PREFIXES = ("account_", "mfa_", "socialaccount_", "usersessions_", "admin:")


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}"
        else:
            yield f"{namespace}<unnamed {entry.pattern}>"


def all_route_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_route_is_registered() -> None:
    registered = {r.name for r in object_routes()} | {r.name for r in list_routes()} | set(exempt_routes())
    missing = sorted(
        name for name in all_route_names() if name not in registered and not name.startswith(THIRD_PARTY_PREFIXES)
    )
    assert missing == [], f"Register these routes in tests/isolation/routes/<app>.py: {missing}"


def test_registry_names_are_real_routes() -> None:
    known = all_route_names()
    registered = {r.name for r in object_routes()} | {r.name for r in list_routes()} | set(exempt_routes())
    assert sorted(registered - known) == []


def test_exemptions_give_a_reason() -> None:
    assert all(reason.strip() for reason in exempt_routes().values())


def test_every_tenant_model_is_registered() -> None:
    concrete = {m for m in apps.get_models() if issubclass(m, TenantModel)}
    missing = sorted(m._meta.label for m in concrete - set(tenant_models()))
    assert missing == [], f"Register these models in TENANT_MODELS of tests/isolation/routes/<app>.py: {missing}"


@pytest.fixture
def outsiders(world: World) -> list[tuple[str, Client]]:
    """Instansi B's operator (dodi) and B's admin ZI (with MFA): the most an outsider can be."""
    admin_b: User = UserFactory(email="admin@beta.go.id", name="Bagas Admin")
    Membership.objects.create(user=admin_b, instansi=world.instansi_b, role=Role.ADMIN_ZI)
    enrol_totp(admin_b)
    clients = []
    for label, user in (("dodi", world.dodi), ("admin B", admin_b)):
        client = Client()
        client.force_login(user)
        clients.append((label, client))
    return clients


@pytest.mark.parametrize("route", object_routes(), ids=lambda r: r.name)
def test_outsider_gets_404_on_every_object_route(route, world: World, outsiders, reverse_route: Callable) -> None:
    kwargs = route.build(world)
    url = reverse_route(route.name, kwargs)
    for label, client in outsiders:
        for method in route.methods:
            response = getattr(client, method.lower())(url, data=route.data or None)
            assert response.status_code == 404, f"{label} {method} {url} → {response.status_code}"


@pytest.mark.parametrize("route", object_routes(), ids=lambda r: r.name)
def test_owner_reaches_every_object_route(route, world: World, reverse_route: Callable) -> None:
    """The other side of the outsider case: the same URL, built the same way, is found by its owner."""
    kwargs = route.build(world)
    url = reverse_route(route.name, kwargs)
    client = Client()
    client.force_login(owner_user(route, world))
    for method in route.methods:
        response = getattr(client, method.lower())(url, data=route.data or None)
        assert response.status_code not in {403, 404, 405, 500}, f"owner {method} {url} → {response.status_code}"


@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_owner_sees_the_marker_in_every_list(route, world: World, reverse_route: Callable) -> None:
    """Without this, a list case passes when the marker is never shown to anybody."""
    kwargs, marker = route.build(world)
    url = reverse_route(route.name, kwargs)
    client = Client()
    client.force_login(owner_user(route, world))
    response = client.get(url)
    assert response.status_code == 200, f"owner GET {url} → {response.status_code}"
    assert marker in response.content.decode(), f"the owner does not see {marker!r} at {url}"


@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_outsider_never_sees_rows_in_lists(route, world: World, outsiders, reverse_route: Callable) -> None:
    kwargs, marker = route.build(world)
    url = reverse_route(route.name, kwargs)
    for label, client in outsiders:
        response = client.get(url)
        assert response.status_code in {200, 403}, f"{label} GET {url} → {response.status_code}"
        assert marker not in response.content.decode(), f"{label} saw {marker!r} at {url}"


@pytest.mark.parametrize("model", sorted(tenant_models(), key=lambda m: m._meta.label), ids=lambda m: m._meta.label)
def test_tenant_rows_are_invisible_from_the_other_scope(model, world: World) -> None:
    row = tenant_models()[model](world)
    assert row.instansi_id == world.instansi_a.pk
    with scope(world.instansi_b.pk):
        assert not model.objects.filter(pk=row.pk).exists()
    with scope(world.instansi_a.pk):
        assert model.objects.filter(pk=row.pk).exists()


@pytest.fixture
def reverse_route() -> Callable:
    def make(name: str, kwargs: dict) -> str:
        return reverse(name, kwargs=kwargs or None)

    return make
