"""Dashboard panels per role. Each app registers a panel builder; the dashboard shows those
whose capability the active membership holds (core never imports domain apps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    if membership is None:
        return []
    panels = [panel for builder in _BUILDERS if (panel := builder(membership)) is not None]
    return sorted(panels, key=lambda p: p.order)
