"""The top bar's unread count comes from the cache (issue 22) — and every change to a person's
in-app notices reaches the very next page (apps/notifications/unread.py).

Each invalidation test first shows a page (the count is cached from then on), changes the rows the
way the product does, and checks what the next page shows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Channel, Notification
from apps.notifications.services import notification_mark_read
from tests.conftest import World
from tests.notifications.test_views import in_app_notice

PAGE = reverse("notifications:preferences")


def badge(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.context["unread_count"]  # lazy: compared through its value


def test_the_count_is_read_once_then_from_the_cache(world: World, login: Callable, in_scope) -> None:
    in_app_notice(world, in_scope)
    client = login(world.ani)
    assert badge(client) == 1
    with CaptureQueriesContext(connection) as queries:
        assert badge(client) == 1
    assert not [q for q in queries.captured_queries if '"notifications_notification"' in q["sql"]]


def test_a_write_that_skips_the_product_leaves_the_cached_count(world: World, login: Callable, in_scope) -> None:
    # The other side of the invalidation tests below: the count really is cached, so they prove something.
    in_app_notice(world, in_scope)
    client = login(world.ani)
    assert badge(client) == 1
    Notification.unscoped.filter(recipient=world.ani).update(read_at=timezone.now())  # no signal, no forget
    assert badge(client) == 1


def test_a_new_notice_shows_on_the_next_page(world: World, login: Callable, in_scope) -> None:
    client = login(world.ani)
    assert badge(client) == 0
    in_app_notice(world, in_scope, key="satu")
    assert badge(client) == 1
    in_app_notice(world, in_scope, key="dua")
    assert badge(client) == 2


def test_reading_one_lowers_the_count_at_once(world: World, login: Callable, in_scope) -> None:
    notice = in_app_notice(world, in_scope)
    client = login(world.ani)
    assert badge(client) == 1
    with in_scope(world.instansi_a):
        notification_mark_read(notification=notice)
    assert badge(client) == 0


def test_a_deleted_notice_leaves_the_count(world: World, login: Callable, in_scope) -> None:
    notice = in_app_notice(world, in_scope)
    client = login(world.ani)
    assert badge(client) == 1
    with in_scope(world.instansi_a):
        Notification.objects.filter(pk=notice.pk).delete()
    assert badge(client) == 0


def test_one_persons_count_is_not_anothers(world: World, login: Callable, in_scope) -> None:
    in_app_notice(world, in_scope)
    assert badge(login(world.ani)) == 1
    # Another member of the same instansi, and a person of another instansi, see their own (none).
    assert badge(login(world.citra)) == 0
    assert badge(login(world.dodi)) == 0
    assert Notification.unscoped.filter(channel=Channel.IN_APP, recipient=world.ani).count() == 1
