"""Workflows as data (STYLE §4.6, issue 17): one transition table per workflow.

A ``Transition`` row says: from these states, this action, by whoever holds this capability, under
this guard (a named rule checked by the service, listed so the diagram and the README show it), goes
to this state with this effect. A service never assigns a status by hand: it asks the table
(``Workflow.check``) — which refuses the wrong role (``PermissionDeniedError``) and the wrong state
(``TransitionNotAllowed``) — runs its own guards, then calls ``Workflow.apply``, which moves the
status, saves it and writes the audit row with the state before and after.

``decide(state, action, capabilities)`` is the pure answer of the table; the generated tests compare
every (state, action, role) of every workflow with what the services actually do.

Most "who may" is one capability. Where it is a relation of the actor to the object — a side of a
consultation thread, a seat in the unit's team — the transition names a ``Who`` instead: a label for
the diagram, the capabilities a role needs to be on that side at all (the table's pure answer) and
the predicate the service checks on the object (``check(..., obj=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.module_loading import autodiscover_modules

from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.core.hooks import record_audit

ALLOWED = "allowed"
FORBIDDEN = "forbidden"  # the role lacks the capability
NOT_NOW = "not_now"  # no transition for this action from this state


@dataclass(frozen=True)
class Who:
    """A "who may" decided by the actor's relation to the object, not by one capability.

    ``capabilities``: a role holding none of them is never on this side (the table's pure answer,
    ``Workflow.decide``); ``holds(actor, obj)``: the rule itself, checked by ``Workflow.check``."""

    label: str
    capabilities: frozenset[str]
    holds: Callable[[Any, Any], bool] = field(compare=False)


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    action: str
    target: str
    capability: str  # "" when ``who`` says who may
    guard: str = ""  # the rule checked besides role and state, in words (shown in the diagram)
    effect: str = ""  # what else happens (snapshot frozen, notifications…)
    who: Who | None = None

    @property
    def who_label(self) -> str:
        return self.who.label if self.who is not None else self.capability


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    initial: str = ""
    status_field: str = "status"
    audit_prefix: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    # -- the table ------------------------------------------------------------------------------

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.transitions))

    def find(self, state: str, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action and state in t.sources), None)

    def capability_of(self, action: str) -> str:
        return next(t.capability for t in self.transitions if t.action == action)

    def who_of(self, action: str) -> Who | None:
        return next(t.who for t in self.transitions if t.action == action)

    def decide(self, state: str, action: str, capabilities: Iterable[str]) -> str:
        """The table's answer: FORBIDDEN when the role lacks the action's capability (checked
        first: a reader learns nothing about the state), NOT_NOW when the state has no such
        transition, else ALLOWED (the guards still apply). With a ``Who``, the role needs one of
        its capabilities (its relation to the object is the setup's, like a guard)."""
        held = set(capabilities)
        who = self.who_of(action)
        if (who.capabilities.isdisjoint(held)) if who is not None else self.capability_of(action) not in held:
            return FORBIDDEN
        return ALLOWED if self.find(state, action) is not None else NOT_NOW

    def check(
        self, *, state: str, action: str, actor: Any, message: Any = None, obj: Any = None, refusal: Any = None
    ) -> Transition:
        """Raise unless the table allows ``actor`` (a Membership) to take ``action`` from ``state``.
        A ``Who`` is asked about ``obj``; ``refusal`` is the message when the actor may not."""
        who = self.who_of(action)
        if who is not None:
            if obj is None or not who.holds(actor, obj):
                raise PermissionDeniedError(refusal)
        elif not actor.can(self.capability_of(action)):
            raise PermissionDeniedError(refusal)
        transition = self.find(state, action)
        if transition is None:
            raise TransitionNotAllowed(message) if message is not None else TransitionNotAllowed()
        return transition

    def apply(
        self,
        *,
        obj: models.Model,
        action: str,
        actor: Any,
        fields: Mapping[str, Any] | None = None,
        before_extra: Mapping[str, Any] | None = None,
        after_extra: Mapping[str, Any] | None = None,
        verb: str | None = None,
        audit_user: Any = None,
    ) -> Transition:
        """Move ``obj`` along ``action`` (checked again), save the status and ``fields``, and audit
        the state before and after. ``actor`` is a Membership (or None for the system, with
        ``audit_user``)."""
        state = getattr(obj, self.status_field)
        transition = (
            self.check(state=state, action=action, actor=actor, obj=obj)
            if actor is not None
            else self.find(state, action)
        )
        if transition is None:
            raise TransitionNotAllowed()
        setattr(obj, self.status_field, transition.target)
        for name, value in (fields or {}).items():
            setattr(obj, name, value)
        update = [self.status_field, *(fields or {})]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.append("updated_at")
        obj.save(update_fields=update)
        record_audit(
            actor=actor.user if actor is not None else audit_user,
            verb=verb or f"{self.audit_prefix or self.name}.{action}",
            obj=obj,
            before={self.status_field: state, **(before_extra or {})},
            after={self.status_field: transition.target, **(after_extra or {})},
        )
        return transition

    # -- the diagram ----------------------------------------------------------------------------

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        if self.initial:
            lines.append(f"    [*] --> {self.initial}")
        for t in self.transitions:
            label = f"{t.action} ({t.who_label})"
            if t.guard:
                label += f" [{t.guard}]"
            for source in t.sources:
                lines.append(f"    {source} --> {t.target}: {label.replace(':', ' ').replace(';', ',')}")
        return "\n".join(lines)

    def markdown(self) -> str:
        rows = [
            "| from | action | who may (capability) | guard | to | effect |",
            "|---|---|---|---|---|---|",
        ]
        for t in self.transitions:
            rows.append(
                f"| {', '.join(t.sources)} | `{t.action}` | {_who_cell(t)} | {t.guard or '—'} | {t.target} "
                f"| {t.effect or '—'} |"
            )
        return "\n".join([f"#### {self.title}", "", "```mermaid", self.mermaid(), "```", "", *rows])


def _who_cell(transition: Transition) -> str:
    if transition.who is None:
        return f"`{transition.capability}`"
    return f"{transition.who.label} (`{'`, `'.join(sorted(transition.who.capabilities))}`)"


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.name] = workflow
    return workflow


def workflows() -> list[Workflow]:
    """Every registered table (each app registers its own in its module ``workflows``)."""
    autodiscover_modules("workflows")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


README_BEGIN = "<!-- WORKFLOWS: generated by `manage.py workflow_diagrams --write` from the transition tables. -->"
README_END = "<!-- /WORKFLOWS -->"


def readme_block() -> str:
    parts = [README_BEGIN]
    for workflow in workflows():
        parts += ["", workflow.markdown()]
    parts += ["", README_END]
    return "\n".join(parts)
