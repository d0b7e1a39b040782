"""The signed-in principal (user, memberships, TOTP state) and the session come from the cache
(issue 22: being logged in cost four times Django and the view together) — and every change to
what they hold reaches the very next request (apps/accounts/principal.py, apps/accounts/sessions.py).

Each invalidation test first makes a request (the principal is cached from then on), changes the
rows the way the product does, and checks what the next request sees.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts import principal
from apps.accounts.principal import principal_user
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.services.units import unit_kerja_update
from tests.conftest import World

HEALTH = "/sehat/"


def seen(client: Client):
    response = client.get(HEALTH)
    assert response.status_code == 200
    return response.wsgi_request


def test_a_signed_in_request_reads_no_session_user_or_membership_row(world: World, login: Callable) -> None:
    client = login(world.ani)
    first = seen(client)
    assert first.membership.unit_id == world.unit_a1.pk
    with CaptureQueriesContext(connection) as queries:
        again = seen(client)
    # Only the health view's own SELECT 1: session, user and memberships came from the cache.
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]
    assert again.user == world.ani
    assert again.membership.unit_id == world.unit_a1.pk


def test_without_the_cache_the_same_request_reads_them(world: World, login: Callable) -> None:
    client = login(world.ani)
    seen(client)
    cache.delete_many([principal._key(world.ani.pk)])
    with CaptureQueriesContext(connection) as queries:
        seen(client)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "accounts_user" in tables
    assert "tenancy_membership" in tables


def test_a_role_change_reaches_the_next_request(world: World, login: Callable) -> None:
    client = login(world.ani)
    assert seen(client).membership.role == Role.TIM_KERJA
    membership = Membership.objects.get(user=world.ani)
    membership.role = Role.VIEWER
    membership.save()
    assert seen(client).membership.role == Role.VIEWER


def test_a_deactivated_membership_is_gone_at_the_next_request(world: World, login: Callable) -> None:
    client = login(world.ani)
    assert seen(client).membership is not None
    Membership.objects.filter(user=world.ani).get().delete()
    request = seen(client)
    assert request.membership is None
    assert request.memberships == []


def test_a_deactivated_user_is_signed_out_at_the_next_request(world: World, login: Callable) -> None:
    client = login(world.ani)
    assert seen(client).user.is_authenticated
    world.ani.is_active = False
    world.ani.save(update_fields=["is_active"])
    assert not seen(client).user.is_authenticated


def test_a_changed_password_ends_other_sessions_at_once(world: World, login: Callable) -> None:
    client = login(world.ani)
    assert seen(client).user.is_authenticated
    world.ani.set_password("kata-sandi-BARU-2026")
    world.ani.save()
    assert not seen(client).user.is_authenticated


def test_a_unit_moved_with_its_subtree_narrows_by_its_new_path(world: World, login: Callable) -> None:
    """A subtree move rewrites paths with one UPDATE (no signal): the service forgets the members."""
    client = login(world.ani)
    assert seen(client).membership.unit.path == world.unit_a1.path
    citra = Membership.objects.get(user=world.citra)
    with scope(world.instansi_a.pk):
        unit_kerja_update(
            actor=citra, unit=world.unit_a1, data={"parent": world.unit_a2, "version": world.unit_a1.version}
        )
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.path.startswith(world.unit_a2.path)
    assert seen(client).membership.unit.path == world.unit_a1.path


def test_a_renamed_unit_and_instansi_show_at_the_next_request(world: World, login: Callable) -> None:
    client = login(world.ani)
    seen(client)
    world.unit_a1.name = "Direktorat Baru"
    world.unit_a1.save()
    world.instansi_a.name = "Kementerian Alfa Baru"
    world.instansi_a.save()
    request = seen(client)
    assert request.membership.unit.name == "Direktorat Baru"
    assert request.membership.instansi.name == "Kementerian Alfa Baru"


def test_a_removed_authenticator_binds_the_mfa_rule_again(world: World, login: Callable) -> None:
    client = login(world.budi)  # TPI: MFA is mandatory, budi enrolled
    dashboard = reverse("core:dashboard")
    assert client.get(dashboard).status_code == 200
    Authenticator.objects.filter(user=world.budi).delete()
    assert client.get(dashboard)["Location"] == reverse("accounts:mfa-required")


def test_a_new_membership_shows_in_the_switcher_at_once(world: World, login: Callable) -> None:
    client = login(world.evi)
    assert len(seen(client).memberships) == 1
    Membership.objects.create(user=world.evi, instansi=world.instansi_b, role=Role.VIEWER)
    assert len(seen(client).memberships) == 2


def test_an_entry_written_by_another_database_is_never_read(world: World) -> None:
    assert settings.DATABASES["default"]["NAME"] in principal._key(world.ani.pk)
    user = principal_user(world.ani.pk)
    assert user == world.ani
    assert [m.role for m in user.zi_memberships] == [Role.TIM_KERJA]
    assert principal_user(10**9) is None


def test_a_cached_session_lives_at_most_the_session_cache_seconds(world: World, login: Callable) -> None:
    client = login(world.ani)
    seen(client)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    raw = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    ttl = raw.ttl(cache.make_key(f"django.contrib.sessions.cached_db{session_key}"))
    assert 0 < ttl <= settings.ZI_SESSION_CACHE_SECONDS
    principal_ttl = raw.ttl(cache.make_key(principal._key(world.ani.pk)))
    assert 0 < principal_ttl <= settings.ZI_PRINCIPAL_CACHE_SECONDS


def test_logout_ends_the_cached_session(world: World, login: Callable) -> None:
    client = login(world.ani)
    seen(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not seen(replay).user.is_authenticated


def test_the_actors_user_is_the_signed_in_user_without_a_query(world: World, login: Callable) -> None:
    client = login(world.ani)
    seen(client)
    request = seen(client)
    with CaptureQueriesContext(connection) as queries:
        assert request.membership.user is request.user._wrapped  # services' actor.user: audit rows, updated_by
    assert queries.captured_queries == []
