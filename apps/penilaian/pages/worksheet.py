"""Page data of the unit's worksheet: one section's items with their answers, evidence, returns
and forms, the derived percentages (saved or as typed), and an item re-read after a write.

Everything here is read-only page data built from a constant number of queries, whatever is
answered: the instrument comes from the cached ``template_spec``, the unit's answers, evidence,
returns and area assignments from ``selectors.unit_state``, the soal texts of a section from the
per-process cache of the template. Scores come from the pure engine (``apps.lke.scoring``). Whether
an item may be changed now is ``services.answers.unit_edit_refusal``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import DomainError
from apps.lke.models import Soal
from apps.lke.scoring import (
    AnswerError,
    DerivedSpec,
    NodeScore,
    NodeSpec,
    ScoreResult,
    SoalSpec,
    TemplateSpec,
    contradictions,
    derived_value,
    normalise_answer,
    score,
)
from apps.lke.selectors import template_derived_texts, template_soal
from apps.penilaian.forms.worksheet import EvidenceUploadForm, JawabanForm
from apps.penilaian.models import (
    ItemReturn,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    ReturnStatus,
)
from apps.penilaian.sections import (
    Section,
    section_list,
    section_of_soal,
)
from apps.penilaian.selectors import UnitState, penilaian_spec, unit_answers_only, unit_state
from apps.penilaian.services.answers import CONTRADICTION, unit_edit_refusal
from apps.penilaian.suggestions import Suggestion, suggestions_for
from apps.tenancy.models import Membership

S = PenilaianStatus

REVISION_ONLY_RETURNED = _(
    "Returned for revision: only the items the TPI returned can be changed. What to fix is shown beside each."
)
WHOLE_NUMBER = _("Enter a whole number of 0 or more.")


def soal_get_or_404(*, penilaian: Penilaian, soal_id: int) -> Soal:
    """A soal of the penilaian's template by its PortalRB id (its number on the worksheet), from the
    per-process cache of the template's soal (a shared instance: never change it)."""
    soal = template_soal(penilaian.template_id).get(soal_id)
    if soal is None:
        raise Http404
    return soal


def first_section_slug(*, penilaian: Penilaian) -> str:
    """Where to start: the first part with an item still to fix, else the first part."""
    spec = penilaian_spec(penilaian)
    sections = section_list(spec)
    returned = set(
        ItemReturn.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, status=ReturnStatus.OPEN
        ).values_list("soal__portalrb_soal_id", flat=True)
    )
    for section in sections:
        if returned.intersection(section.soal_ids):
            return section.slug
    return sections[0].slug


# -----------------------------------------------------------------------------
# Derived percentages (REFERENCE §2.4), saved or as typed
# -----------------------------------------------------------------------------


def formula_inputs(formula: Mapping[str, Any]) -> list[int]:
    """The Jumlah soal a derived percentage is computed from."""
    if formula["type"] == "decrease":
        return [formula["previous"], formula["current"]]
    return [*formula["numerator"], *formula["denominator"]]


@dataclass
class DerivedView:
    code: str
    text: str
    formula: Mapping[str, Any]
    value: Decimal | None
    problems: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "derived-" + self.code.replace(".", "-")

    @property
    def percent(self) -> Decimal | None:
        return None if self.value is None else self.value * 100

    @property
    def inputs(self) -> list[int]:
        return formula_inputs(self.formula)

    @property
    def expression(self) -> str:
        """The formula in words, with soal numbers: ``[89] ÷ [88]``, ``([102] − [103]) ÷ [102]``."""
        if self.formula["type"] == "decrease":
            previous, current = self.formula["previous"], self.formula["current"]
            return f"([{previous}] − [{current}]) ÷ [{previous}]"
        numerator = " + ".join(f"[{i}]" for i in self.formula["numerator"])
        denominator = " + ".join(f"[{i}]" for i in self.formula["denominator"])
        if len(self.formula["denominator"]) > 1:
            denominator = f"({denominator})"
        if len(self.formula["numerator"]) > 1:
            numerator = f"({numerator})"
        return f"{numerator} ÷ {denominator}"


