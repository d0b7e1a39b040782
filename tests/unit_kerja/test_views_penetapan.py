"""Years (cycle) and penetapan pages: list per year, propose, edit with conflict, designate with SK."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.bukti_dukung.models import BuktiDukung
from apps.unit_kerja.models import Cycle, Penetapan, PenetapanStatus
from apps.unit_kerja.services.cycles import (
    CYCLE_DATE_FIELDS,
    CYCLE_DATE_OUTSIDE_YEAR,
    CYCLE_PROPOSAL_NOT_AFTER_FILL,
    PENETAPAN_CONFLICT,
    PENETAPAN_DESIGNATED_LOCKED,
    PENETAPAN_NO_CRITERION,
    PENETAPAN_SK_DATE_YEAR,
)
from tests.conftest import World
from tests.factories import CycleFactory, PenetapanFactory
from tests.unit_kerja.conftest import PDF, pdf_file

Login = Callable[[User], Client]


def _url(name: str, obj) -> str:
    return reverse(f"unit_kerja:{name}", kwargs={"public_id": obj.public_id})


@pytest.fixture
def cycle(world: World) -> Cycle:
    return CycleFactory(instansi=world.instansi_a, tahun=2026)


# -- cycle -----------------------------------------------------------------------------------------


def test_cycle_list_for_every_member(world: World, login: Login, cycle: Cycle) -> None:
    page = login(world.evi).get(reverse("unit_kerja:cycle-list")).content.decode()
    assert "2026" in page
    assert _url("cycle-update", cycle) not in page
    assert login(world.citra).post(reverse("unit_kerja:cycle-list")).status_code == 405


def test_open_year_with_defaults(world: World, login: Login) -> None:
    client = login(world.citra)
    form = client.get(reverse("unit_kerja:cycle-create")).content.decode()
    assert 'type="date"' in form
    response = client.post(reverse("unit_kerja:cycle-create"), {"tahun": "2027"})
    cycle = Cycle.unscoped.get(instansi=world.instansi_a, tahun=2027)
    assert response.status_code == 302
    assert cycle.proposal_end == datetime.date(2027, 5, 31)


def test_open_year_with_date_outside_the_year(world: World, login: Login) -> None:
    response = login(world.citra).post(
        reverse("unit_kerja:cycle-create"), {"tahun": "2027", "fill_start": "2026-12-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_fill_start_error"' in page
    assert str(CYCLE_DATE_OUTSIDE_YEAR) % {"tahun": 2027} in page
    assert not Cycle.unscoped.filter(tahun=2027).exists()


def test_open_year_garbage_input_is_a_form_error(world: World, login: Login) -> None:
    response = login(world.citra).post(reverse("unit_kerja:cycle-create"), {"tahun": "dua ribu", "fill_end": "31/02"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_tahun_error"' in page
    assert 'id="id_fill_end_error"' in page


def test_cycle_create_permissions_and_method(world: World, login: Login) -> None:
    assert login(world.evi).get(reverse("unit_kerja:cycle-create")).status_code == 403
    assert login(world.ani).post(reverse("unit_kerja:cycle-create"), {"tahun": "2027"}).status_code == 403
    assert login(world.citra).delete(reverse("unit_kerja:cycle-create")).status_code == 405
    assert not Cycle.unscoped.exists()


def test_cycle_update(world: World, login: Login, cycle: Cycle) -> None:
    data = {name: getattr(cycle, name).isoformat() for name in CYCLE_DATE_FIELDS}
    data["version"] = str(cycle.version)
    data["proposal_end"] = "2026-06-30"
    response = login(world.citra).post(_url("cycle-update", cycle), data)
    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.proposal_end == datetime.date(2026, 6, 30)
    assert cycle.is_open is False  # the box was not ticked


def test_cycle_update_bad_window_and_access(world: World, login: Login, cycle: Cycle) -> None:
    data = {name: getattr(cycle, name).isoformat() for name in CYCLE_DATE_FIELDS}
    data["version"] = str(cycle.version)
    data.update(proposal_end="2026-02-01", is_open="on")
    response = login(world.citra).post(_url("cycle-update", cycle), data)
    assert str(CYCLE_PROPOSAL_NOT_AFTER_FILL) in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.proposal_end == datetime.date(2026, 5, 31)
    assert login(world.dodi).post(_url("cycle-update", cycle), data).status_code == 404
    assert login(world.evi).get(_url("cycle-update", cycle)).status_code == 403
    assert login(world.citra).delete(_url("cycle-update", cycle)).status_code == 405


# -- penetapan list --------------------------------------------------------------------------------


def test_penetapan_list_marks_designated_and_filters(world: World, login: Login, cycle: Cycle) -> None:
    designated = PenetapanFactory(unit=world.unit_a1, cycle=cycle, status=PenetapanStatus.DESIGNATED, sk_number="SK-1")
    PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    older = CycleFactory(instansi=world.instansi_a, tahun=2025)
    client = login(world.budi)
    page = client.get(reverse("unit_kerja:penetapan-list"), {"tahun": "2026"}).content.decode()
    assert 'class="zi-designated"' in page
    assert world.unit_a1.name in page
    assert world.unit_a2.name in page
    only = client.get(reverse("unit_kerja:penetapan-list"), {"tahun": "2026", "status": "designated"}).content.decode()
    assert world.unit_a1.name in only
    assert world.unit_a2.name not in only
    assert _url("penetapan-detail", designated) in only
    empty = client.get(reverse("unit_kerja:penetapan-list"), {"tahun": str(older.tahun)}).content.decode()
    assert world.unit_a2.name not in empty


def test_penetapan_list_narrowed_and_methods(world: World, login: Login, cycle: Cycle) -> None:
    PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    page = login(world.ani).get(reverse("unit_kerja:penetapan-list")).content.decode()
    assert world.unit_a2.name not in page
    assert login(world.citra).post(reverse("unit_kerja:penetapan-list")).status_code == 405


def test_penetapan_list_without_any_year(world: World, login: Login) -> None:
    response = login(world.citra).get(reverse("unit_kerja:penetapan-list"), {"tahun": "abc"})
    assert response.status_code == 200
    assert reverse("unit_kerja:cycle-create") in response.content.decode()


# -- create ----------------------------------------------------------------------------------------


def test_propose_unit(world: World, login: Login, cycle: Cycle) -> None:
    response = login(world.citra).post(
        reverse("unit_kerja:penetapan-create"),
        {
            "unit": str(world.unit_a1.public_id),
            "cycle": str(cycle.public_id),
            "is_core_service": "on",
            "core_service_reason": "Layanan inti.",
        },
    )
    penetapan = Penetapan.unscoped.get(unit=world.unit_a1)
    assert response.status_code == 302
    assert response["Location"] == _url("penetapan-detail", penetapan)


def test_propose_prefills_unit_and_year(world: World, login: Login, cycle: Cycle) -> None:
    url = reverse("unit_kerja:penetapan-create") + f"?unit={world.unit_a1.public_id}&tahun=2026"
    page = login(world.citra).get(url).content.decode()
    assert f'value="{world.unit_a1.public_id}" selected' in page
    assert f'value="{cycle.public_id}" selected' in page


def test_propose_without_criterion_or_reason(world: World, login: Login, cycle: Cycle) -> None:
    client = login(world.citra)
    base = {"unit": str(world.unit_a1.public_id), "cycle": str(cycle.public_id)}
    none = client.post(reverse("unit_kerja:penetapan-create"), base).content.decode()
    assert str(PENETAPAN_NO_CRITERION) in none
    no_reason = client.post(reverse("unit_kerja:penetapan-create"), {**base, "is_high_risk": "on"}).content.decode()
    assert 'id="id_high_risk_reason_error"' in no_reason
    assert not Penetapan.unscoped.exists()


def test_propose_permissions_and_method(world: World, login: Login, cycle: Cycle) -> None:
    assert login(world.evi).get(reverse("unit_kerja:penetapan-create")).status_code == 403
    assert login(world.ani).get(reverse("unit_kerja:penetapan-create")).status_code == 403
    assert login(world.citra).delete(reverse("unit_kerja:penetapan-create")).status_code == 405


# -- detail / update -------------------------------------------------------------------------------


def test_detail_and_access(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    other = PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    page = login(world.evi).get(_url("penetapan-detail", penetapan)).content.decode()
    assert penetapan.core_service_reason in page
    assert _url("penetapan-update", penetapan) not in page
    assert login(world.dodi).get(_url("penetapan-detail", penetapan)).status_code == 404
    assert login(world.ani).get(_url("penetapan-detail", other)).status_code == 404
    assert login(world.ani).get(_url("penetapan-detail", penetapan)).status_code == 200
    assert login(world.citra).post(_url("penetapan-detail", penetapan)).status_code == 405


def _edit_data(penetapan: Penetapan, **overrides: str) -> dict[str, str]:
    data = {
        "is_core_service": "on",
        "core_service_reason": penetapan.core_service_reason,
        "version": str(penetapan.version),
    }
    data.update(overrides)
    return data


def test_update_criteria(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    response = login(world.citra).post(
        _url("penetapan-update", penetapan),
        _edit_data(penetapan, is_broad_impact="on", broad_impact_reason="Ribuan pemohon per bulan."),
    )
    penetapan.refresh_from_db()
    assert response.status_code == 302
    assert penetapan.is_broad_impact
    assert penetapan.version == 2


def test_stale_form_gets_conflict_and_keeps_input(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    stale = _edit_data(penetapan, core_service_reason="Teks saya yang panjang")
    client = login(world.citra)
    client.post(_url("penetapan-update", penetapan), _edit_data(penetapan, core_service_reason="Teks orang lain"))
    response = client.post(_url("penetapan-update", penetapan), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert str(PENETAPAN_CONFLICT) in page
    assert "Teks saya yang panjang" in page  # the user's input is kept
    assert 'name="version" value="2"' in page  # resubmitting now overwrites deliberately
    penetapan.refresh_from_db()
    assert penetapan.core_service_reason == "Teks orang lain"
    resubmit = client.post(_url("penetapan-update", penetapan), {**stale, "version": "2"})
    assert resubmit.status_code == 302


def test_update_permissions_and_method(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    assert login(world.dodi).post(_url("penetapan-update", penetapan), _edit_data(penetapan)).status_code == 404
    assert login(world.evi).get(_url("penetapan-update", penetapan)).status_code == 403
    assert login(world.ani).get(_url("penetapan-update", penetapan)).status_code == 403
    assert login(world.citra).delete(_url("penetapan-update", penetapan)).status_code == 405


def test_update_of_designated_penetapan_is_refused(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle, status=PenetapanStatus.DESIGNATED)
    response = login(world.citra).post(
        _url("penetapan-update", penetapan), _edit_data(penetapan, core_service_reason="Ubah")
    )
    assert str(PENETAPAN_DESIGNATED_LOCKED) in response.content.decode()
    penetapan.refresh_from_db()
    assert penetapan.core_service_reason != "Ubah"


# -- designate -------------------------------------------------------------------------------------


def test_designate_with_sk_upload_and_download(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    client = login(world.citra)
    response = client.post(
        _url("penetapan-designate", penetapan),
        {"sk_number": "800/1/2025", "sk_date": "2025-12-20", "sk_file": pdf_file(), "version": "1"},
    )
    penetapan.refresh_from_db()
    assert response.status_code == 302
    assert penetapan.status == PenetapanStatus.DESIGNATED
    detail = client.get(_url("penetapan-detail", penetapan)).content.decode()
    download_url = reverse("bukti_dukung:download", kwargs={"public_id": penetapan.sk_file.public_id})
    assert download_url in detail
    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_designate_bad_input_saves_nothing(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    client = login(world.citra)
    wrong_year = client.post(
        _url("penetapan-designate", penetapan),
        {"sk_number": "800/1", "sk_date": "2020-01-01", "sk_file": pdf_file(), "version": "1"},
    ).content.decode()
    assert 'id="id_sk_date_error"' in wrong_year
    assert str(PENETAPAN_SK_DATE_YEAR) % {"tahun": 2026, "previous": 2025} in wrong_year
    wrong_type = client.post(
        _url("penetapan-designate", penetapan),
        {
            "sk_number": "800/1",
            "sk_date": "2025-12-20",
            "sk_file": SimpleUploadedFile("sk.pdf", b"MZ evil"),
            "version": "1",
        },
    ).content.decode()
    assert 'id="id_sk_file_error"' in wrong_type
    no_file = client.post(
        _url("penetapan-designate", penetapan), {"sk_number": "800/1", "sk_date": "2025-12-20", "version": "1"}
    ).content.decode()
    assert 'id="id_sk_file_error"' in no_file
    penetapan.refresh_from_db()
    assert penetapan.status == PenetapanStatus.PROPOSED
    assert not BuktiDukung.unscoped.exists()


def test_designate_oversize_file(world: World, login: Login, cycle: Cycle, settings) -> None:
    settings.ZI_UPLOAD_MAX_BYTES = 100
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    page = (
        login(world.citra)
        .post(
            _url("penetapan-designate", penetapan),
            {
                "sk_number": "800/1",
                "sk_date": "2025-12-20",
                "sk_file": SimpleUploadedFile("sk.pdf", PDF + b"0" * 500),
                "version": "1",
            },
        )
        .content.decode()
    )
    assert 'id="id_sk_file_error"' in page
    assert not BuktiDukung.unscoped.exists()


def test_designate_with_stale_version(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle, version=3)
    page = (
        login(world.citra)
        .post(
            _url("penetapan-designate", penetapan),
            {"sk_number": "800/77", "sk_date": "2025-12-20", "sk_file": pdf_file(), "version": "2"},
        )
        .content.decode()
    )
    assert str(PENETAPAN_CONFLICT) in page
    assert 'value="800/77"' in page
    assert not BuktiDukung.unscoped.exists()


def test_designate_permissions_and_method(world: World, login: Login, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    data = {"sk_number": "800/1", "sk_date": "2025-12-20", "version": "1"}
    assert login(world.dodi).post(_url("penetapan-designate", penetapan), data).status_code == 404
    assert login(world.evi).get(_url("penetapan-designate", penetapan)).status_code == 403
    assert login(world.budi).post(_url("penetapan-designate", penetapan), data).status_code == 403
    assert login(world.citra).put(_url("penetapan-designate", penetapan)).status_code == 405
    penetapan.refresh_from_db()
    assert penetapan.status == PenetapanStatus.PROPOSED


def test_a_stale_year_form_is_a_conflict_and_saves_nothing(world: World, login: Login, cycle: Cycle) -> None:
    data = {name: getattr(cycle, name).isoformat() for name in CYCLE_DATE_FIELDS}
    data["version"] = str(cycle.version)
    client = login(world.citra)
    assert client.post(_url("cycle-update", cycle), {**data, "proposal_end": "2026-06-30"}).status_code == 302
    stale = client.post(_url("cycle-update", cycle), {**data, "proposal_end": "2026-07-31"})
    assert "Pengguna lain telah menyimpan" in stale.content.decode()
    cycle.refresh_from_db()
    assert cycle.proposal_end == datetime.date(2026, 6, 30)
