"""Reads for the unit's side of the penilaian: the list, the detail page and the worksheet.

Everything here is read-only page data built from a constant number of queries, whatever is
answered: the instrument comes from the cached ``template_spec``, the answers of a penilaian from one
query, their evidence from one query over the M2M table (a ``prefetch_related`` would skip its query
when there are no rows, and the count would then depend on the data), the soal texts of a section
from one query. Scores come from the pure engine (``apps.lke.scoring``).

``unit_edit_refusal`` is the one decision of "may this member change this item now", mirroring the
rules ``services.jawaban_save`` enforces; the page uses it to render items read-only and the
evidence services use it to refuse.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import DomainError, PermissionDeniedError
from apps.lke.models import Soal
from apps.lke.scoring import (
    AnswerError,
    Completeness,
    DerivedSpec,
    Estimate,
    NodeScore,
    NodeSpec,
    PredikatRange,
    ScoreResult,
    SoalSpec,
    TemplateSpec,
    completeness,
    contradictions,
    derived_value,
    estimate,
    half_completeness,
    normalise_answer,
    predikat_estimate,
    predikat_range,
    score,
)
from apps.lke.selectors import template_derived_texts, template_soal
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    ReturnStatus,
    Tier,
    TPITier,
)
from apps.penilaian.sections import (
    HALF_LABELS,
    Section,
    section_list,
    section_of_soal,
)
from apps.penilaian.selectors import UNIT_TIER, TierKey, penilaian_spec
from apps.penilaian.services import CONTRADICTION, jawaban_unit_edit_refusal, pokja_allows
from apps.penilaian.suggestions import Suggestion, suggestions_for
from apps.penilaian.worksheet_forms import EvidenceUploadForm, JawabanForm
from apps.tenancy.models import Membership
from apps.tenancy.roles import ROLE_CAPABILITIES, Cap
from apps.unit_kerja.models import Cycle

S = PenilaianStatus
CLOSED_STATUSES = frozenset({S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED})

READ_ONLY_MEMBER = _("You can read this LKE but not change it.")
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


def area_choices(spec: TemplateSpec) -> list[tuple[int, str]]:
    """Areas a pokja member can be given: the six areas perubahan (by name) and the hasil part."""
    names: dict[int, str] = {}
    for section in section_list(spec):
        if section.area not in names:
            names[section.area] = section.long if section.half else section.short
    return sorted(names.items())


# -----------------------------------------------------------------------------
# Who may change what, now
# -----------------------------------------------------------------------------


def unit_edit_refusal(
    *,
    actor: Membership,
    penilaian: Penilaian,
    area: int,
    returned: bool,
    area_assignees: Collection[int],
    today: datetime.date | None = None,
) -> DomainError | None:
    """Why the actor may not change the unit's answer to an item of ``area`` now, or None: the
    service's own rule (``jawaban_unit_edit_refusal``), with a plainer message for read-only members."""
    if not actor.can(Cap.PENILAIAN_FILL) and not pokja_allows(actor, penilaian, area):
        return PermissionDeniedError(READ_ONLY_MEMBER)
    return jawaban_unit_edit_refusal(
        actor=actor, penilaian=penilaian, returned=returned, area_assignees=area_assignees, today=today, area=area
    )


# -----------------------------------------------------------------------------
# The unit's answers, evidence, returns and area assignments
# -----------------------------------------------------------------------------


@dataclass
class UnitState:
    """What the unit has saved, and what the TPI returned: four queries. ``answers`` holds every
    answer (the scores and progress need them all); ``rows`` the whole rows of the soal asked for."""

    rows: dict[int, Jawaban]
    evidence: dict[int, list[BuktiDukung]]
    returns: dict[int, ItemReturn]
    assignments: list[AreaAssignment]
    answers: dict[int, str | None] = field(default_factory=dict)

    def assignees(self, area: int) -> set[int]:
        return {a.assignee_id for a in self.assignments if a.area == area}

    def answered(self, soal_ids: Iterable[int]) -> int:
        return sum(1 for soal_id in soal_ids if self.answers.get(soal_id) is not None)