def derived_views(
    *,
    spec: TemplateSpec,
    items: Iterable[DerivedSpec],
    texts: Mapping[str, str],
    answers: Mapping[int, str | None],
    problems: Mapping[int, str] | None = None,
) -> list[DerivedView]:
    """Each derived item's value for these answers, with what is wrong with its inputs (typed
    numbers that are not whole numbers ≥ 0, or that contradict each other)."""
    problems = problems or {}
    contradicted = {code for _soal_id, code in contradictions(spec, answers)}
    views = []
    for item in items:
        view = DerivedView(item.code, texts.get(item.code, item.code), item.formula, None)
        bad = [problems[i] for i in view.inputs if i in problems]
        if bad:
            view.problems.extend(dict.fromkeys(bad))
        else:
            view.value = derived_value(item.formula, answers)
        if item.code in contradicted:
            view.problems.append(str(CONTRADICTION % {"code": item.code}))
            view.value = None
        views.append(view)
    return views


def typed_inputs(spec: TemplateSpec, data: Mapping[str, str]) -> tuple[dict[int, str | None], dict[int, str]]:
    """Numbers typed into the worksheet's ``s<id>-answer`` fields of Jumlah soal, normalised, and
    the problems of those that are not whole numbers ≥ 0 (``{soal_id: message}``)."""
    soal_by_id = spec.soal_by_id()
    typed: dict[int, str | None] = {}
    problems: dict[int, str] = {}
    for key, raw in data.items():
        if not (key.startswith("s") and key.endswith("-answer")):
            continue
        number = key[1 : -len("-answer")]
        if not number.isdigit() or int(number) not in soal_by_id:
            continue
        soal = soal_by_id[int(number)]
        if soal.answer_type != "JUMLAH":
            continue
        try:
            typed[soal.soal_id] = normalise_answer(soal, raw)
        except AnswerError:
            problems[soal.soal_id] = f"[{soal.soal_id}] {WHOLE_NUMBER}"
    return typed, problems


def derived_texts(*, penilaian: Penilaian, codes: Iterable[str]) -> dict[str, str]:
    codes = list(codes)
    if not codes:
        return {}
    texts = template_derived_texts(penilaian.template_id)
    return {code: texts[code] for code in codes if code in texts}


def derived_preview(
    *, penilaian: Penilaian, node_id: int, data: Mapping[str, str]
) -> tuple[NodeSpec, list[DerivedView]]:
    """The derived percentages of one sub-area for the numbers as typed (nothing is saved): typed
    values override the saved ones."""
    spec = penilaian_spec(penilaian)
    node = next((n for n in spec.nodes() if n.node_id == node_id and n.derived), None)
    if node is None:
        raise Http404
    typed, problems = typed_inputs(spec, data)
    answers = {**unit_answers_only(penilaian=penilaian), **typed}
    texts = derived_texts(penilaian=penilaian, codes=[d.code for d in node.derived])
    return node, derived_views(spec=spec, items=node.derived, texts=texts, answers=answers, problems=problems)


# -----------------------------------------------------------------------------
# The worksheet page of one section
# -----------------------------------------------------------------------------


@dataclass
class OptionView:
    key: str
    label: str
    multiplier: Decimal

    @property
    def explains(self) -> bool:
        """Whether the label says more than the key (Ya/Tidak labels repeat it)."""
        return self.label.strip().casefold() != self.key.casefold()


_SOAL_MARK = 987_654_321  # stands for the item's number in a URL reversed once per page
_FILE_MARK = uuid.UUID(int=0)  # and for a file's id


