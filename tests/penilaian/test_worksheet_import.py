"""Excel: download the official workbook; import a filled one with a preview, then confirm.

An imported value never overwrites an answer someone changed after the preview was built (each
row carries the version it was previewed at); answers changed in ZI after the workbook was exported
are replaced only when ticked; rows not understood are listed by sheet, row and column and left out.
"""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.lke.excel import build_workbook, parse_workbook, workbook_layout
from apps.lke.excel import messages as excel_messages
from apps.lke.selectors import template_spec
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import (
    CONTRADICTION,
    STALE_VERSION,
    STATUS_LOCKED_UNIT,
    jawaban_review_save,
    jawaban_save,
)
from apps.penilaian.services.review import penilaian_submit
from apps.penilaian.views.worksheet import IMPORT_EXPIRED
from apps.penilaian.workbook import EVIDENCE_NOT_A_LINK
from tests.lke.corpus import generate
from tests.penilaian.conftest import PARTIAL, LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")


def url(name: str, lke: LKEWorld) -> str:
    return reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id})


def text(response) -> str:
    return html.unescape(response.content.decode())


def answer(lke: LKEWorld, soal_id: int, value: str | None, *, note: str = "") -> Jawaban:
    row = Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()
    return jawaban_save(
        actor=lke.actor(lke.world.ani),
        penilaian=lke.penilaian,
        soal=lke.soal(soal_id),
        answer=value,
        note=note,
        version=row.version if row else 0,
    )


def unit(lke: LKEWorld, soal_id: int) -> Jawaban | None:
    return Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()


def workbook(
    lke: LKEWorld, answers: dict[int, dict[str, str]], *, exported_at: datetime.datetime | None = None
) -> bytes:
    """The official workbook as ZI exports it, filled with ``answers`` (``{soal_id: {field: value}}``)."""
    return build_workbook(
        template_spec(lke.template.pk),
        workbook_layout(lke.template.pk),
        answers,
        title="LKE uji",
        exported_at=exported_at or timezone.now(),
    )


def upload(client, lke: LKEWorld, data: bytes, name: str = "lke.xlsx"):
    return client.post(url("workbook-import", lke), {"file": SimpleUploadedFile(name, data)})


def payload_of(response) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    assert match, "the preview offers no confirmation"
    return match.group(1)


# -----------------------------------------------------------------------------
# Export
# -----------------------------------------------------------------------------


