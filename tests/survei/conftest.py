"""A survey of unit A1 open today with one service (its public link), made through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.survei import services
from apps.survei.instrument import ALL_CODES
from apps.survei.models import Layanan, Survei
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.conftest import World


@dataclass
class SurveiWorld:
    world: World
    survei: Survei
    layanan: Layanan

    @property
    def url(self) -> str:
        return reverse("survei_public:answer", kwargs={"token": self.layanan.token})


def answers(value: int = 5, **overrides: int) -> dict[str, str]:
    data = {code: str(value) for code in ALL_CODES}
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def make_survei(world: World, *, unit=None, label: str = "Semester I", tahun: int | None = None) -> Survei:
    today = timezone.localdate()
    actor = Membership.objects.select_related("unit").get(user=world.citra)
    with scope(world.instansi_a.pk):
        return services.survei_create(
            actor=actor,
            unit=unit or world.unit_a1,
            tahun=tahun or today.year,
            label=label,
            opens_on=today - datetime.timedelta(days=10),
            closes_on=today + datetime.timedelta(days=10),
        )


def make_layanan(world: World, *, name: str = "Penerbitan izin usaha", unit=None) -> Layanan:
    actor = Membership.objects.select_related("unit").get(user=world.citra)
    with scope(world.instansi_a.pk):
        return services.layanan_create(actor=actor, unit=unit or world.unit_a1, name=name)


@pytest.fixture
def sv(world: World) -> SurveiWorld:
    return SurveiWorld(world, make_survei(world), make_layanan(world))


def open_form(client: Client, url: str) -> str:
    """GET the public page (sets the device cookie) and return the form token."""
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["form_token"]


def post_answer(client: Client, url: str, data: dict[str, str] | None = None, **extra: str):
    token = open_form(client, url)
    return client.post(url, {**(data or answers()), "form_token": token, **extra})
