"""No lost updates anywhere users edit (docs/security.md V15.4).

A randomized race: per edited record, several threads — each with its own database connection and
the instansi's scope, so also under row-level security — read the record's version, wait a random
moment, and save a value of their own from the version they read; rounds repeat with new seeds.
Whatever the interleaving, the outcome must be serialisable by version:

* every accepted save was made from the version it saw, and it made exactly ``seen + 1``;
* no two accepted saves share a seen version (that would be a silent overwrite);
* every refused save got the conflict (``ConflictError``), never another error, and saw a version
  someone else had since moved past;
* the record ends at ``start + accepted`` holding the value of the last accepted save.

The views turning a conflict into the kept-input form are tested below (Indonesian message).
"""

from __future__ import annotations

import datetime
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from apps.core.errors import ConflictError
from apps.pencanangan import services as pencanangan_services
from apps.pencanangan.models import Pencanangan
from apps.pengusulan import services as pengusulan_services
from apps.pengusulan.models import InstansiEligibility, SuratPengusulan, UnitEligibility
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import jawaban_save
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Pegawai, Penetapan, UnitKerja
from apps.unit_kerja.services.cycles import penetapan_update
from apps.unit_kerja.services.roster import pegawai_update
from apps.unit_kerja.services.units import unit_kerja_update
from tests.factories import PegawaiFactory
from tests.penilaian.conftest import LKEWorld, lke  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
ATTEMPTS = 3
ROUNDS = 3


@dataclass
class Target:
    """One edited record: how to read (version, value) and how to save a value from a version."""

    name: str
    read: Callable[[], tuple[int, str]]
    write: Callable[[int, str], int]  # (version seen, value) → the version the save made
    stored: Callable[[str], str] = str  # how a written value reads back


@dataclass
class Outcome:
    seen: int
    value: str
    made: int | None = None
    error: BaseException | None = None
    after: list[int] = field(default_factory=list)


def _race(target: Target, instansi_id: int, seed: int) -> tuple[int, list[Outcome]]:
    with scope(instansi_id):
        start, _ = target.read()
    barrier = threading.Barrier(THREADS)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        try:
            with scope(instansi_id):
                barrier.wait(timeout=30)
                for attempt in range(ATTEMPTS):
                    time.sleep(rng.uniform(0, 0.004))
                    seen, _ = target.read()
                    time.sleep(rng.uniform(0, 0.006))  # the person types; others may save meanwhile
                    outcome = Outcome(seen=seen, value=f"{seed}-{number}-{attempt}")
                    try:
                        outcome.made = target.write(seen, outcome.value)
                    except ConflictError as exc:
                        outcome.error = exc
                    except Exception as exc:
                        outcome.error = exc
                    with lock:
                        outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return start, outcomes


def _assert_serialisable(target: Target, instansi_id: int, start: int, outcomes: list[Outcome], seed: int) -> None:
    where = f"{target.name}, seed {seed}"
    assert len(outcomes) == THREADS * ATTEMPTS, where
    others = [o.error for o in outcomes if o.error is not None and not isinstance(o.error, ConflictError)]
    assert others == [], f"{where}: refused with something else than the conflict: {others!r}"
    accepted = sorted((o for o in outcomes if o.error is None), key=lambda o: o.seen)
    refused = [o for o in outcomes if o.error is not None]
    assert accepted, where
    assert all(o.made == o.seen + 1 for o in accepted), where
    assert [o.seen for o in accepted] == list(range(start, start + len(accepted))), (
        f"{where}: two saves accepted from one version (a silent overwrite) or a gap"
    )
    with scope(instansi_id):
        final_version, final_value = target.read()
    assert final_version == start + len(accepted), where
    assert final_value == target.stored(accepted[-1].value), f"{where}: the last accepted save is not what is stored"
    assert all(o.seen < final_version for o in refused), f"{where}: refused although nobody saved meanwhile"
    assert all(str(o.error) for o in refused), where