class ItemUrlMaker:
    """The worksheet's per-item links: each URL pattern is reversed once per page with marker values
    and the item's number (and a file's id) put in their place — a ``reverse`` per link and item was
    a tenth of the page. The markers are whole path segments, so nothing else can match them."""

    def __init__(self, penilaian: Penilaian) -> None:
        kwargs = {"public_id": penilaian.public_id, "soal_id": _SOAL_MARK}
        self._save = reverse("penilaian:jawaban-save", kwargs=kwargs)
        self._upload = reverse("penilaian:evidence-upload", kwargs=kwargs)
        self._attach = reverse("penilaian:evidence-attach", kwargs=kwargs)
        self._detach = reverse("penilaian:evidence-detach", kwargs={**kwargs, "bukti_id": _FILE_MARK})
        self._download = reverse("bukti_dukung:download", kwargs={"public_id": _FILE_MARK})

    @staticmethod
    def _put(url: str, number: int | None = None, file_id: uuid.UUID | None = None) -> str:
        if number is not None:
            url = url.replace(f"/{_SOAL_MARK}/", f"/{number}/", 1)
        if file_id is not None:
            url = url.replace(f"/{_FILE_MARK}/", f"/{file_id}/", 1)
        return url

    def item(self, number: int) -> ItemUrls:
        return ItemUrls(
            save=self._put(self._save, number),
            upload=self._put(self._upload, number),
            attach=self._put(self._attach, number),
        )

    def files(self, number: int, evidence: list[BuktiDukung]) -> list[EvidenceFile]:
        return [
            EvidenceFile(
                bukti=bukti,
                download=self._put(self._download, file_id=bukti.public_id),
                detach=self._put(self._detach, number, bukti.public_id),
            )
            for bukti in evidence
        ]


@dataclass(frozen=True)
class ItemUrls:
    save: str
    upload: str
    attach: str


@dataclass(frozen=True)
class EvidenceFile:
    """A file attached to an item, with its download and remove links."""

    bukti: BuktiDukung
    download: str
    detach: str


@dataclass
class ItemView:
    """One soal on the worksheet: the question, what each option means, the unit's answer, its
    evidence, what the TPI asked to fix, and (when editable) its forms."""

    soal: Soal
    spec: SoalSpec
    row: Jawaban | None
    evidence: list[BuktiDukung]
    item_return: ItemReturn | None
    refusal: DomainError | None
    form: Any = None  # JawabanForm when editable
    upload_form: Any = None  # EvidenceUploadForm when editable
    pick_form: Any = None  # EvidenceAttachForm when the picker is open
    conflict: Jawaban | None = None  # the other person's saved answer after a conflict
    suggestion: Suggestion | None = None  # what ZI's own records suggest (apps.penilaian.suggestions)
    urls: ItemUrls | None = None  # its save, upload and pick links
    files: list[EvidenceFile] = field(default_factory=list)  # ``evidence`` with their links
    saved: bool = False
    error: str | None = None  # a refusal of the last attempt (window, status, area)

    @property
    def number(self) -> int:
        return self.soal.portalrb_soal_id

    @property
    def editable(self) -> bool:
        return self.refusal is None

    @property
    def version(self) -> int:
        return self.row.version if self.row is not None else 0

    @property
    def answer(self) -> str | None:
        return self.row.answer if self.row is not None else None

    @property
    def options(self) -> list[OptionView]:
        return [OptionView(o["key"], o.get("label", ""), Decimal(str(o["multiplier"]))) for o in self.soal.options]

    @property
    def answer_label(self) -> str:
        for option in self.options:
            if option.key == self.answer:
                return option.label if option.explains else ""
        return ""

    @property
    def is_option(self) -> bool:
        return bool(self.soal.options)

    @property
    def is_number(self) -> bool:
        return self.soal.answer_type == "JUMLAH"

    @property
    def is_survey(self) -> bool:
        return self.soal.answer_type == "NILAI_0_4"


