"""One signature per pegawai per year, even when two submits arrive at the same moment (two
browser tabs, a double tap on a slow phone): each thread has its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.pencanangan import services
from apps.pencanangan.models import PaktaIntegritas
from apps.pencanangan.services import LinkRefused
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.conftest import PASSWORD
from tests.pencanangan.conftest import PaktaWorld

pytestmark = pytest.mark.django_db(transaction=True)


def _race(instansi_id: int, call: Callable[[], Any], threads: int = 4) -> list[str]:
    """Run ``call`` in ``threads`` threads released together; return each outcome's name."""
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with scope(instansi_id):
                barrier.wait()
                call()
            outcome = "signed"
        except ValidationError as exc:
            outcome = getattr(exc, "code", None) or "invalid"
        except LinkRefused as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_password_submits_make_one_signature(pakta: PaktaWorld, attempt: int) -> None:
    outcomes = _race(
        pakta.world.instansi_a.pk,
        lambda: services.pakta_sign_with_password(
            actor=Membership.objects.get(pk=pakta.sari_membership.pk),
            cycle=pakta.cycle,
            password=PASSWORD,
            confirm=True,
        ),
    )
    assert outcomes == ["already_signed", "already_signed", "already_signed", "signed"]
    assert PaktaIntegritas.unscoped.filter(pegawai=pakta.sari_pegawai, revoked_at__isnull=True).count() == 1


def test_concurrent_submits_of_one_link_make_one_signature(pakta: PaktaWorld) -> None:
    target = pakta.pegawai[2]
    with scope(pakta.world.instansi_a.pk):
        new = services.signing_link_create(
            actor=Membership.objects.get(user=pakta.world.ani), pegawai=target, cycle=pakta.cycle
        )
    outcomes = _race(
        pakta.world.instansi_a.pk, lambda: services.pakta_sign_with_link(token=new.token, nip=target.nip, confirm=True)
    )
    assert outcomes == ["link_used", "link_used", "link_used", "signed"]
    assert PaktaIntegritas.unscoped.filter(pegawai=target).count() == 1
