"""Dashboard panels per role. Each app registers a panel builder; the dashboard shows those
whose capability the active membership holds (core never imports domain apps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.core.memo import memo_scope
from apps.tenancy.models import Membership


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]
    order: int = 100


PanelBuilder = Callable[[Membership], Panel | None]
_BUILDERS: list[PanelBuilder] = []


def register(builder: PanelBuilder) -> PanelBuilder:
    """Decorator for an app's panel builder; it returns None when the panel does not apply."""
    _BUILDERS.append(builder)
    return builder


def panels_for(membership: Membership | None) -> list[Panel]:
    """The panels that apply, in order. The builders only read, and run inside one memo scope
    (``apps.core.memo``): what several of them ask for (the current cycle) is read once."""
    if membership is None:
        return []
    with memo_scope():
        panels = [panel for builder in _BUILDERS if (panel := builder(membership)) is not None]
    return sorted(panels, key=lambda p: p.order)
