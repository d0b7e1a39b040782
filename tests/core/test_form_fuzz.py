"""Hypothesis over the main HTML forms (ASVS V2.2, V8.3; issue 8 item 10).

Unit kerja, pegawai, penetapan, pencanangan and an LKE answer: field values drawn from arbitrary
text (NUL bytes, long strings, odd Unicode), numbers, malformed dates and ids, plausible valid
values, and **another instansi's ids** in the reference fields. For every example: no server error
(the test client re-raises any exception), an answer that is not a redirect (a refusal) changed
nothing in any table the forms write, a foreign id is never accepted, and instansi B's data never
appears in the page.

Bounded: ``max_examples`` per form, no deadline (the shared CI machine is slow), no example database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.audit.models import AuditEvent
from apps.pencanangan.models import Pencanangan
from apps.penilaian.models import Jawaban
from apps.unit_kerja.models import Pegawai, Penetapan, UnitKerja
from tests.factories import CycleFactory
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.conftest import lke as lke  # the fixture, for this module

FORMS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
GARBAGE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "x" * 5000,
        "-1",
        "99999999999999999999",
        "1e309",
        "2026-02-30",
        "0000-00-00",
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "'; DROP TABLE unit_kerja_unitkerja;--",
        "<script>alert(1)</script>",
        "١٩٨٥٠١٠١٢٠١٠٠١١٠٠١",
        "on",
    ]
)
WATCHED = (UnitKerja, Pegawai, Penetapan, Pencanangan, Jawaban)


def state() -> str:
    """A digest of every row the fuzzed forms could write (both instansi) and the audit count."""
    digest = hashlib.sha256()
    for model in WATCHED:
        for row in model.unscoped.order_by("pk").values():
            digest.update(repr(sorted(row.items())).encode())
    digest.update(str(AuditEvent.unscoped.count()).encode())
    return digest.hexdigest()


@dataclass
class FormSpec:
    url: Callable[[LKEWorld], str]
    persona: str
    fields: Callable[[LKEWorld], dict[str, st.SearchStrategy[Any]]]
    references: tuple[str, ...] = ()  # fields naming objects: a foreign id there must be refused


def _any(*plausible: Any) -> st.SearchStrategy[Any]:
    """Mostly plausible values (so that whole posts are sometimes valid), else text or garbage."""
    if not plausible:
        return st.one_of(TEXT, GARBAGE)
    likely = st.sampled_from(list(plausible))
    return st.one_of(likely, likely, likely, TEXT, GARBAGE)


def _ids(lke: LKEWorld) -> tuple[str, str, str]:
    w = lke.world
    return str(w.unit_a1.public_id), str(w.unit_a2.public_id), str(w.unit_b1.public_id)


def _unit_fields(lke: LKEWorld) -> dict[str, st.SearchStrategy[Any]]:
    a1, a2, b1 = _ids(lke)
    return {
        "code": _any("X1", "A1", "B1"),
        "name": _any("Unit Uji"),
        "kind": _any("eselon_ii", "lainnya", "dinas"),
        "parent": _any(a1, a2, b1),
        "address": TEXT,
        "is_active": _any("on"),
    }


def _pegawai_fields(lke: LKEWorld) -> dict[str, st.SearchStrategy[Any]]:
    a1, _a2, b1 = _ids(lke)
    return {
        "unit": _any(a1, b1),
        "nip": _any("198501012010011001", "19850101201001100", "198501012010011001 "),
        "name": _any("Pegawai Uji"),
        "position": TEXT,
        "rank": TEXT,
        "email": _any("uji@alfa.go.id", "bukan-email"),
    }


def _penetapan_fields(lke: LKEWorld) -> dict[str, st.SearchStrategy[Any]]:
    a1, a2, b1 = _ids(lke)
    cycles = [str(lke.cycle.public_id), str(lke.cycle_b.public_id)]
    return {
        "unit": _any(a1, a2, b1),
        "cycle": _any(*cycles),
        "is_core_service": _any("on"),
        "core_service_reason": TEXT,
        "is_high_risk": _any("on"),
        "high_risk_reason": TEXT,
        "is_broad_impact": _any("on"),
        "broad_impact_reason": TEXT,
        "afirmasi_type": _any("", "bogus"),
        "version": _any("0", "1"),
    }


def _pencanangan_fields(lke: LKEWorld) -> dict[str, st.SearchStrategy[Any]]:
    tahun = lke.cycle.tahun
    return {
        "date": _any(f"{tahun}-02-03", f"{tahun}-13-01", "03/02/2026"),
        "place": _any("Aula A1"),
        "form": _any("ceremony", "inauguration", "party"),
        "witnesses": TEXT,
        "publication_links": _any("https://alfa.go.id/berita", "javascript:alert(1)", "bukan tautan"),
    }


def _answer_fields(soal: int) -> Callable[[LKEWorld], dict[str, st.SearchStrategy[Any]]]:
    def fields(lke: LKEWorld) -> dict[str, st.SearchStrategy[Any]]:
        return {
            f"s{soal}-answer": _any("Ya", "Tidak", "A", "B", "12", "-3", "4.5"),
            f"s{soal}-note": TEXT,
            f"s{soal}-evidence_link": _any("https://drive.example.go.id/x", "ftp://x", "javascript:alert(1)"),
            f"s{soal}-version": _any("0", "1", "-1"),
        }

    return fields


def _answer_url(soal: int) -> Callable[[LKEWorld], str]:
    return lambda lke: reverse("penilaian:jawaban-save", kwargs={"public_id": lke.penilaian.public_id, "soal_id": soal})


SPECS = {
    "unit": FormSpec(lambda lke: reverse("unit_kerja:unit-create"), "citra", _unit_fields, ("parent",)),
    "pegawai": FormSpec(lambda lke: reverse("unit_kerja:pegawai-create"), "citra", _pegawai_fields, ("unit",)),
    "penetapan": FormSpec(
        lambda lke: reverse("unit_kerja:penetapan-create"), "citra", _penetapan_fields, ("unit", "cycle")
    ),
    "pencanangan": FormSpec(
        lambda lke: reverse("pencanangan:pencanangan-edit", args=[lke.world.unit_a1.public_id]),
        "ani",
        _pencanangan_fields,
    ),
    "lke-answer-yes-no": FormSpec(_answer_url(1), "ani", _answer_fields(1)),
    "lke-answer-number": FormSpec(_answer_url(88), "ani", _answer_fields(88)),
}


@pytest.fixture
def fuzz_lke(lke: LKEWorld) -> LKEWorld:
    lke.cycle_b = CycleFactory(instansi=lke.world.instansi_b, tahun=lke.cycle.tahun)  # type: ignore[attr-defined]
    return lke


@pytest.mark.parametrize("form", list(SPECS))
def test_form_survives_arbitrary_input_and_a_refusal_changes_nothing(fuzz_lke: LKEWorld, login, form: str) -> None:
    spec = SPECS[form]
    lke = fuzz_lke
    client: Client = login(getattr(lke.world, spec.persona))
    url = spec.url(lke)
    foreign = {str(lke.world.unit_b1.public_id), str(lke.cycle_b.public_id)}  # type: ignore[attr-defined]
    b_name = lke.world.unit_b1.name

    @FORMS
    @given(data=st.fixed_dictionaries(spec.fields(lke)))
    def check(data: dict[str, Any]) -> None:
        before = state()
        response = client.post(url, data)
        assert response.status_code < 500
        accepted = response.status_code in (301, 302, 303)
        if not accepted:
            assert state() == before, f"{form}: a refused post changed data ({response.status_code})"
        if any(data.get(name) in foreign for name in spec.references):
            assert not accepted, f"{form}: another instansi's id was accepted"
        assert b_name not in response.content.decode(errors="replace")

    check()