@pytest.fixture
def targets(lke: LKEWorld) -> list[Target]:  # noqa: F811
    world = lke.world
    year = lke.cycle.tahun
    citra = Membership.objects.get(user=world.citra)
    ani = Membership.objects.get(user=world.ani)
    soal = lke.soal(1)
    penetapan = Penetapan.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a2,
        cycle=lke.cycle,
        is_core_service=True,
        core_service_reason="Awal",
    )

    def pencanangan_read() -> tuple[int, str]:
        row = Pencanangan.objects.filter(cycle=lke.cycle, unit=world.unit_a1).first()
        return (row.version, row.place) if row else (0, "")

    def pencanangan_write(version: int, value: str) -> int:
        data = {"date": datetime.date(year, 2, 3), "place": value, "form": "ceremony"}
        return pencanangan_services.pencanangan_save(
            actor=ani, unit=world.unit_a1, cycle=lke.cycle, data=data, version=version
        ).version

    def unit_facts_read() -> tuple[int, str]:
        row = UnitEligibility.objects.filter(cycle=lke.cycle, unit=world.unit_a1).first()
        return (row.version, str(row.tlhp_pct)) if row else (0, "")

    def pct_of(value: str) -> Decimal:
        seed, number, attempt = (int(x) for x in value.split("-"))
        return Decimal(f"{number * 10 + attempt}.{seed % 100:02d}")

    def unit_facts_write(version: int, value: str) -> int:
        row = pengusulan_services.unit_eligibility_set(
            actor=citra,
            cycle=lke.cycle,
            unit=world.unit_a1,
            is_core_service=True,
            has_public_impact=True,
            tlhp_pct=pct_of(value),
            lhkpn_pct=Decimal(100),
            lhkasn_pct=Decimal(100),
            zi_started_on=datetime.date(year - 1, 1, 1),
            sakip_internal="A",
            version=version,
        )
        return row.version

    def surat_read() -> tuple[int, str]:
        row = SuratPengusulan.objects.filter(cycle=lke.cycle).first()
        return (row.version, row.number) if row else (0, "")

    def surat_write(version: int, value: str) -> int:
        return pengusulan_services.surat_pengusulan_save(
            actor=citra, cycle=lke.cycle, number=value, date=datetime.date(year, 1, 5), version=version
        ).version

    def penetapan_read() -> tuple[int, str]:
        row = Penetapan.objects.get(pk=penetapan.pk)
        return row.version, row.core_service_reason

    def penetapan_write(version: int, value: str) -> int:
        return penetapan_update(
            actor=citra, penetapan=penetapan, version=version, data={"core_service_reason": f"Alasan {value}"}
        ).version

    pegawai = PegawaiFactory(unit=world.unit_a1, nip="199001012015011777", name="Awal")

    def pegawai_read() -> tuple[int, str]:
        row = Pegawai.objects.get(pk=pegawai.pk)
        return row.version, row.name

    def pegawai_write(version: int, value: str) -> int:
        data = {"name": f"Pegawai {value}", "version": version}
        return pegawai_update(actor=ani, pegawai=pegawai, data=data).version

    def unit_read() -> tuple[int, str]:
        row = UnitKerja.objects.get(pk=world.unit_a2.pk)
        return row.version, row.name

    def unit_write(version: int, value: str) -> int:
        data = {"name": f"Biro {value}", "version": version}
        return unit_kerja_update(actor=citra, unit=world.unit_a2, data=data).version

    def jawaban_read() -> tuple[int, str]:
        row = Jawaban.objects.filter(penilaian=lke.penilaian, soal=soal, tier=Tier.UNIT, level=0).first()
        return (row.version, row.note) if row else (0, "")

    def jawaban_write(version: int, value: str) -> int:
        return jawaban_save(
            actor=ani, penilaian=lke.penilaian, soal=soal, answer="ya", note=value, version=version
        ).version

    return [
        Target("pencanangan", pencanangan_read, pencanangan_write),
        Target("unit eligibility", unit_facts_read, unit_facts_write, lambda value: str(pct_of(value))),
        Target("surat pengusulan", surat_read, surat_write),
        Target("penetapan", penetapan_read, penetapan_write, lambda value: f"Alasan {value}"),
        Target("jawaban", jawaban_read, jawaban_write),
        Target("pegawai", pegawai_read, pegawai_write, lambda value: f"Pegawai {value}"),
        Target("unit kerja", unit_read, unit_write, lambda value: f"Biro {value}"),
    ]


def test_random_concurrent_edits_never_overwrite_silently(lke: LKEWorld, targets: list[Target]) -> None:  # noqa: F811
    instansi_id = lke.world.instansi_a.pk
    master = random.Random()
    for target in targets:
        for _ in range(ROUNDS):
            seed = master.randrange(1, 10_000)
            start, outcomes = _race(target, instansi_id, seed)
            _assert_serialisable(target, instansi_id, start, outcomes, seed)


# -----------------------------------------------------------------------------
# The conflict as a person sees it: their input kept, the message, nothing saved
# -----------------------------------------------------------------------------

CONFLICT_ID = "Pengguna lain telah menyimpan data ini sementara itu"


@pytest.mark.django_db
def test_a_stale_facts_form_keeps_the_input_and_saves_nothing(lke: LKEWorld, login: Any) -> None:  # noqa: F811
    client = login(lke.world.citra)
    url = f"{reverse('pengusulan:eligibility')}?tahun={lke.cycle.tahun}"
    assert 'name="version" value="0"' in client.get(url).content.decode()
    mine = {"opini_bpk": "WTP", "predikat_sakip": "A", "indeks_rb": "A", "maturitas_spip": "3", "version": "0"}
    assert client.post(url, mine).status_code == 302
    # A colleague had the empty form open too (version 0) and now saves other facts.
    theirs = {**mine, "maturitas_spip": "5"}
    response = client.post(url, theirs)
    page = response.content.decode()
    assert response.status_code == 400
    assert CONFLICT_ID in page
    assert 'value="5"' in page  # what they typed is still in the form
    assert 'name="version" value="1"' in page  # now carrying the saved version
    with scope(lke.world.instansi_a.pk):
        facts = InstansiEligibility.objects.get(cycle=lke.cycle)
    assert (facts.maturitas_spip, facts.version) == (3, 1)
    # Submitting again, knowingly, from the version now shown: saved.
    assert client.post(url, {**theirs, "version": "1"}).status_code == 302
    facts.refresh_from_db()
    assert (facts.maturitas_spip, facts.version) == (5, 2)


@pytest.mark.django_db
def test_a_stale_pencanangan_form_keeps_the_input_and_saves_nothing(lke: LKEWorld, login: Any) -> None:  # noqa: F811
    client = login(lke.world.ani)
    url = f"{reverse('pencanangan:pencanangan-edit', args=[lke.world.unit_a1.public_id])}?tahun={lke.cycle.tahun}"
    first = {"date": f"{lke.cycle.tahun}-02-03", "place": "Aula Utama", "form": "ceremony", "version": "0"}
    assert client.post(url, first).status_code == 302
    stale = {**first, "place": "Ruang Rapat Lantai 2"}
    response = client.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 400
    assert CONFLICT_ID in page
    assert "Ruang Rapat Lantai 2" in page
    with scope(lke.world.instansi_a.pk):
        row = Pencanangan.objects.get(cycle=lke.cycle, unit=lke.world.unit_a1)
    assert (row.place, row.version) == ("Aula Utama", 1)