def unit_rows(*, penilaian: Penilaian, soal_ids: Iterable[int] | None = None) -> dict[int, Jawaban]:
    """The unit's rows by soal number. Who saved each comes along as ``updater_name`` and
    ``updater_email`` (no user object per row), and each row's soal is the template's cached one."""
    rows = Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0
    ).annotate(
        soal_number=F("soal__portalrb_soal_id"),
        updater_name=F("updated_by__name"),
        updater_email=F("updated_by__email"),
    )
    if soal_ids is not None:
        rows = rows.filter(soal__portalrb_soal_id__in=list(soal_ids))
    soal = template_soal(penilaian.template_id)
    result: dict[int, Jawaban] = {}
    for row in rows:
        Jawaban.soal.field.set_cached_value(row, soal[row.soal_number])
        result[row.soal_number] = row
    return result


def unit_answers_and_rows(
    *, penilaian: Penilaian, soal_ids: Collection[int] | None = None
) -> tuple[dict[int, str | None], dict[int, Jawaban]]:
    """Every answer of the unit by soal number, and the whole rows of ``soal_ids`` (all when None),
    in one query: the rows come as plain tuples and only those asked for become ``Jawaban`` objects
    (a worksheet section shows a dozen of the LKE's 127), with ``updater_name``/``updater_email``
    and the template's cached soal as ``unit_rows`` gives them."""
    fields = [f.attname for f in Jawaban._meta.concrete_fields]
    answer_at = fields.index("answer")
    rows = (
        Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0)
        .order_by()
        .values_list(*fields, "soal__portalrb_soal_id", "updated_by__name", "updated_by__email")
    )
    wanted = set(soal_ids) if soal_ids is not None else None
    soal = template_soal(penilaian.template_id)
    answers: dict[int, str | None] = {}
    whole: dict[int, Jawaban] = {}
    count = len(fields)
    for values in rows:
        number = values[count]
        answers[number] = values[answer_at]
        if wanted is not None and number not in wanted:
            continue
        row = Jawaban.from_db(rows.db, fields, values[:count])
        row.soal_number, row.updater_name, row.updater_email = values[count:]  # type: ignore[attr-defined]
        Jawaban.soal.field.set_cached_value(row, soal[number])
        whole[number] = row
    return answers, whole


def unit_evidence(*, penilaian: Penilaian, soal_ids: Iterable[int] | None = None) -> dict[int, list[BuktiDukung]]:
    """The unit's evidence files per soal, oldest first, in one query over the M2M table."""
    through = Jawaban.evidence.through
    links = (
        through.objects.filter(
            jawaban__instansi_id=penilaian.instansi_id,
            jawaban__penilaian=penilaian,
            jawaban__tier=Tier.UNIT,
            jawaban__level=0,
        )
        .annotate(soal_number=F("jawaban__soal__portalrb_soal_id"))
        .select_related("buktidukung")
        .order_by("buktidukung__created_at", "pk")
    )
    if soal_ids is not None:
        links = links.filter(jawaban__soal__portalrb_soal_id__in=list(soal_ids))
    result: dict[int, list[BuktiDukung]] = defaultdict(list)
    for link in links:
        result[link.soal_number].append(link.buktidukung)
    return result


def unit_returns(*, penilaian: Penilaian) -> dict[int, ItemReturn]:
    """Returns not yet accepted (to fix, or waiting for re-check), by soal number."""
    rows = (
        ItemReturn.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .exclude(status=ReturnStatus.ACCEPTED)
        .select_related("soal", "soal__node")
        .order_by("soal__order")
    )
    return {row.soal.portalrb_soal_id: row for row in rows}


def area_assignments(*, penilaian: Penilaian) -> list[AreaAssignment]:
    return list(
        AreaAssignment.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .select_related("assignee")
        .order_by("area", "assignee__name", "assignee__email")
    )


def unit_state(*, penilaian: Penilaian, soal_ids: Iterable[int] | None = None) -> UnitState:
    ids = list(soal_ids) if soal_ids is not None else None
    answers, rows = unit_answers_and_rows(penilaian=penilaian, soal_ids=ids)
    return UnitState(
        rows=rows,
        evidence=unit_evidence(penilaian=penilaian, soal_ids=ids),
        returns=unit_returns(penilaian=penilaian),
        assignments=area_assignments(penilaian=penilaian),
        answers=answers,
    )


