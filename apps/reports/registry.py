"""The report kinds: domain apps register theirs, the reports app renders them (STYLE §4.2).

``reports`` never imports a domain app. Each domain app declares its kinds in its own
``<app>/reports.py`` module, which :class:`apps.reports.apps.ReportsConfig` imports at start-up
with Django's ``autodiscover_modules("reports")``::

    register_report(
        "unit_profile",
        title=_("Work unit profile"),
        template="reports/unit_profile.html",
        build_context=build_unit_profile_context,
        capability=Cap.UNIT_VIEW,
        clean_params=clean_unit_profile_params,
    )

* ``clean_params(actor, raw) -> ReportParams`` runs when a report is **requested**: it resolves every
  object the raw parameters name through the actor's scope (another instansi's object → ``Http404``,
  a missing parameter → ``ValidationError``) and returns the JSON-able parameters stored on the row,
  plus a short subject for the title (e.g. the unit's name).
* ``build_context(*, instansi, params) -> dict`` runs in the worker, inside the instansi scope, and
  returns what the template needs. It fetches everything from the database: templates never query.
  A context key ``unit`` (anything with a ``name``) is shown in the page header of ``reports/base.html``.
* ``capability``: what an actor must hold (besides ``report.create`` to request) to request, see,
  list and download reports of this kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from apps.tenancy.models import Instansi, Membership


@dataclass(frozen=True)
class ReportParams:
    """What ``clean_params`` returns: the stored parameters and the subject shown in the title."""

    params: dict[str, Any] = field(default_factory=dict)
    subject: str = ""


class ContextBuilder(Protocol):
    def __call__(self, *, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]: ...


ParamsCleaner = Callable[["Membership", Mapping[str, Any]], ReportParams]


def _no_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    return ReportParams()


@dataclass(frozen=True)
class ReportKind:
    kind: str
    title: str | Promise
    template: str
    build_context: ContextBuilder
    capability: str
    clean_params: ParamsCleaner = _no_params


# kind → definition; filled at start-up by the domain apps' reports modules.
REPORT_KINDS: dict[str, ReportKind] = {}


class ReportKindAlreadyRegistered(RuntimeError):
    """Two modules registered the same kind: a programming error caught at start-up."""


def register_report(
    kind: str,
    *,
    title: str | Promise,
    template: str,
    build_context: ContextBuilder,
    capability: str,
    clean_params: ParamsCleaner = _no_params,
) -> ReportKind:
    """Declare a report kind. Registering the same kind twice with a different definition fails."""
    definition = ReportKind(
        kind=kind,
        title=title,
        template=template,
        build_context=build_context,
        capability=capability,
        clean_params=clean_params,
    )
    existing = REPORT_KINDS.get(kind)
    # A module imported twice (e.g. by a test and by autodiscovery) re-registers the same functions.
    if existing is not None and existing != definition:
        raise ReportKindAlreadyRegistered(f"report kind {kind!r} is already registered")
    REPORT_KINDS[kind] = definition
    return definition


def report_kind_get(kind: str) -> ReportKind | None:
    return REPORT_KINDS.get(kind)


def report_kinds_for(actor: Membership) -> list[ReportKind]:
    """The kinds whose capability the actor holds (what they may list and open)."""
    return [definition for definition in REPORT_KINDS.values() if actor.can(definition.capability)]
