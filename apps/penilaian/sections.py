"""The parts of the worksheet, shared by the unit's worksheet and the TPI review: the six areas ×
Pemenuhan and Reform, then Hasil, in the order of the official workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.lke.models import Soal
from apps.lke.scoring import NodeSpec, TemplateSpec

HASIL_SLUG = "hasil"
HASIL_AREA = 7  # AreaAssignment's number for the hasil part
HALF_LABELS = {"pemenuhan": _("Pemenuhan"), "reform": _("Reform")}


@dataclass(frozen=True)
class Section:
    slug: str  # "pemenuhan-1" … "reform-6", "hasil"
    half: str  # "pemenuhan" / "reform" / "" for hasil
    area: int  # 1–6, or 7 for hasil (AreaAssignment's numbering)
    node: NodeSpec
    soal_ids: tuple[int, ...]
    derived_codes: tuple[str, ...]

    @property
    def title(self) -> str:
        if self.half:
            return f"{HALF_LABELS[self.half]} {self.node.name}"
        return self.node.name

    @property
    def total(self) -> int:
        return len(self.soal_ids)

    @property
    def short(self) -> str:
        """ "Pemenuhan 1", "Reform 6", "Hasil": what the navigation shows on a small screen."""
        return f"{HALF_LABELS[self.half]} {self.area}" if self.half else str(_("Hasil"))

    @property
    def label(self) -> str:
        return self.title

    @property
    def is_hasil(self) -> bool:
        return self.slug == HASIL_SLUG

    @property
    def long(self) -> str:
        """The area's name without its number ("MANAJEMEN PERUBAHAN"); empty for hasil."""
        return re.sub(r"^\s*\d+\.\s*", "", self.node.name) if self.half else ""


# Per template spec (the per-process template cache hands out one spec per template): the sections
# are derived from the spec alone, and every worksheet request and autosave asks for them.
_BY_SPEC: dict[int, tuple[TemplateSpec, tuple[Section, ...], dict[int, Section]]] = {}


def _of_spec(spec: TemplateSpec) -> tuple[tuple[Section, ...], dict[int, Section]]:
    cached = _BY_SPEC.get(id(spec))
    if cached is None or cached[0] is not spec:
        sections = tuple(_section_list(spec))
        by_soal = {soal_id: section for section in sections for soal_id in section.soal_ids}
        if len(_BY_SPEC) > 32:
            _BY_SPEC.clear()
        cached = _BY_SPEC[id(spec)] = (spec, sections, by_soal)
    return cached[1], cached[2]


def section_list(spec: TemplateSpec) -> list[Section]:
    """The worksheet's parts in the order of the official workbook."""
    return list(_of_spec(spec)[0])


def _section_list(spec: TemplateSpec) -> list[Section]:
    found: list[Section] = []
    hasil: list[Section] = []
    for node in spec.nodes():
        walked = node.walk()
        soal_ids = tuple(s.soal_id for n in walked for s in n.soal)
        codes = tuple(d.code for n in walked for d in n.derived)
        if node.level == "area_perubahan" and node.half and node.area:
            found.append(Section(f"{node.half}-{node.area}", node.half, node.area, node, soal_ids, codes))
        elif node.level == "komponen" and node.komponen == "hasil":
            hasil.append(Section(HASIL_SLUG, "", HASIL_AREA, node, soal_ids, codes))
    order = {"pemenuhan": 0, "reform": 1}
    found.sort(key=lambda s: (order.get(s.half, 9), s.area))
    return [*found, *hasil]


def section_get_or_404(spec: TemplateSpec, slug: str) -> Section:
    for section in section_list(spec):
        if section.slug == slug:
            return section
    raise Http404


def section_of_soal(spec: TemplateSpec) -> dict[int, Section]:
    return dict(_of_spec(spec)[1])


def section_slug_of(soal: Soal) -> str:
    """The section slug of a soal row (its node loaded), without building the whole list."""
    node = soal.node
    if node.komponen == "hasil" or not node.area:
        return HASIL_SLUG
    return f"{node.half}-{node.area}"
