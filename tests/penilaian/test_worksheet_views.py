"""The unit's worksheet in the browser: the section page, per-item save, and the derived percentages
as typed.

Personas: ani fills (tim kerja of A1), evi only reads (viewer), citra is the admin ZI, dodi the
outsider of instansi B.
"""

from __future__ import annotations

import pytest
from django.utils.translation import gettext

from apps.penilaian.forms.worksheet import CHOOSE_OPTION, VALUE_0_4, WHOLE_NUMBER
from apps.penilaian.models import Jawaban
from apps.penilaian.services.answers import (
    CONTRADICTION,
    READ_ONLY_MEMBER,
    STALE_VERSION,
)
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.factories import UserFactory
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.helpers import HTMX, answer, post_item, return_items, submit, text, unit_row, url

pytestmark = pytest.mark.usefixtures("a_scope")


# -----------------------------------------------------------------------------
# The worksheet page
# -----------------------------------------------------------------------------


def test_section_shows_every_soal_with_its_criteria_and_option_meanings(lke: LKEWorld, login) -> None:
    response = login(lke.world.ani).get(url("worksheet", lke, section="pemenuhan-1"))
    assert response.status_code == 200
    body = text(response)
    for soal_id in range(1, 13):
        assert f'id="soal-{soal_id}"' in body
        assert url("jawaban-save", lke, soal_id=soal_id) in body
    assert 'id="soal-13"' not in body
    soal = lke.soal(2)
    assert soal.criteria.splitlines()[0] in body
    assert f"<strong>A</strong> — {soal.options[0]['label']}" in body
    assert 'name="s2-answer"' in body
    assert 'name="s2-version" value="0"' in body
    assert "Pemenuhan 1. MANAJEMEN PERUBAHAN" in body


def test_numbers_have_number_inputs_and_a_live_percentage_box(lke: LKEWorld, login) -> None:
    body = text(login(lke.world.ani).get(url("worksheet", lke, section="reform-1")))
    assert 'id="derived-box-36"' in body
    assert 'name="s88-answer"' in body
    # A text input with a numeric keyboard: a number input would hand "1e" over as "" (a blank saved).
    assert 'inputmode="numeric"' in body
    assert 'type="number"' not in body
    assert url("worksheet-preview", lke) in body
    hasil = text(login(lke.world.ani).get(url("worksheet", lke, section="hasil")))
    assert 'inputmode="decimal"' in hasil


