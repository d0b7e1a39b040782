"""The consultation transition tables (issue 17; apps.core.workflow).

A thread's "who may" is its side, not one capability: the unit side of a unit thread is an editor of
the unit or a member of its tim kerja ZI that year, its TPI side the unit's assigned reviewers; a
question to TPN is asked by the instansi's TPI and answered by a national evaluator. Each side is a
``Who`` whose predicate is ``konsultasi.side_of`` — the one rule the pages, the API and the services
share. A reply from the asking side is ``ask`` (the thread is open again), one from the answering
side ``answer``; either party may ``close``, and a closed thread takes nothing more.
"""

from __future__ import annotations

from typing import Any

from apps.core.workflow import Transition, Who, Workflow, register
from apps.pendampingan.models import KonsultasiStatus as K
from apps.pendampingan.models import Pihak
from apps.tenancy.roles import Cap

ASK = "ask"
ANSWER = "answer"
CLOSE = "close"

MESSAGE_GUARD = "a message (at most 5 files)"
TOLD = "the other side told (email, in-app)"


def _on_side(*sides: str) -> Any:
    def holds(actor: Any, konsultasi: Any) -> bool:
        from apps.pendampingan.services.konsultasi import side_of  # noqa: PLC0415  (cycle: konsultasi imports this module at load)

        return side_of(actor, konsultasi) in sides

    return holds


def _table(name: str, title: str, asking: Who, answering: Who, either: Who) -> Workflow:
    live = (K.OPEN, K.ANSWERED)
    return register(
        Workflow(
            name=name,
            title=title,
            states=tuple(K.values),
            initial=K.OPEN,
            audit_prefix="konsultasi",
            transitions=(
                Transition(live, ASK, K.OPEN, "", guard=MESSAGE_GUARD, effect=TOLD, who=asking),
                Transition(live, ANSWER, K.ANSWERED, "", guard=MESSAGE_GUARD, effect=TOLD, who=answering),
                Transition(live, CLOSE, K.CLOSED, "", effect="no reply taken any more", who=either),
            ),
        )
    )


KONSULTASI = _table(
    "konsultasi",
    "Konsultasi (a unit's thread with its TPI)",
    asking=Who(
        "unit side - an editor of the unit or a member of its tim kerja ZI",
        frozenset({Cap.PENDAMPINGAN_EDIT}),
        _on_side(Pihak.UNIT),
    ),
    answering=Who("TPI side - a reviewer assigned to the unit", frozenset({Cap.PENDAMPINGAN_TPI}), _on_side(Pihak.TPI)),
    either=Who(
        "either party", frozenset({Cap.PENDAMPINGAN_EDIT, Cap.PENDAMPINGAN_TPI}), _on_side(Pihak.UNIT, Pihak.TPI)
    ),
)

KONSULTASI_TPN = _table(
    "konsultasi_tpn",
    "Konsultasi TPN (the TPI's question to KemenPANRB / TPN)",
    asking=Who("TPI side - the instansi's TPI", frozenset({Cap.PENDAMPINGAN_TPI}), _on_side(Pihak.TPI)),
    answering=Who("TPN side - a national evaluator", frozenset({Cap.TPN_EVALUATE}), _on_side(Pihak.TPN)),
    either=Who("either party", frozenset({Cap.PENDAMPINGAN_TPI, Cap.TPN_EVALUATE}), _on_side(Pihak.TPI, Pihak.TPN)),
)


def table_of(konsultasi: Any) -> Workflow:
    return KONSULTASI_TPN if konsultasi.for_tpn else KONSULTASI