def area_assignable_members(*, penilaian: Penilaian) -> list[Membership]:
    """Members who could fill this penilaian: active, with Cap.PENILAIAN_FILL, and either not
    narrowed to a unit or narrowed to the penilaian's unit or one above it."""
    roles = sorted(role for role, caps in ROLE_CAPABILITIES.items() if Cap.PENILAIAN_FILL in caps)
    members = (
        Membership.objects.filter(instansi_id=penilaian.instansi_id, is_active=True, role__in=roles)
        .select_related("user", "unit")
        .order_by("user__name", "user__email")
    )
    return [m for m in members if not m.is_unit_narrowed or penilaian.unit.path.startswith(m.unit.path)]


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


def unit_answers_only(*, penilaian: Penilaian) -> dict[int, str | None]:
    return dict(
        Jawaban.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0
        ).values_list("soal__portalrb_soal_id", "answer")
    )


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
) -> ItemResponse:
    spec = penilaian_spec(penilaian)
    section = section_of_soal(spec)[soal.portalrb_soal_id]
    state = unit_state(penilaian=penilaian, soal_ids=[soal.portalrb_soal_id])
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


# -----------------------------------------------------------------------------
# The detail page: scores per tier, predikat estimate, progress, returns
# -----------------------------------------------------------------------------


@dataclass
class TierColumn:
    key: TierKey
    label: str
    result: ScoreResult
    estimates: list[Estimate]
    bounds: PredikatRange | None = None  # an incomplete tier gets a range, never one predikat

    @property
    def predikat(self) -> str | None:
        if self.bounds is not None and not self.bounds.complete:
            return None
        return predikat_estimate(self.estimates)

    @property
    def dom_id(self) -> str:
        tier, level = self.key
        return f"tier-{tier}{level or ''}"


@dataclass
class ScoreRow:
    label: str
    weight: Decimal
    values: list[Decimal]
    level: str  # "area", "subtotal", "total"
    done: list[Completeness] = field(default_factory=list)  # answered/total beside each value

    @property
    def cells(self) -> list[tuple[Decimal, Completeness | None]]:
        return [(value, self.done[i] if i < len(self.done) else None) for i, value in enumerate(self.values)]


@dataclass
class ReturnRow:
    item: ItemReturn
    section: Section | None


@dataclass
class DetailPage:
    penilaian: Penilaian
    columns: list[TierColumn]
    score_rows: list[ScoreRow]
    sections: list[SectionProgress]
    returns: list[ReturnRow]
    assignments: list[AreaAssignment]
    answered: int
    total: int

    @property
    def unit(self) -> TierColumn:
        return self.columns[0]


def _tier_label(key: TierKey, tiers: Mapping[int, str]) -> str:
    tier, level = key
    if tier == Tier.UNIT:
        return str(_("Unit (self-assessment)"))
    if tier == Tier.TPI:
        name = tiers.get(level)
        return f"TPI {level}" + (f" — {name}" if name else "")
    return "TPN"


def tier_answers(*, penilaian: Penilaian) -> dict[TierKey, dict[int, str | None]]:
    """Every tier's answers in one query (the unit's always present, possibly empty)."""
    answers: dict[TierKey, dict[int, str | None]] = {UNIT_TIER: {}}
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).values_list(
        "tier", "level", "soal__portalrb_soal_id", "answer"
    )
    for tier, level, soal_id, answer in rows:
        answers.setdefault((tier, level), {})[soal_id] = answer
    return answers


