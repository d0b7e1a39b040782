"""seed_demo: the demo world for `make run` — complete, and idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.demo import data
from apps.demo.management.commands.seed_demo import demo_site_url
from apps.diagnosis.models import Diagnosis, IsuStrategis, LayananUtama, Risiko
from apps.diagnosis.selectors import high_risks_unanswered
from apps.lke.models import LKETemplate
from apps.notifications.models import Notification
from apps.pemantauan.models import PeringatanDini
from apps.pencanangan.models import PaktaIntegritas, Pencanangan
from apps.pendampingan.models import Asistensi, Konsultasi, TindakLanjut
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PredikatUnit, SuratPengusulan
from apps.pengusulan.snapshot import snapshot_hash
from apps.penilaian.models import Jawaban, Penilaian, PenilaianStatus
from apps.penilaian.services.review import unanswered_soal
from apps.survei.qr import public_url
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan, TimKerja
from apps.unit_kerja.models import Pegawai, Penetapan, PenetapanStatus, UnitKerja
from apps.unit_kerja.validators import same_person_name


def _counts() -> tuple[int, ...]:
    return (
        Instansi.objects.count(),
        UnitKerja.unscoped.count(),
        Pegawai.unscoped.count(),
        Penetapan.unscoped.count(),
        Membership.objects.count(),
        User.objects.count(),
        LKETemplate.objects.count(),
    )


@pytest.fixture
def demo(db: None, settings) -> None:
    settings.ZI_DEMO = True
    call_command("seed_demo", verbosity=0)


def test_demo_world_has_two_instansi_units_pegawai_and_every_role(demo: None) -> None:
    assert set(Instansi.objects.values_list("kind", flat=True)) == {"kementerian", "kota"}
    assert UnitKerja.unscoped.count() >= 5
    # 50 generated pegawai and the pegawai login's own roster entry.
    assert Pegawai.unscoped.count() == 50 + sum(1 for login in data.LOGINS if login[3] == "pegawai")
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    designated = Penetapan.unscoped.filter(status=PenetapanStatus.DESIGNATED)
    assert designated.count() == 4
    assert all(p.sk_file_id for p in designated)
    # The year's LKE is open for every designated unit; DIT-IZIN's is fully answered and reviewed
    # (the unit and two TPI tiers: 127 soal each) and proposed.
    assert Penilaian.unscoped.count() == 4
    assert Jawaban.unscoped.filter(penilaian__unit__code="RSUD", tier="unit").count() == 127
    assert Jawaban.unscoped.filter(penilaian__unit__code="DIT-IZIN", tier="unit").count() == 127
    assert Jawaban.unscoped.filter(penilaian__unit__code="DIT-IZIN").count() == 3 * 127


def test_demo_has_units_proposed_for_wbk_and_wbbm_with_frozen_snapshots(demo: None) -> None:
    proposed = {p.unit.code: p for p in Pengusulan.unscoped.filter(status="proposed").select_related("unit")}
    assert {code: p.kategori for code, p in proposed.items()} == {"DIT-IZIN": "WBK", "RSUD": "WBBM-AFIRMASI"}
    for pengusulan in proposed.values():
        snapshot = PengusulanSnapshot.unscoped.get(pengusulan=pengusulan, is_current=True)
        assert snapshot.sha256 == snapshot_hash(snapshot.data)
        assert "tpi2" in snapshot.data["tiers"]
        assert SuratPengusulan.unscoped.get(instansi=pengusulan.instansi).sptjm_file_id is not None
    # A WBK held for two years makes a WBBM proposal possible for these units.
    assert set(PredikatUnit.unscoped.values_list("unit__code", flat=True)) == {"KP-JKT", "RSUD"}


def test_running_twice_changes_nothing(demo: None, capsys) -> None:
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before
    assert "already there" in capsys.readouterr().out


def test_printed_logins_work(demo: None) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "operator.izin@kemen-contoh.go.id", "password": data.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Direktorat Perizinan" in page


def test_refuses_outside_demo_mode(db: None, settings) -> None:
    settings.ZI_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo")


def test_demo_units_have_a_pencanangan_and_most_pegawai_signed(demo: None) -> None:
    assert Pencanangan.unscoped.count() == UnitKerja.unscoped.count()
    signed = PaktaIntegritas.unscoped.filter(revoked_at__isnull=True).count()
    roster = Pegawai.unscoped.filter(is_active=True).count()
    assert 0.6 * roster < signed < roster  # some pegawai still to sign, so the reminders have work


def test_demo_first_unit_has_its_diagnosis_team_and_tpi_pendampingan(demo: None) -> None:
    for code in ("kemen-contoh", "kota-contoh"):
        diagnosis = Diagnosis.unscoped.select_related("unit", "cycle").get(instansi__code=code)
        assert Risiko.unscoped.filter(diagnosis=diagnosis).count() == 3
        assert IsuStrategis.unscoped.filter(diagnosis=diagnosis).count() == 2
        assert LayananUtama.unscoped.filter(diagnosis=diagnosis).count() == 2
        tim = TimKerja.unscoped.get(instansi__code=code, unit=diagnosis.unit)
        assert tim.is_formed
        assert tim.sk_number
        assert AnggotaTim.unscoped.filter(tim=tim, peran="koordinator").count() == 4
        assert AgenPerubahan.unscoped.filter(tim=tim).count() == 1
        assert Perubahan.unscoped.filter(agen__tim=tim).count() == 2
        thread = Konsultasi.unscoped.get(instansi__code=code, unit=diagnosis.unit)
        assert thread.status == "open"
        assert thread.soal.portalrb_soal_id == 1
        asistensi = Asistensi.unscoped.get(instansi__code=code, unit=diagnosis.unit)
        assert TindakLanjut.unscoped.filter(asistensi=asistensi, status="open").count() == 1
    # The pegawai login of DIT-IZIN sits in the pokja of area 1; the plan page has a high risk to answer.
    assert AnggotaTim.unscoped.filter(pegawai__user__email="pegawai.izin@kemen-contoh.go.id", area=1).exists()
    dit = Diagnosis.unscoped.select_related("unit", "cycle").get(instansi__code="kemen-contoh")
    with scope(dit.instansi_id):
        assert [r.title for r in high_risks_unanswered(unit=dit.unit, cycle=dit.cycle)] == [
            "Pungutan liar di loket perizinan"
        ]


def test_demo_accounts_sign_only_in_their_own_name(demo: None) -> None:
    """Issue 17: the demo linked Dewi's login to Dedi Lestari's roster entry. Every linked account is
    the person of its entry, every demo signature names its own pegawai, and Dewi signs as Dewi."""
    linked = list(Pegawai.unscoped.filter(user__isnull=False).select_related("user"))
    assert {p.user.email for p in linked} == {login[0] for login in data.LOGINS if login[3] == "pegawai"}
    for pegawai in linked:
        assert same_person_name(pegawai.user.name, pegawai.name), (pegawai.user.name, pegawai.name)
    signatures = list(PaktaIntegritas.unscoped.select_related("pegawai", "signed_by"))
    assert signatures
    for pakta in signatures:
        assert (pakta.name, pakta.nip) == (pakta.pegawai.name, pakta.pegawai.nip)
        assert pakta.signed_by is None or pakta.signed_by == pakta.pegawai.user or pakta.method == "scan"

    client = Client()
    client.force_login(User.objects.get(email="pegawai.izin@kemen-contoh.go.id"))
    page = client.get("/pencanangan/pakta-saya/")
    assert b"Dewi Anggraini" in page.content
    response = client.post("/pencanangan/pakta-saya/", {"confirm": "on", "password": data.DEMO_PASSWORD})
    assert response.status_code == 302
    signed = PaktaIntegritas.unscoped.get(pegawai__user__email="pegawai.izin@kemen-contoh.go.id")
    assert signed.name == "Dewi Anggraini"
    assert signed.nip == signed.pegawai.nip
    assert "Dewi Anggraini" in signed.text


def test_every_demo_login_opens_a_journey_that_can_be_walked_now(demo: None) -> None:
    """Issue 17: the README names where each login starts. The unit operator of the second instansi
    has an LKE open to fill; the Kementerian's TPI has an incomplete LKE in review (blanks it can
    return at once); the admin ZI sees an early warning on a predicated unit; TPN has proposals."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for email, *_rest in data.LOGINS:
        assert f"`{email}`" in readme, email

    def page(email: str, url: str) -> str:
        client = Client()
        client.force_login(User.objects.get(email=email))
        response = client.get(url)
        assert response.status_code == 200, (email, url, response.status_code)
        return response.content.decode()

    kota = Instansi.objects.get(code="kota-contoh")
    kemen = Instansi.objects.get(code="kemen-contoh")
    with scope(kota.pk):
        open_lke = Penilaian.objects.get(unit__code="DPMPTSP")
        assert open_lke.status == PenilaianStatus.DRAFT
    assert "/penilaian/" in page("operator.dpmptsp@kota-contoh.go.id", f"/penilaian/{open_lke.public_id}/")
    with scope(kemen.pk):
        in_review = Penilaian.objects.get(unit__code="KP-JKT")
        assert in_review.status == PenilaianStatus.IN_REVIEW
        blanks = len(unanswered_soal(penilaian=in_review))
        assert blanks == 127 - data.REVIEW_WORK[2]
    summary = page("tpi@kemen-contoh.go.id", f"/penilaian/{in_review.public_id}/telaah/")
    assert f'data-return-unanswered="{blanks}"' in summary
    monitoring = page("admin@kemen-contoh.go.id", "/pemantauan/")
    assert 'data-warning="pengaduan"' in monitoring
    assert PeringatanDini.unscoped.filter(unit__code="KP-JKT", jenis="pengaduan").exists()
    assert "Dewi Anggraini" in page("pegawai.izin@kemen-contoh.go.id", "/dasbor/")


