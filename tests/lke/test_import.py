"""lke_import: the PortalRB master becomes a versioned, read-only template; re-import is a no-op."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.lke.models import AnswerType, DerivedItem, LKENode, LKETemplate, Soal, ThresholdRule
from apps.lke.services import DEFAULT_MASTER, MasterError, lke_import, lke_import_file


def test_imports_127_soal_with_both_jumlah_spellings(lke_template) -> None:
    assert lke_template.total_soal == 127
    assert Soal.objects.filter(template=lke_template).count() == 127
    assert Soal.objects.filter(template=lke_template, answer_type=AnswerType.JUMLAH).count() == 22
    soal_88 = Soal.objects.get(template=lke_template, portalrb_soal_id=88)
    assert soal_88.answer_type == AnswerType.JUMLAH
    assert soal_88.excel_row == 126
    abcd = Soal.objects.get(template=lke_template, portalrb_soal_id=6)
    assert [o["multiplier"] for o in abcd.options] == ["1", "0.67", "0.33", "0"]


def test_tree_weights_add_up(lke_template) -> None:
    roots = LKENode.objects.filter(template=lke_template, parent=None)
    assert sum(r.weight for r in roots) == Decimal(100)
    halves = LKENode.objects.filter(template=lke_template, level="sub_komponen", komponen="pengungkit")
    assert {h.half: h.weight for h in halves} == {"pemenuhan": Decimal(30), "reform": Decimal(30)}
    areas = LKENode.objects.filter(template=lke_template, level="area_perubahan", half="pemenuhan").order_by("area")
    assert [a.weight for a in areas] == [Decimal(x) for x in ("4", "3.5", "5", "5", "7.5", "5")]


def test_eight_derived_items_and_thresholds(lke_template) -> None:
    assert DerivedItem.objects.filter(template=lke_template).count() == 8
    lhkpn = DerivedItem.objects.get(template=lke_template, code="R.5.iii.a")
    assert lhkpn.node.portalrb_node_id == 55
    assert ThresholdRule.objects.filter(
        template=lke_template, predikat="WBBM", code="capaian"
    ).get().min_points == Decimal("3.75")


def test_reimport_changes_nothing(lke_template) -> None:
    again = lke_import_file(DEFAULT_MASTER)
    assert again.created is False
    assert again.template == lke_template
    assert LKETemplate.objects.count() == 1


def test_changed_master_is_a_new_version_and_old_one_stays(lke_template) -> None:
    master = json.loads(DEFAULT_MASTER.read_text())
    changed = copy.deepcopy(master)
    changed["data"][0]["children"][0]["children"][0]["children"][0]["soals"][0]["teks_pertanyaan"] = "Teks baru"
    result = lke_import(master=changed)
    assert result.created is True
    assert result.template.version == 2
    assert Soal.objects.get(template=lke_template, portalrb_soal_id=1).text != "Teks baru"
    assert Soal.objects.get(template=result.template, portalrb_soal_id=1).text == "Teks baru"


def test_bad_master_is_refused_with_a_reason(db: None) -> None:
    with pytest.raises(MasterError, match="tahun"):
        lke_import(master={"foo": 1})
    master = json.loads(DEFAULT_MASTER.read_text())
    master["data"][0]["bobot_maksimal"] = 61
    with pytest.raises(MasterError, match="add up"):
        lke_import(master=master)
    assert LKETemplate.objects.count() == 0


def test_command_is_idempotent(db: None, capsys) -> None:
    call_command("lke_import")
    call_command("lke_import")
    out = capsys.readouterr().out
    assert "imported (127 soal)" in out
    assert "nothing changed" in out