def _score_rows(spec: TemplateSpec, columns: list[TierColumn]) -> list[ScoreRow]:
    rows: list[ScoreRow] = []
    halves = {n.half: n for n in spec.nodes() if n.level == "sub_komponen" and n.half}
    for half in ("pemenuhan", "reform"):
        areas = sorted(columns[0].result.areas.get(half, {}).items())
        for area, node in areas:
            rows.append(
                ScoreRow(
                    f"{HALF_LABELS[half]} {node.name}",
                    node.weight,
                    [c.result.areas[half][area].points for c in columns],
                    "area",
                    [completeness(c.result, node.node_id) for c in columns],
                )
            )
        weight = halves[half].weight if half in halves else Decimal(30)
        done = [half_completeness(spec, c.result, half) for c in columns]
        rows.append(
            ScoreRow(str(HALF_LABELS[half]), weight, [getattr(c.result, half) for c in columns], "subtotal", done)
        )
    pengungkit = sum((n.weight for n in halves.values()), Decimal(0))
    done = [half_completeness(spec, c.result, "pengungkit") for c in columns]
    rows.append(ScoreRow(str(_("Pengungkit")), pengungkit, [c.result.pengungkit for c in columns], "subtotal", done))
    hasil = next((n for n in spec.nodes() if n.level == "komponen" and n.komponen == "hasil"), None)
    if hasil is not None:
        for child in hasil.children:
            rows.append(
                ScoreRow(
                    child.name,
                    child.weight,
                    [c.result.nodes[child.node_id].points for c in columns],
                    "area",
                    [completeness(c.result, child.node_id) for c in columns],
                )
            )
        done = [half_completeness(spec, c.result, "hasil") for c in columns]
        rows.append(ScoreRow(str(_("Hasil")), hasil.weight, [c.result.hasil for c in columns], "subtotal", done))
    total = sum((root.weight for root in spec.roots), Decimal(0))
    done = [completeness(c.result) for c in columns]
    rows.append(ScoreRow(str(_("Total")), total, [c.result.total for c in columns], "total", done))
    return rows


def detail_page(*, penilaian: Penilaian) -> DetailPage:
    """Scores of every tier side by side, the predikat estimate per tier, progress per section,
    the returned items and the area assignments — in a constant number of queries."""
    spec = penilaian_spec(penilaian)
    by_tier = tier_answers(penilaian=penilaian)
    tiers = dict(TPITier.objects.filter(instansi_id=penilaian.instansi_id).values_list("level", "name"))
    order = [Tier.UNIT, Tier.TPI, Tier.TPN]
    columns = []
    for key in sorted(by_tier, key=lambda k: (order.index(k[0]) if k[0] in order else 9, k[1])):
        result = score(spec, by_tier[key])
        bounds = predikat_range(spec, by_tier[key])
        columns.append(TierColumn(key, _tier_label(key, tiers), result, estimate(spec, result), bounds))
    returns = unit_returns(penilaian=penilaian)
    assignments = area_assignments(penilaian=penilaian)
    unit_answers = by_tier[UNIT_TIER]
    # Progress counts answered items; a lightweight state without rows is enough.
    answered_ids = {soal_id for soal_id, answer in unit_answers.items() if answer is not None}
    sections = [
        SectionProgress(
            section=section,
            answered=sum(1 for soal_id in section.soal_ids if soal_id in answered_ids),
            points=columns[0].result.nodes[section.node.node_id].points,
            assignees=[a.assignee for a in assignments if a.area == section.area],
        )
        for section in section_list(spec)
    ]
    by_soal = section_of_soal(spec)
    return DetailPage(
        penilaian=penilaian,
        columns=columns,
        score_rows=_score_rows(spec, columns),
        sections=sections,
        returns=[ReturnRow(item, by_soal.get(soal_id)) for soal_id, item in returns.items()],
        assignments=assignments,
        answered=len(answered_ids),
        total=len(spec.soal_by_id()),
    )


# -----------------------------------------------------------------------------
# The list page
# -----------------------------------------------------------------------------


@dataclass
class ListRow:
    penilaian: Penilaian
    answered: int
    total: int
    unit_total: Decimal


def penilaian_rows(*, penilaian_list: Iterable[Penilaian]) -> list[ListRow]:
    """Progress and the unit tier's total for each penilaian of a page, in one query."""
    items = list(penilaian_list)
    if not items:
        return []
    answers: dict[int, dict[int, str | None]] = defaultdict(dict)
    rows = Jawaban.objects.filter(
        instansi_id=items[0].instansi_id, penilaian__in=items, tier=Tier.UNIT, level=0
    ).values_list("penilaian_id", "soal__portalrb_soal_id", "answer")
    for penilaian_id, soal_id, answer in rows:
        answers[penilaian_id][soal_id] = answer
    result = []
    for penilaian in items:
        spec = penilaian_spec(penilaian)
        given = answers.get(penilaian.pk, {})
        result.append(
            ListRow(
                penilaian=penilaian,
                answered=sum(1 for a in given.values() if a is not None),
                total=len(spec.soal_by_id()),
                unit_total=score(spec, given).total,
            )
        )
    return result