@dataclass
class GroupView:
    """A sub-area (or a hasil sub-component) with its score, items and derived percentages."""

    node: NodeSpec
    trail: list[str]
    score: NodeScore
    items: list[ItemView]
    derived: list[DerivedView]

    @property
    def title(self) -> str:
        return " › ".join([*self.trail, self.node.name])

    @property
    def has_inputs(self) -> bool:
        return any(item.is_number for item in self.items)


@dataclass
class SectionProgress:
    section: Section
    answered: int
    points: Decimal
    assignees: list[Any]

    @property
    def total(self) -> int:
        return self.section.total

    @property
    def done(self) -> bool:
        return self.answered == self.total


@dataclass
class WorksheetPage:
    penilaian: Penilaian
    section: Section
    sections: list[SectionProgress]
    groups: list[GroupView]
    section_score: NodeScore
    lock_message: str | None
    assignees: list[Any]
    returned_here: int

    @property
    def items(self) -> list[ItemView]:
        return [item for group in self.groups for item in group.items]

    @property
    def current(self) -> SectionProgress:
        return next(p for p in self.sections if p.section.slug == self.section.slug)

    def neighbours(self) -> tuple[Section | None, Section | None]:
        slugs = [p.section for p in self.sections]
        index = slugs.index(self.section)
        return (slugs[index - 1] if index else None, slugs[index + 1] if index + 1 < len(slugs) else None)


def _section_groups(section: Section) -> list[NodeSpec]:
    """The nodes of a section that carry soal or derived items, in worksheet order."""
    return [node for node in section.node.walk() if node.soal or node.derived]


def _trails(section: Section) -> dict[int, list[str]]:
    """For nested sub-areas (Reform 5.iii › a. LHKPN), the names between the section and the node."""
    trails: dict[int, list[str]] = {}

    def walk(node: NodeSpec, above: list[str]) -> None:
        trails[node.node_id] = above
        for child in node.children:
            walk(child, [*above, node.name])

    for child in section.node.children:
        walk(child, [])
    return trails


def item_view(
    *,
    actor: Membership,
    penilaian: Penilaian,
    soal: Soal,
    spec: TemplateSpec,
    state: UnitState,
    area: int,
    today: datetime.date | None = None,
    suggestions: Mapping[int, Suggestion] | None = None,
    urls: ItemUrlMaker | None = None,
) -> ItemView:
    number = soal.portalrb_soal_id
    urls = urls or ItemUrlMaker(penilaian)
    evidence = state.evidence.get(number, [])
    row = state.rows.get(number)
    item_return = state.returns.get(number)
    refusal = unit_edit_refusal(
        actor=actor,
        penilaian=penilaian,
        area=area,
        returned=item_return is not None,
        area_assignees=state.assignees(area),
        today=today,
    )
    item = ItemView(
        soal=soal,
        spec=spec.soal_by_id()[number],
        row=row,
        evidence=evidence,
        item_return=item_return,
        refusal=refusal,
        suggestion=(suggestions or {}).get(number),
        urls=urls.item(number),
        files=urls.files(number, evidence),
    )
    if item.editable:
        item.form = JawabanForm(soal=soal, initial=JawabanForm.initial_for(row))
        item.upload_form = EvidenceUploadForm(soal=soal)
    return item


