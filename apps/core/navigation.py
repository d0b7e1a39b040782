"""The top navigation, grouped by the stages of the Zona Integritas cycle.

``core`` never imports a domain app. Each app declares its entries in its own ``<app>/navigation.py``,
imported at start-up by :class:`apps.core.apps.CoreConfig` (``autodiscover_modules("navigation")``)::

    register_nav(Group.PERSIAPAN, "unit_kerja:unit-list", _("Unit kerja"), capability=Cap.UNIT_VIEW, order=10)

The context processor shows a group only when the member may open at least one of its entries, so a
pegawai sees a short bar and an admin ZI a handful of menus instead of a dozen links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from apps.tenancy.models import Membership


class Group(models.TextChoices):
    """The menus, in the order of the cycle (DESIGN §6)."""

    PERSIAPAN = "persiapan", _("Preparation")
    PEMBANGUNAN = "pembangunan", _("Building")
    PENILAIAN = "penilaian", _("Assessment")
    PENGUSULAN = "pengusulan", _("Proposal")
    ADMINISTRASI = "administrasi", _("Administration")
    NASIONAL = "nasional", _("National")


@dataclass(frozen=True)
class NavItem:
    group: str
    url_name: str
    label: str | Promise
    capability: str | None
    order: int
    national: bool
    any_of: tuple[str, ...] = ()

    def visible_to(self, membership: Membership) -> bool:
        if self.national:
            return membership.is_national
        if membership.instansi_id is None:
            return False
        if self.any_of:
            return any(membership.can(capability) for capability in self.any_of)
        return self.capability is None or membership.can(self.capability)


@dataclass(frozen=True)
class NavGroup:
    code: str
    label: str
    items: list[tuple[str, str]]  # (label, url)


_ITEMS: dict[str, NavItem] = {}


def register_nav(
    group: str,
    url_name: str,
    label: str | Promise,
    *,
    capability: str | None = None,
    order: int = 100,
    national: bool = False,
    any_of: Iterable[str] = (),
) -> None:
    """Declare one menu entry. ``capability=None`` shows it to every instansi member;
    ``any_of`` to a member holding at least one of these capabilities (a page whose rule is
    "any of", e.g. the monitoring after the predikat); ``national=True`` only to KemenPANRB and TPN
    accounts. Re-registering a URL replaces its entry."""
    _ITEMS[url_name] = NavItem(group, url_name, label, capability, order, national, tuple(any_of))
    _MENUS.clear()


# The menus already built, per everything a menu depends on (issue 22: every page built its menu
# anew, a reverse() per entry). The entries are registered at start-up; a registration empties it.
_MENUS: dict[tuple[object, ...], list[NavGroup]] = {}


def nav_for(membership: Membership | None) -> list[NavGroup]:
    """The groups and entries this member may open, in cycle order; empty groups are left out.
    What decides them: the role (its capabilities), whether the membership is active and consented,
    whether it has an instansi, the language of the labels and the URL prefix."""
    if membership is None:
        return []
    key = (
        membership.role,
        membership.is_active,
        membership.awaiting_consent,
        membership.instansi_id is None,
        get_language(),
        get_script_prefix(),
    )
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = _build(membership)
    return menu


def _build(membership: Membership) -> list[NavGroup]:
    groups: list[NavGroup] = []
    for group in Group:
        items = sorted(
            (item for item in _ITEMS.values() if item.group == group.value and item.visible_to(membership)),
            key=lambda item: (item.order, str(item.label)),
        )
        if items:
            groups.append(
                NavGroup(group.value, str(group.label), [(str(item.label), reverse(item.url_name)) for item in items])
            )
    return groups