def test_seeding_prints_the_logins_and_not_the_mails(db: None, settings, capsys) -> None:
    """Issue 21: ~1,200 lines of console mail came before the logins."""
    settings.ZI_DEMO = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert len(out.splitlines()) < 30
    assert "Subject:" not in out
    assert "admin@kemen-contoh.go.id" in out

    assert Notification.unscoped.filter(channel="email").count() > 5  # the mails exist all the same


def test_links_follow_the_address_the_demo_is_served_on(db: None, settings, monkeypatch) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ZI_SITE_URL_FROM_REQUEST = True
    monkeypatch.setenv("ZI_DEMO_ADDR", "0.0.0.0:8091")
    assert demo_site_url() == "http://127.0.0.1:8091"
    Client(HTTP_HOST="localhost:8123").get(reverse("core:home"))
    assert settings.SITE_URL == "http://localhost:8123"

    class Layanan:
        token = "abc123"

    assert public_url(Layanan()).startswith("http://localhost:8123/s/")  # type: ignore[arg-type]
    # Outside the demo the configured SITE_URL stands, whatever the request's host.
    settings.SITE_URL = "https://zi.example.go.id"
    settings.ZI_SITE_URL_FROM_REQUEST = False
    Client(HTTP_HOST="localhost:8123").get(reverse("core:home"))
    assert settings.SITE_URL == "https://zi.example.go.id"
    assert demo_site_url() == "https://zi.example.go.id"