def test_export_is_the_official_workbook_with_the_unit_and_tpi_answers(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya", note="SK tim")
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    jawaban_review_save(
        actor=lke.actor(lke.world.budi),
        penilaian=lke.penilaian,
        soal=lke.soal(1),
        answer="Tidak",
        note="kurang",
        version=0,
    )
    response = login(lke.world.evi).get(url("workbook-export", lke))  # reading is enough
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'attachment; filename="lke-a1-' in response["Content-Disposition"]
    parsed = parse_workbook(response.content, template_spec(lke.template.pk), workbook_layout(lke.template.pk))
    assert parsed.ok
    row = parsed.rows[1]
    assert (row.answer_unit, row.note_unit, row.answer_tpi, row.note_tpi) == ("Ya", "SK tim", "Tidak", "kurang")


def test_export_in_the_lampiran_iii_layout_reads_back_the_same(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya", note="SK tim")
    answer(lke, 113, "3")
    response = login(lke.world.evi).get(url("workbook-export", lke) + "?layout=lke_zi")
    assert response.status_code == 200
    assert "-lampiran-iii.xlsx" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "LKE ZI"
    parsed = parse_workbook(response.content, template_spec(lke.template.pk), workbook_layout(lke.template.pk))
    assert parsed.layout == "lke_zi"
    assert (parsed.rows[1].answer_unit, parsed.rows[1].note_unit, parsed.rows[113].answer_unit) == ("Ya", "SK tim", "3")
    assert parsed.problems == []


def test_export_is_404_for_outsiders_and_get_only(lke: LKEWorld, login) -> None:
    assert login(lke.world.dodi).get(url("workbook-export", lke)).status_code == 404
    assert login(lke.world.ani).post(url("workbook-export", lke)).status_code == 405


# -----------------------------------------------------------------------------
# Import: preview, confirm
# -----------------------------------------------------------------------------


def test_import_previews_the_changes_then_applies_them_on_confirmation(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Tidak", note="lama")
    data = workbook(
        lke,
        {
            1: {"answer_unit": "Ya", "note_unit": "SK terlampir"},
            2: {"answer_unit": "B", "evidence_unit": "https://drive.example.id/sk"},
            88: {"answer_unit": "10"},
            89: {"answer_unit": "7"},
        },
    )
    client = login(lke.world.ani)
    assert client.get(url("workbook-import", lke)).status_code == 200
    preview = upload(client, lke, data)
    assert preview.status_code == 200
    body = text(preview)
    assert ngettext("%(n)s soal would change", "%(n)s soal would change", 4) % {"n": 4} in body
    assert "SK terlampir" in body
    assert "lama" in body
    assert "https://drive.example.id/sk" in body
    assert unit(lke, 1).answer == "Tidak"  # nothing saved by the preview
    assert unit(lke, 2) is None

    done = client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert done.status_code == 302
    assert done["Location"] == url("penilaian-detail", lke)
    assert (unit(lke, 1).answer, unit(lke, 1).note, unit(lke, 1).version) == ("Ya", "SK terlampir", 2)
    assert (unit(lke, 2).answer, unit(lke, 2).evidence_link) == ("B", "https://drive.example.id/sk")
    assert (unit(lke, 88).answer, unit(lke, 89).answer) == ("10", "7")
    assert AuditEvent.objects.filter(verb="penilaian.workbook_import").count() == 1


def test_a_blank_cell_never_clears_an_answer(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya", note="tetap")
    preview = upload(login(lke.world.ani), lke, workbook(lke, {2: {"answer_unit": "A"}}))
    body = text(preview)
    assert ngettext("%(n)s soal would change", "%(n)s soal would change", 1) % {"n": 1} in body
    login(lke.world.ani).post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert (unit(lke, 1).answer, unit(lke, 1).note) == ("Ya", "tetap")
    assert unit(lke, 2).answer == "A"


def test_answers_changed_in_zi_after_the_export_are_kept_unless_ticked(lke: LKEWorld, login) -> None:
    exported = timezone.now() - datetime.timedelta(days=1)
    answer(lke, 3, "Ya")
    data = workbook(lke, {3: {"answer_unit": "Tidak"}, 4: {"answer_unit": "A"}}, exported_at=exported)
    client = login(lke.world.ani)
    preview = upload(client, lke, data)
    body = text(preview)
    assert gettext("Changed in ZI after this workbook was exported.") in body
    assert 'name="replace" value="3"' in body
    client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert unit(lke, 3).answer == "Ya"  # kept: not ticked
    assert unit(lke, 4).answer == "A"

    preview = upload(client, lke, data)
    client.post(url("workbook-import", lke), {"payload": payload_of(preview), "replace": ["3"]})
    assert unit(lke, 3).answer == "Tidak"


def test_an_answer_changed_after_the_preview_is_a_conflict_and_nothing_is_applied(lke: LKEWorld, login) -> None:
    answer(lke, 2, "C")
    client = login(lke.world.ani)
    preview = upload(client, lke, workbook(lke, {1: {"answer_unit": "Ya"}, 2: {"answer_unit": "A"}}))
    answer(lke, 2, "B", note="diubah orang lain")  # someone saves meanwhile
    response = client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert response.status_code == 200
    body = text(response)
    assert str(STALE_VERSION) in body
    assert f"<td>{lke.soal(2).excel_row}</td>" in body
    assert unit(lke, 2).answer == "B"
    assert unit(lke, 1) is None  # the whole workbook was refused
    assert not AuditEvent.objects.filter(verb="penilaian.workbook_import").exists()


def test_numbers_that_agree_only_once_all_are_saved_are_applied_together(lke: LKEWorld, login) -> None:
    for soal_id, value in ((110, "10"), (111, "0"), (112, "8")):
        answer(lke, soal_id, value)
    client = login(lke.world.ani)
    preview = upload(client, lke, workbook(lke, {110: {"answer_unit": "4"}, 112: {"answer_unit": "3"}}))
    client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert (unit(lke, 110).answer, unit(lke, 112).answer) == ("4", "3")


def test_a_row_not_understood_is_listed_and_the_rest_imports_after_confirmation(lke: LKEWorld, login) -> None:
    data = workbook(lke, {1: {"answer_unit": "Ya"}, 2: {"answer_unit": "A"}})
    book = load_workbook(io.BytesIO(data))
    soal = lke.soal(2)
    book[soal.excel_sheet][f"{soal.excel_col_answer_unit}{soal.excel_row}"] = "Z"
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(lke.world.ani)
    response = upload(client, lke, buffer.getvalue())
    assert response.status_code == 200
    body = text(response)
    assert re.search(
        rf"<td>{soal.excel_sheet}</td><td>{soal.excel_row}</td><td>{soal.excel_col_answer_unit}</td><td>Z</td>", body
    )
    assert not Jawaban.objects.exists()  # nothing before the confirmation
    assert 'name="payload"' in body
    client.post(url("workbook-import", lke), {"payload": payload_of(response)})
    assert unit(lke, 1).answer == "Ya"
    assert unit(lke, 2) is None


def test_a_typed_total_that_disagrees_reaches_the_browser_preview_with_its_row(lke: LKEWorld, login) -> None:
    counts = {113: "1", 114: "2", 115: "3", 116: "4"}
    data = workbook(lke, {i: {"answer_unit": v} for i, v in counts.items()})
    book = load_workbook(io.BytesIO(data))
    sheet = book[lke.soal(113).excel_sheet]
    total_row = lke.soal(113).excel_row - 1
    sheet[f"K{total_row}"] = 99  # the parts say 6
    buffer = io.BytesIO()
    book.save(buffer)
    body = text(upload(login(lke.world.ani), lke, buffer.getvalue()))
    rows = ", ".join(str(lke.soal(i).excel_row) for i in (113, 114, 115))
    message = str(excel_messages.TYPED_TOTAL_DISAGREES).format(column="K", typed="99", computed="6", rows=rows)
    assert message in body
    assert f"{total_row}" in body
    assert 'name="payload"' in body


def test_a_real_lampiran_iii_imports_after_confirmation_with_its_warnings_and_every_link(lke: LKEWorld, login) -> None:
    """Short count labels, notes in P and links in Q, numbers as text, answer variants and a typed total
    that disagrees with its parts: the preview shows the total's row; confirming imports it all."""
    spec, layout = template_spec(lke.template.pk), workbook_layout(lke.template.pk)
    generated = generate(
        spec, layout, 11, layout_name="lke_zi", mutations=("typed_totals", "text_numbers", "variants"), real_world=True
    )
    client = login(lke.world.ani)
    preview = upload(client, lke, generated.as_bytes())
    body = text(preview)
    assert 'data-testid="import-problems"' not in body
    prefix = str(excel_messages.TYPED_TOTAL_DISAGREES).split("{")[0]
    for row in generated.must_warn:
        assert re.search(rf"Baris {row}: {re.escape(prefix)}", body) or re.search(
            rf"Row {row}: {re.escape(prefix)}", body
        )
    client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    saved = {j.soal.portalrb_soal_id: j for j in Jawaban.objects.filter(penilaian=lke.penilaian, tier=Tier.UNIT)}
    assert {i: saved[i].answer if i in saved else None for i in generated.answers} == generated.answers
    for soal_id, links in generated.links.items():
        if links:
            assert saved[soal_id].evidence_link == links[0]
            for more in links[1:]:
                assert more in saved[soal_id].note


def test_numbers_contradicting_what_zi_holds_are_errors(lke: LKEWorld, login) -> None:
    answer(lke, 110, "3")
    response = upload(login(lke.world.ani), lke, workbook(lke, {112: {"answer_unit": "5"}}))
    body = text(response)
    assert str(CONTRADICTION % {"code": "R.5.ii.a"}) in body
    assert 'name="payload"' not in body
    assert unit(lke, 112) is None


def test_an_evidence_cell_that_is_no_link_is_ignored_with_a_warning(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    preview = upload(client, lke, workbook(lke, {1: {"answer_unit": "Ya", "evidence_unit": "terlampir di map"}}))
    body = text(preview)
    assert "terlampir di map" in body
    assert gettext("Warnings") in body
    client.post(url("workbook-import", lke), {"payload": payload_of(preview)})
    assert (unit(lke, 1).answer, unit(lke, 1).evidence_link) == ("Ya", "")


def test_after_submission_an_import_is_refused_by_row(lke: LKEWorld, login) -> None:
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    response = upload(login(lke.world.ani), lke, workbook(lke, {2: {"answer_unit": "A"}}))
    body = text(response)
    assert str(STATUS_LOCKED_UNIT) in body
    assert 'name="payload"' not in body


def test_a_file_that_is_no_workbook_is_refused_beside_the_field(lke: LKEWorld, login) -> None:
    response = upload(login(lke.world.ani), lke, b"bukan excel", name="lke.xlsx")
    assert response.status_code == 200
    assert str(excel_messages.NOT_XLSX) in text(response)
    assert not Jawaban.objects.exists()


def test_an_altered_or_foreign_confirmation_applies_nothing(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    response = client.post(url("workbook-import", lke), {"payload": "dipalsukan"})
    assert str(IMPORT_EXPIRED) in text(response)
    preview = upload(client, lke, workbook(lke, {1: {"answer_unit": "Ya"}}))
    tampered = payload_of(preview)[:-2] + "xx"
    assert str(IMPORT_EXPIRED) in text(client.post(url("workbook-import", lke), {"payload": tampered}))
    assert not Jawaban.objects.exists()


def test_an_import_that_changes_nothing_says_so(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    response = upload(login(lke.world.ani), lke, workbook(lke, {1: {"answer_unit": "Ya"}}))
    assert gettext("The workbook changes nothing: every answer in it is already saved.") in text(response)
    assert 'name="payload"' not in text(response)


def test_import_is_403_for_readers_404_for_outsiders_405_otherwise(lke: LKEWorld, login) -> None:
    data = workbook(lke, {1: {"answer_unit": "Ya"}})
    for user, status in ((lke.world.evi, 403), (lke.world.budi, 403), (lke.world.dodi, 404)):
        client = login(user)
        assert client.get(url("workbook-import", lke)).status_code == status
        assert upload(client, lke, data).status_code == status
    assert login(lke.world.ani).put(url("workbook-import", lke)).status_code == 405
    assert not Jawaban.objects.exists()


def test_an_evidence_cell_in_column_q_that_is_no_link_is_named_by_its_own_letter(lke: LKEWorld, login) -> None:
    """Real Lampiran III sheets keep notes in P and evidence in Q: the warning says Q, not the master's M."""
    spec, layout = template_spec(lke.template.pk), workbook_layout(lke.template.pk)
    generated = generate(spec, layout, 3, layout_name="lke_zi", mutations=(), real_world=True)
    sheet = generated.workbook.active
    row = generated.row_of[1]
    assert sheet["Q6"].value == "LINK BUKTI DUKUNG"
    sheet[f"Q{row}"] = "terlampir di map biru"
    sheet[f"P{row}"] = "SK Kepala Unit"
    buffer = io.BytesIO()
    generated.workbook.save(buffer)
    body = text(upload(login(lke.world.ani), lke, buffer.getvalue()))
    message = EVIDENCE_NOT_A_LINK.format(column="Q", value="terlampir di map biru")
    assert f"{row}: {message}" in body
    assert "SK Kepala Unit" in body