def worksheet_page(
    *,
    actor: Membership,
    penilaian: Penilaian,
    section: Section,
    overrides: Mapping[int, ItemView] | None = None,
    today: datetime.date | None = None,
) -> WorksheetPage:
    """Every soal of one section, in a constant number of queries: the unit's rows, their evidence,
    the open returns, the area assignments, and what ZI's records suggest for the section's soal (none,
    or up to three queries for the sections holding mapped soal). The soal texts and derived-item
    texts come from the per-process cache of the template."""
    spec = penilaian_spec(penilaian)
    state = unit_state(penilaian=penilaian, soal_ids=section.soal_ids)
    soal_rows = template_soal(penilaian.template_id)
    suggestions = suggestions_for(penilaian=penilaian, soal_ids=section.soal_ids, today=today)
    urls = ItemUrlMaker(penilaian)
    texts = derived_texts(penilaian=penilaian, codes=section.derived_codes)
    answers = state.answers
    result = score(spec, answers)
    overrides = overrides or {}
    trails = _trails(section)
    groups = []
    for node in _section_groups(section):
        items = [
            overrides.get(s.soal_id)
            or item_view(
                actor=actor,
                penilaian=penilaian,
                soal=soal_rows[s.soal_id],
                spec=spec,
                state=state,
                area=section.area,
                today=today,
                suggestions=suggestions,
                urls=urls,
            )
            for s in node.soal
        ]
        derived = derived_views(spec=spec, items=node.derived, texts=texts, answers=answers)
        groups.append(GroupView(node, trails.get(node.node_id, []), result.nodes[node.node_id], items, derived))
    page_refusal = unit_edit_refusal(
        actor=actor,
        penilaian=penilaian,
        area=section.area,
        returned=True,
        area_assignees=state.assignees(section.area),
        today=today,
    )
    lock_message = str(page_refusal) if page_refusal is not None else None
    if lock_message is None and penilaian.status == S.REVISION:
        lock_message = str(REVISION_ONLY_RETURNED)
    return WorksheetPage(
        penilaian=penilaian,
        section=section,
        sections=section_progress(spec=spec, result=result, state=state),
        groups=groups,
        section_score=result.nodes[section.node.node_id],
        lock_message=lock_message,
        assignees=[a.assignee for a in state.assignments if a.area == section.area],
        returned_here=sum(1 for soal_id in section.soal_ids if soal_id in state.returns),
    )


def section_progress(*, spec: TemplateSpec, result: ScoreResult, state: UnitState) -> list[SectionProgress]:
    return [
        SectionProgress(
            section=section,
            answered=state.answered(section.soal_ids),
            points=result.nodes[section.node.node_id].points,
            assignees=[a.assignee for a in state.assignments if a.area == section.area],
        )
        for section in section_list(spec)
    ]


@dataclass
class ItemResponse:
    """An item re-read after a write (or a refused attempt) and what changed around it: its
    group's score and derived percentages, the section's score and every section's progress."""

    item: ItemView
    group: GroupView
    section: Section
    section_score: NodeScore
    sections: list[SectionProgress]


def item_response(
    *,
    actor: Membership,
    penilaian: Penilaian,
    soal: Soal,
    today: datetime.date | None = None,
    saved: Jawaban | None = None,
) -> ItemResponse:
    """``saved``: the unit's row as the write that just committed it returned it (not read again)."""
    spec = penilaian_spec(penilaian)
    section = section_of_soal(spec)[soal.portalrb_soal_id]
    state = unit_state(penilaian=penilaian, soal_ids=[soal.portalrb_soal_id], saved=saved)
    number = soal.portalrb_soal_id
    item = item_view(
        actor=actor,
        penilaian=penilaian,
        soal=soal,
        spec=spec,
        state=state,
        area=section.area,
        today=today,
        suggestions=suggestions_for(penilaian=penilaian, soal_ids=[number], today=today),
    )
    result = score(spec, state.answers)
    node = next(n for n in section.node.walk() if any(s.soal_id == soal.portalrb_soal_id for s in n.soal))
    texts = derived_texts(penilaian=penilaian, codes=[d.code for d in node.derived])
    derived = derived_views(spec=spec, items=node.derived, texts=texts, answers=state.answers)
    return ItemResponse(
        item=item,
        group=GroupView(node, [], result.nodes[node.node_id], [item], derived),
        section=section,
        section_score=result.nodes[section.node.node_id],
        sections=section_progress(spec=spec, result=result, state=state),
    )