def cycle_list(*, actor: Membership) -> list[Cycle]:
    return list(Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"))


def bukti_choices(*, actor: Membership, penilaian: Penilaian, limit: int = 200) -> tuple[Any, list[BuktiDukung]]:
    """The files of the evidence store that may go on this penilaian's answers: those held by the
    unit's own objects of kinds the actor may see, and the actor's own uploads (issue 18: never
    another unit's files). The whole queryset (to validate a pick) and the latest files (to offer)."""
    from apps.bukti_dukung.holders import bukti_of_unit_q

    queryset = BuktiDukung.objects.filter(
        bukti_of_unit_q(actor=actor, unit_path=penilaian.unit.path), instansi_id=actor.instansi_id
    )
    return queryset, list(queryset.select_related("uploaded_by").order_by("-created_at")[:limit])


# -----------------------------------------------------------------------------
# Excel: the answers to export, and the preview of an import
# -----------------------------------------------------------------------------

IMPORT_FIELDS = ("answer_unit", "note_unit", "evidence_unit")
FIELD_LABELS = {
    "answer_unit": _("Answer"),
    "note_unit": _("Note"),
    "evidence_unit": _("Evidence link"),
}
EVIDENCE_NOT_A_LINK = _("Column {column}: “{value}” is not a web link; the evidence column of this row was ignored.")
IMPORT_ROW_REFUSED = _("Soal {soal_id}: {reason}")


def workbook_answers(*, penilaian: Penilaian) -> dict[int, dict[str, str | None]]:
    """What the official workbook carries per soal: the unit's answer, note and evidence link, and
    the answer and note of the most advanced TPI tier that has answered (one query)."""
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).values_list(
        "tier", "level", "soal__portalrb_soal_id", "answer", "note", "evidence_link"
    )
    unit: dict[int, tuple[str | None, str, str]] = {}
    tpi: dict[int, dict[int, tuple[str | None, str]]] = defaultdict(dict)
    for tier, level, soal_id, answer, note, link in rows:
        if tier == Tier.UNIT:
            unit[soal_id] = (answer, note, link)
        elif tier == Tier.TPI:
            tpi[level][soal_id] = (answer, note)
    latest = tpi[max(tpi)] if tpi else {}
    answers: dict[int, dict[str, str | None]] = {}
    for soal_id in {*unit, *latest}:
        answer, note, link = unit.get(soal_id, (None, "", ""))
        tpi_answer, tpi_note = latest.get(soal_id, (None, ""))
        answers[soal_id] = {
            "answer_unit": answer,
            "note_unit": note or None,
            "evidence_unit": link or None,
            "answer_tpi": tpi_answer,
            "note_tpi": tpi_note or None,
        }
    return answers


@dataclass
class ImportFieldChange:
    label: str
    old: str | None
    new: str


@dataclass
class ImportRowView:
    """One soal the workbook would change: what changes, and whether ZI's answer is newer than
    the workbook (then it is replaced only when the person ticks it)."""

    soal: Soal
    excel_row: int
    fields: list[ImportFieldChange]
    newer: bool
    answer: str | None
    note: str
    evidence_link: str
    version: int


@dataclass
class ImportPreview:
    """What the import would change, the warnings, and every row that was not understood or may not
    be changed (``problems``: left out of the import, never a reason to refuse the rest)."""

    rows: list[ImportRowView]
    problems: list[Any]  # apps.lke.excel.parsed.Problem
    warnings: list[tuple[int | None, str]]
    exported_at: datetime.datetime | None
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows)

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        return [(p.row, p.text()) for p in self.problems]


