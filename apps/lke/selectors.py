"""Reads of the LKE instrument, turned into the scoring engine's plain specs."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from apps.lke.models import DerivedItem, LKENode, LKETemplate, Soal, ThresholdRule
from apps.lke.scoring import DerivedSpec, NodeSpec, SoalSpec, TemplateSpec, ThresholdSpec


def lke_template_latest(*, tahun: int | None = None) -> LKETemplate | None:
    templates = LKETemplate.objects.all()
    if tahun is not None:
        templates = templates.filter(tahun=tahun)
    return templates.order_by("-tahun", "-version").first()


@lru_cache(maxsize=16)
def template_spec(template_id: int, rule_set: str = "default") -> TemplateSpec:
    """The whole instrument as immutable data, in four queries, cached per process: a template
    version never changes once imported."""
    nodes = list(LKENode.objects.filter(template_id=template_id).order_by("order"))
    soal_by_node: dict[int, list[SoalSpec]] = defaultdict(list)
    for soal in Soal.objects.filter(template_id=template_id).order_by("order"):
        soal_by_node[soal.node_id].append(
            SoalSpec(
                soal_id=soal.portalrb_soal_id,
                answer_type=soal.answer_type,
                weight=soal.weight,
                options={o["key"]: Decimal(o["multiplier"]) for o in soal.options},
                order=soal.order,
            )
        )
    derived_by_node: dict[int, list[DerivedSpec]] = defaultdict(list)
    for item in DerivedItem.objects.filter(template_id=template_id).order_by("order"):
        derived_by_node[item.node_id].append(DerivedSpec(code=item.code, formula=item.formula, order=item.order))
    children: dict[int | None, list[LKENode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)

    def build(node: LKENode) -> NodeSpec:
        return NodeSpec(
            node_id=node.portalrb_node_id,
            level=node.level,
            name=node.name,
            weight=node.weight,
            komponen=node.komponen,
            half=node.half,
            area=node.area,
            scoring=node.scoring,
            children=tuple(build(child) for child in children[node.pk]),
            soal=tuple(soal_by_node[node.pk]),
            derived=tuple(derived_by_node[node.pk]),
        )

    thresholds = tuple(
        ThresholdSpec(
            predikat=rule.predikat,
            code=rule.code,
            label=rule.label,
            target=rule.target,
            target_ref=rule.target_ref,
            min_points=rule.min_points,
            min_ratio=rule.min_ratio,
        )
        for rule in ThresholdRule.objects.filter(template_id=template_id, rule_set=rule_set).order_by(
            "predikat", "order"
        )
    )
    return TemplateSpec(roots=tuple(build(root) for root in children[None]), thresholds=thresholds)


@lru_cache(maxsize=16)
def template_soal(template_id: int) -> dict[int, Soal]:
    """Every soal of a template (its node joined) by PortalRB id, in order, cached per process like
    ``template_spec``: a template version never changes once imported. The instances are shared
    between requests: read them, never change them."""
    rows = Soal.objects.filter(template_id=template_id).select_related("node").order_by("order")
    return {soal.portalrb_soal_id: soal for soal in rows}


@lru_cache(maxsize=16)
def template_soal_numbers(template_id: int) -> dict[int, int]:
    """Soal primary key → PortalRB number, for rows that carry ``soal_id`` (no join to read the number)."""
    return {soal.pk: number for number, soal in template_soal(template_id).items()}


@lru_cache(maxsize=16)
def template_derived_texts(template_id: int) -> dict[str, str]:
    """The text of every derived percentage of a template by code (cached like ``template_soal``)."""
    return dict(DerivedItem.objects.filter(template_id=template_id).values_list("code", "text"))


def template_caches_clear() -> None:
    """Forget the cached instruments (tests that import a template again under a reused id)."""
    template_spec.cache_clear()
    template_soal.cache_clear()
    template_soal_numbers.cache_clear()
    template_derived_texts.cache_clear()