def test_unknown_section_is_404_and_post_is_405(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet", lke, section="reform-9")).status_code == 404
    assert client.post(url("worksheet", lke, section="reform-1")).status_code == 405


def test_worksheet_outsider_404_and_reader_reads_without_forms(lke: LKEWorld, login) -> None:
    answer(lke, 2, "B", note="catatan ani")
    assert login(lke.world.dodi).get(url("worksheet", lke, section="pemenuhan-1")).status_code == 404
    response = login(lke.world.evi).get(url("worksheet", lke, section="pemenuhan-1"))
    assert response.status_code == 200
    body = text(response)
    assert "catatan ani" in body
    assert url("jawaban-save", lke, soal_id=2) not in body
    assert str(READ_ONLY_MEMBER) in body


def test_worksheet_entry_goes_to_the_first_part_with_an_item_to_fix(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet", lke))["Location"] == url("worksheet", lke, section="pemenuhan-1")
    submit(lke)
    return_items(lke, 109)
    assert client.get(url("worksheet", lke))["Location"] == url("worksheet", lke, section="reform-5")
    assert login(lke.world.dodi).get(url("worksheet", lke)).status_code == 404


# -----------------------------------------------------------------------------
# Per-item save
# -----------------------------------------------------------------------------


def test_htmx_save_returns_the_item_with_its_new_version_and_scores(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 1, "Ya", note="SK tim kerja ada")
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<article id="soal-1"')  # just the item, then out-of-band updates
    assert "<html" not in body
    assert 'name="s1-version" value="1"' in body
    assert gettext("Saved.") in body
    # Blank items are ignored, like Excel's AVERAGE: the one answered item at full marks × weight 0.5.
    assert 'id="score-node-4" hx-swap-oob="true">0,50<' in body
    assert 'id="progress-pemenuhan-1" hx-swap-oob="true">1/12<' in body
    # The header's "x of y answered" comes from the same count as the tab (issue 21: 3 vs 6).
    assert 'id="answered-pemenuhan-1" hx-swap-oob="true">1 dari 12 terjawab<' in body
    assert 'data-save-state="saved"' in body
    row = unit_row(lke, 1)
    assert (row.answer, row.note, row.version, row.updated_by) == ("Ya", "SK tim kerja ada", 1, lke.world.ani)


def test_saving_one_item_never_touches_another(lke: LKEWorld, login) -> None:
    answer(lke, 2, "B", note="punya item dua")
    post_item(login(lke.world.ani), lke, 1, "Ya")
    row = unit_row(lke, 2)
    assert (row.answer, row.note, row.version) == ("B", "punya item dua", 1)


def test_plain_post_saves_and_redirects_back_to_the_item(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 13, "A", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == url("worksheet", lke, section="pemenuhan-2") + "#soal-13"
    assert unit_row(lke, 13).answer == "A"


def test_a_number_answer_updates_the_computed_percentage(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    post_item(client, lke, 88, "10")
    body = text(post_item(client, lke, 89, "7"))
    assert 'id="derived-box-36"' in body
    assert 'hx-swap-oob="true"' in body
    assert "70,00 %" in body


def test_the_second_save_from_the_same_version_is_a_conflict_that_keeps_the_typed_text(lke: LKEWorld, login) -> None:
    first = post_item(login(lke.world.ani), lke, 2, "A", note="catatan Ani", version=0)
    assert first.status_code == 200
    fajar = UserFactory(email="fajar@alfa.go.id", name="Fajar Nugroho")
    Membership.objects.create(user=fajar, instansi=lke.world.instansi_a, unit=lke.world.unit_a1, role=Role.TIM_KERJA)

    second = post_item(login(fajar), lke, 2, "C", note="catatan Fajar yang panjang", version=0)
    assert second.status_code == 200
    body = text(second)
    assert str(STALE_VERSION) in body
    assert "catatan Fajar yang panjang" in body  # their own text is still in the note field
    assert 'value="C" checked' in body  # and their own answer is still chosen
    assert 'data-testid="conflict-answer">A<' in body  # the other person's saved answer is shown
    assert "catatan Ani" in body
    assert 'name="s2-version" value="1"' in body  # a deliberate second save is now possible
    row = unit_row(lke, 2)
    assert (row.answer, row.note, row.version) == ("A", "catatan Ani", 1)

    again = post_item(login(fajar), lke, 2, "C", note="catatan Fajar yang panjang", version=1)
    assert gettext("Saved.") in text(again)
    assert unit_row(lke, 2).answer == "C"


def test_conflict_without_htmx_shows_the_whole_section_with_the_typed_text(lke: LKEWorld, login) -> None:
    answer(lke, 2, "A")
    response = post_item(login(lke.world.ani), lke, 2, "B", note="teks saya", version=0, htmx=False)
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body
    assert str(STALE_VERSION) in body
    assert "teks saya" in body
    assert 'id="soal-1"' in body  # the rest of the section is there
    assert unit_row(lke, 2).answer == "A"


@pytest.mark.parametrize(
    ("soal_id", "typed", "message"),
    [
        (88, "-3", WHOLE_NUMBER),
        (88, "2.5", WHOLE_NUMBER),
        (88, "sepuluh", WHOLE_NUMBER),
        (88, "1e", WHOLE_NUMBER),  # issue 21: once saved as a blank and reported "Tersimpan"
        (125, "1e", VALUE_0_4),
        (125, "1e0", VALUE_0_4),
        (125, "-0", VALUE_0_4),
        (125, "4.5", VALUE_0_4),
        (125, "x", VALUE_0_4),
        (2, "Z", CHOOSE_OPTION),
    ],
)
def test_a_malformed_answer_is_refused_beside_the_field_and_nothing_is_saved(
    lke: LKEWorld, login, soal_id, typed, message
) -> None:
    response = post_item(login(lke.world.ani), lke, soal_id, typed, note="tetap di sini")
    assert response.status_code == 200
    body = text(response)
    assert str(message) in body
    assert f'id="id_s{soal_id}-answer_errors"' in body
    assert "tetap di sini" in body
    assert unit_row(lke, soal_id) is None


def test_a_save_without_the_loaded_version_is_refused(lke: LKEWorld, login) -> None:
    response = login(lke.world.ani).post(
        url("jawaban-save", lke, soal_id=1), {"s1-answer": "Ya", "s1-note": "tanpa versi"}, **HTMX
    )
    assert response.status_code == 200
    body = text(response)
    assert "errorlist" in body
    assert "tanpa versi" in body
    assert unit_row(lke, 1) is None


def test_contradicting_numbers_are_refused_with_a_clear_message(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    for soal_id, value in ((110, "3"), (111, "0")):
        post_item(client, lke, soal_id, value)
    response = post_item(client, lke, 112, "5")  # more complaints completed than to follow up
    body = text(response)
    assert str(CONTRADICTION % {"code": "R.5.ii.a"}) in body
    assert 'value="5"' in body
    assert unit_row(lke, 112) is None


def test_a_bad_evidence_link_is_refused(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 1, "Ya", link="bukan tautan spasi")
    assert "errorlist" in response.content.decode()
    assert unit_row(lke, 1) is None


def test_save_is_403_for_readers_404_for_outsiders_405_for_get(lke: LKEWorld, login) -> None:
    assert post_item(login(lke.world.evi), lke, 1, "Ya").status_code == 403
    assert post_item(login(lke.world.budi), lke, 1, "Ya").status_code == 403
    assert post_item(login(lke.world.dodi), lke, 1, "Ya").status_code == 404
    assert login(lke.world.ani).get(url("jawaban-save", lke, soal_id=1)).status_code == 405
    assert login(lke.world.ani).post(url("jawaban-save", lke, soal_id=999), {}).status_code == 404
    assert unit_row(lke, 1) is None


# -----------------------------------------------------------------------------
# Derived percentages as you type
# -----------------------------------------------------------------------------


def test_preview_computes_the_percentage_as_typed_without_saving(lke: LKEWorld, login) -> None:
    answer(lke, 90, "8")
    response = login(lke.world.ani).get(
        url("worksheet-preview", lke), {"node": "36", "s88-answer": "10", "s89-answer": "7", "s91-answer": "2"}, **HTMX
    )
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="derived-R-1-i-a">70,00 %<' in body
    assert 'data-testid="derived-R-1-i-b">25,00 %<' in body  # 2 typed over the saved 8
    assert not Jawaban.objects.filter(soal__portalrb_soal_id__in=[88, 89, 91]).exists()


def test_preview_flags_bad_and_contradicting_numbers(lke: LKEWorld, login) -> None:
    client = login(lke.world.evi)  # reading is enough to preview
    bad = text(client.get(url("worksheet-preview", lke), {"node": "36", "s88-answer": "-1", "s89-answer": "2"}))
    assert str(WHOLE_NUMBER) in bad
    assert f'data-testid="derived-R-1-i-a">{gettext("not filled")}<' in bad
    contradicting = text(
        client.get(url("worksheet-preview", lke), {"node": "53", "s110-answer": "2", "s112-answer": "5"})
    )
    assert str(CONTRADICTION % {"code": "R.5.ii.a"}) in contradicting


def test_preview_needs_a_real_node_and_is_get_only(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet-preview", lke), {"node": "4"}).status_code == 404  # no percentages there
    assert client.get(url("worksheet-preview", lke), {"node": "x"}).status_code == 404
    assert client.post(url("worksheet-preview", lke), {"node": "36"}).status_code == 405
    assert login(lke.world.dodi).get(url("worksheet-preview", lke), {"node": "36"}).status_code == 404