def _is_link(value: str) -> bool:
    if len(value) > 500:
        return False
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def workbook_preview(*, actor: Membership, penilaian: Penilaian, parsed: Any) -> ImportPreview:
    """What importing a parsed workbook would change in the unit's answers (``ParsedWorkbook`` of
    ``apps.lke.excel``). Only the unit's columns are read. A blank cell never clears an answer.
    Problems by sheet, row and column — the workbook's own rows not understood, items the member may
    not change now, and numbers that would contradict each other once merged with what ZI holds —
    are listed and left out; everything else can still be imported (issue 16)."""
    from apps.lke.excel import workbook_changes
    from apps.lke.excel.parsed import Problem

    spec = penilaian_spec(penilaian)
    rows = unit_rows(penilaian=penilaian)
    returns = unit_returns(penilaian=penilaian)
    assignments = area_assignments(penilaian=penilaian)
    current = {
        soal_id: {"answer_unit": row.answer, "note_unit": row.note or None, "evidence_unit": row.evidence_link or None}
        for soal_id, row in rows.items()
    }
    changed_at = {soal_id: row.updated_at for soal_id, row in rows.items() if row.version > 0}
    changes = workbook_changes(parsed, current, fields=IMPORT_FIELDS, changed_at=changed_at)
    problems: list[Problem] = list(parsed.problems)
    warnings: list[tuple[int | None, str]] = list(parsed.warnings)
    by_soal: dict[int, list[Any]] = defaultdict(list)
    for change in changes:
        if change.field == "evidence_unit" and not _is_link(change.new):
            read = parsed.rows.get(change.soal_id)
            column = (read.evidence_column if read is not None else None) or "—"
            warnings.append((change.excel_row, EVIDENCE_NOT_A_LINK.format(column=column, value=change.new[:80])))
            continue
        by_soal[change.soal_id].append(change)
    soal_rows = {
        s.portalrb_soal_id: s
        for s in Soal.objects.filter(
            template_id=penilaian.template_id, portalrb_soal_id__in=list(by_soal)
        ).select_related("node")
    }
    sections = section_of_soal(spec)
    merged = {soal_id: row.answer for soal_id, row in rows.items()}
    previews: list[ImportRowView] = []
    left_out: set[int] = set()
    for soal_id, items in by_soal.items():
        row = rows.get(soal_id)
        new = {c.field: c.new for c in items}
        preview = ImportRowView(
            soal=soal_rows[soal_id],
            excel_row=items[0].excel_row,
            fields=[ImportFieldChange(str(FIELD_LABELS[c.field]), c.old, c.new) for c in items],
            newer=any(c.overwrites_newer for c in items),
            answer=new.get("answer_unit", row.answer if row else None),
            note=new.get("note_unit", row.note if row else ""),
            evidence_link=new.get("evidence_unit", row.evidence_link if row else ""),
            version=row.version if row else 0,
        )
        merged[soal_id] = preview.answer
        area = sections[soal_id].area
        refusal = unit_edit_refusal(
            actor=actor,
            penilaian=penilaian,
            area=area,
            returned=soal_id in returns,
            area_assignees={a.assignee_id for a in assignments if a.area == area},
        )
        if refusal is not None:
            message = IMPORT_ROW_REFUSED.format(soal_id=soal_id, reason=refusal)
            problems.append(_row_problem(parsed, soal_id, preview.excel_row, message))
            left_out.add(soal_id)
        previews.append(preview)
    excel_rows = {soal_id: row.excel_row for soal_id, row in parsed.rows.items()}
    formulas = {d.code: d.formula for d in spec.derived()}
    for soal_id, code in contradictions(spec, merged):
        # Only contradictions this workbook causes; one already in ZI is not the import's fault.
        # Every changed input of that percentage is left out, so what ZI holds stays consistent.
        changed = [i for i in formula_inputs(formulas[code]) if i in by_soal]
        if changed:
            message = str(CONTRADICTION % {"code": code})
            problems.append(_row_problem(parsed, soal_id, excel_rows.get(soal_id), message))
            left_out.update(changed)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
    previews = sorted((p for p in previews if p.soal.portalrb_soal_id not in left_out), key=lambda p: p.excel_row)
    return ImportPreview(
        rows=previews, problems=problems, warnings=warnings, exported_at=parsed.exported_at, sheet=parsed.sheet
    )


def _row_problem(parsed: Any, soal_id: int, excel_row: int | None, message: str) -> Any:
    """A soal the import leaves out, as a problem of its workbook row (the unit's answer column)."""
    from apps.lke.excel.parsed import Problem

    read = parsed.rows.get(soal_id)
    found = (read.answer_unit if read is not None else None) or "—"
    return Problem(parsed.sheet, excel_row, read.answer_column if read else None, found, "—", message, soal_id)
