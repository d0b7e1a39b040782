"""Demo data of the survei: for every unit with an LKE in the demo year, two services with their
links, a survey period covering the year, and some anonymous answers spread over the past months
(so the results page, the charts over time and the LKE suggestion have something to show)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from apps.penilaian.models import Penilaian
from apps.survei import services
from apps.survei.instrument import ALL_CODES, JenisKelamin, Pekerjaan, Pendidikan, Usia
from apps.survei.models import Respons
from apps.tenancy.models import Membership

SERVICES = ("Layanan perizinan", "Layanan informasi dan pengaduan")


def seed_survei(*, admin: Membership, cycle: Any, respondents: int = 36) -> None:
    today = timezone.localdate()
    rng = random.Random(f"zi-demo-survei-{admin.instansi_id}")  # noqa: S311  (demo data, not security)
    for penilaian in Penilaian.objects.filter(cycle=cycle).select_related("unit").order_by("unit__path"):
        unit = penilaian.unit
        layanan = [services.layanan_create(actor=admin, unit=unit, name=name) for name in SERVICES]
        survei = services.survei_create(
            actor=admin,
            unit=unit,
            tahun=cycle.tahun,
            label="Tahunan",
            opens_on=datetime.date(cycle.tahun, 1, 1),
            closes_on=datetime.date(cycle.tahun, 12, 31),
        )
        for number in range(respondents):
            answers = {code: min(6, max(1, round(rng.gauss(5.3, 0.7)))) for code in ALL_CODES}
            profile = {
                "usia": rng.choice(Usia.values),
                "jenis_kelamin": rng.choice(JenisKelamin.values),
                "pendidikan": rng.choice(Pendidikan.values),
                "pekerjaan": rng.choice(Pekerjaan.values),
            }
            respons = services.respons_submit(
                survei=survei,
                layanan=layanan[number % 2],
                device_id=f"demo-{unit.code}-{number}",
                answers=answers,
                profile=profile,
            )
            # Spread the answers over the months of the year so far (demo only).
            months_back = number % max(1, min(today.month, 6))
            when = timezone.now() - datetime.timedelta(days=30 * months_back + number % 20)
            Respons.objects.filter(pk=respons.pk).update(submitted_at=when)
