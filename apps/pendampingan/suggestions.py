"""Suggestions into the LKE: where ZI already knows a number or a fact, the worksheet offers it next
to the soal with a link to its source. Never an answer: the unit's own answer is never written.

``LKE_SOAL`` maps PortalRB soal ids of the LKE master (``portalrb_master_soal_lkezi_2026.json``) to
the rule that suggests an answer for them — the one place the mapping is written down:

==  ==========================================================  ==============================
id  soal (Manajemen Perubahan / Reform)                           source in ZI
==  ==========================================================  ==============================
1   Unit kerja telah membentuk tim … Zona Integritas (Ya/Tidak)  tim kerja ZI with its SK file
6   Seluruh kegiatan … dilaksanakan sesuai dengan rencana (A–D)  rencana aksi realisasi
7   Terdapat monitoring dan evaluasi … (A–D, pimpinan, berkala)  realisasi verified by leadership
8   Hasil monitoring dan evaluasi telah ditindaklanjuti (A–D)     asistensi follow-up actions done
10  Sudah ditetapkan agen perubahan (A–C)                         change agents and their changes
12  Anggota organisasi terlibat dalam pembangunan ZI (A–D)        Pakta Integritas coverage
88  Jumlah Agen Perubahan                                         change agents
89  Jumlah Perubahan yang dibuat                                  their changes
90  Jumlah Perubahan yang dibuat (integration sub-item)           their changes
91  Jumlah Perubahan yang telah diintegrasikan …                  changes marked integrated
==  ==========================================================  ==============================

Thresholds where the LKE says "sebagian besar / sebagian kecil": more than half is "most", above
zero "some" (A needs all). For soal 12 the A option also asks that members' proposals are taken
into decisions, which ZI does not record: a full coverage suggests B and says so.

The worksheet asks for every soal of a section at once (``suggestions_for``, registered with
``apps.penilaian.suggestions`` by this app's config): what the rules need
is read in at most three queries per page (``unit_facts``: one row of counts and the SK through
subqueries, the plan's kegiatan with their progress, the plan's verified realisasi with whether a
leader verified them), and only the parts the section's soal need.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, router
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.pencanangan.models import PaktaIntegritas
from apps.pencanangan.selectors import Coverage
from apps.pendampingan.models import Asistensi, TindakLanjut, TindakLanjutStatus
from apps.penilaian.models import Penilaian
from apps.penilaian.suggestions import Suggestion
from apps.rencana_aksi.models import Frekuensi, Kegiatan, PengaturanMonitoring, Realisasi, RealisasiStatus, RencanaAksi
from apps.rencana_aksi.periods import periods_for
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.timkerja.models import AgenPerubahan, Perubahan, TimKerja
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

# -----------------------------------------------------------------------------
# What ZI knows about one unit's year: read once, in at most three queries
# -----------------------------------------------------------------------------

# The parts of the facts a rule reads.
TIM, AGENTS, FOLLOW_UP, PAKTA = "tim", "agents", "follow_up", "pakta"
PLAN, KEGIATAN, MONEV = "plan", "kegiatan", "monev"


@dataclass
class UnitFacts:
    """The numbers and records the suggestion rules read, for one unit and year (only the parts
    asked for are filled)."""

    unit: UnitKerja
    cycle: Cycle
    today: datetime.date
    sk_file_id: int | None = None
    sk_number: str = ""
    sk_date: datetime.date | None = None
    agents: int = 0
    changes: int = 0
    integrated: int = 0
    follow_up_total: int = 0
    follow_up_done: int = 0
    pegawai_total: int = 0
    pegawai_signed: int = 0
    rencana_public_id: Any = None  # None: the unit has no rencana aksi for the year
    frekuensi: str | None = None
    kegiatan: list[tuple[datetime.date, int]] = field(default_factory=list)  # (deadline, verified progress)
    verified: list[tuple[str, bool]] = field(default_factory=list)  # (periode, verified by the leadership)


def _facts_row(*, unit: UnitKerja, cycle: Cycle, needs: Collection[str]) -> dict[str, Any]:
    """The counts and single values of ``needs`` as one ``SELECT`` of scalar subqueries, written as
    SQL: the ORM took longer to build this query (a dozen subqueries) than the database to run it.
    Table names come from the models and every value is a parameter; each subquery is held to the
    unit's instansi (as the row-level security holds it anyway) and reads what the ORM version read
    (tests/pendampingan/test_suggestions.py checks it against ORM counts)."""

    table = _table
    i, u, c = unit.instansi_id, unit.pk, cycle.pk
    tim, agen, perubahan = table(TimKerja), table(AgenPerubahan), table(Perubahan)
    columns: list[tuple[str, str, list[Any]]] = []
    if TIM in needs:
        for name in ("sk_file_id", "sk_number", "sk_date"):
            query = f"SELECT t.{name} FROM {tim} t WHERE t.instansi_id = %s AND t.unit_id = %s AND t.cycle_id = %s"  # noqa: S608
            columns.append((name, f"{query} LIMIT 1", [i, u, c]))
    if AGENTS in needs:
        of_tim = "t.unit_id = %s AND t.cycle_id = %s"
        # Removed agents and changes (soft-deleted, issue 21) count for nothing; a removed agent's
        # changes went with them.
        agents = (
            f"SELECT COUNT(*) FROM {agen} a JOIN {tim} t ON t.id = a.tim_id "  # noqa: S608
            "WHERE a.instansi_id = %s AND a.deleted_at IS NULL"
        )
        columns.append(("agents", f"{agents} AND {of_tim}", [i, u, c]))
        changes = (
            f"SELECT COUNT(*) FROM {perubahan} p JOIN {agen} a ON a.id = p.agen_id JOIN {tim} t ON t.id = a.tim_id "  # noqa: S608
            f"WHERE p.instansi_id = %s AND p.deleted_at IS NULL AND a.deleted_at IS NULL AND {of_tim}"
        )
        columns.append(("changes", changes, [i, u, c]))
        columns.append(("integrated", f"{changes} AND p.integrated = %s", [i, u, c, True]))
    if FOLLOW_UP in needs:
        actions = (
            f"SELECT COUNT(*) FROM {table(TindakLanjut)} l JOIN {table(Asistensi)} s ON s.id = l.asistensi_id "  # noqa: S608
            "WHERE l.instansi_id = %s AND s.unit_id = %s AND s.cycle_id = %s"
        )
        columns.append(("follow_up_total", actions, [i, u, c]))
        columns.append(("follow_up_done", f"{actions} AND l.status = %s", [i, u, c, TindakLanjutStatus.DONE.value]))
    if PAKTA in needs:
        pegawai = (
            f"SELECT COUNT(*) FROM {table(Pegawai)} g "  # noqa: S608
            "WHERE g.instansi_id = %s AND g.is_active = %s AND g.unit_id = %s"
        )
        signed = (
            f"EXISTS (SELECT 1 FROM {table(PaktaIntegritas)} k WHERE k.instansi_id = %s AND k.cycle_id = %s "  # noqa: S608
            "AND k.pegawai_id = g.id AND k.revoked_at IS NULL)"
        )
        columns.append(("pegawai_total", pegawai, [i, True, u]))
        columns.append(("pegawai_signed", f"{pegawai} AND {signed}", [i, True, u, i, c]))
    if PLAN in needs:
        plan = (
            f"SELECT r.public_id FROM {table(RencanaAksi)} r JOIN {table(Cycle)} y ON y.id = r.cycle_id "  # noqa: S608
            "WHERE r.instansi_id = %s AND r.unit_id = %s AND y.tahun = %s LIMIT 1"
        )
        columns.append(("rencana_public_id", plan, [i, u, cycle.tahun]))
    if MONEV in needs:
        setting = (
            f"SELECT m.frekuensi FROM {table(PengaturanMonitoring)} m "  # noqa: S608
            "WHERE m.instansi_id = %s AND m.cycle_id = %s LIMIT 1"
        )
        columns.append(("frekuensi", setting, [i, c]))
    if not columns:
        return {}
    sql = "SELECT " + ", ".join(f"({query})" for _name, query, _params in columns)
    params = [value for _name, _query, values in columns for value in values]
    with connections[router.db_for_read(UnitKerja) or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    row = dict(zip((name for name, _query, _params in columns), values, strict=True))
    # Raw values as the ORM would convert them (SQLite hands dates and UUIDs over as text).
    if row.get("sk_date") is not None:
        row["sk_date"] = models.DateField().to_python(row["sk_date"])
    if row.get("rencana_public_id") is not None:
        row["rencana_public_id"] = models.UUIDField().to_python(row["rencana_public_id"])
    return row


def unit_facts(
    *, unit: UnitKerja, cycle: Cycle, needs: Collection[str], today: datetime.date | None = None
) -> UnitFacts:
    """The facts of ``needs`` (``TIM``, ``AGENTS``, …): one query of counts and values through
    scalar subqueries, plus the plan's kegiatan (``KEGIATAN``) and verified realisasi (``MONEV``)."""
    facts = UnitFacts(unit=unit, cycle=cycle, today=today or timezone.localdate())
    for name, value in _facts_row(unit=unit, cycle=cycle, needs=needs).items():
        if value is not None:
            setattr(facts, name, value)
    if KEGIATAN in needs:
        facts.kegiatan = [(_date(deadline), progress or 0) for deadline, progress in _plan_rows(unit, cycle, _KEGIATAN)]
    if MONEV in needs:
        facts.verified = [(periode, bool(led)) for periode, led in _plan_rows(unit, cycle, _VERIFIED)]
    return facts


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


# The plan's live kegiatan with their latest verified progress (area, deadline, id order), and the
# verified realisasi of live kegiatan with whether a leader (pimpinan unit or instansi) verified them.
# Written as SQL for the reason ``_facts_row`` gives (their ORM versions, ``Kegiatan.objects`` with
# ``verified_progress()`` and ``Realisasi.objects`` with an ``Exists`` of memberships, are what
# tests/pendampingan/test_suggestions.py compares them with). Params: instansi, unit, year.
_KEGIATAN = (
    "SELECT k.deadline, (SELECT r.progress FROM {realisasi} r WHERE r.instansi_id = k.instansi_id "
    "AND r.kegiatan_id = k.id AND r.status = '{verified}' ORDER BY r.periode DESC LIMIT 1) "
    "FROM {kegiatan} k JOIN {rencana} p ON p.id = k.rencana_id JOIN {cycle} y ON y.id = p.cycle_id "
    "WHERE k.instansi_id = %s AND k.deleted_at IS NULL AND p.unit_id = %s AND y.tahun = %s "
    "ORDER BY k.area, k.deadline, k.id"
)
_VERIFIED = (
    "SELECT r.periode, EXISTS (SELECT 1 FROM {membership} m WHERE m.instansi_id = r.instansi_id "
    "AND m.role IN ('{pimpinan_unit}', '{pimpinan_instansi}') AND m.user_id = r.verified_by_id) "
    "FROM {realisasi} r JOIN {kegiatan} k ON k.id = r.kegiatan_id JOIN {rencana} p ON p.id = k.rencana_id "
    "JOIN {cycle} y ON y.id = p.cycle_id "
    "WHERE r.instansi_id = %s AND r.status = '{verified}' AND k.deleted_at IS NULL AND p.unit_id = %s "
    "AND y.tahun = %s"
)


def _plan_rows(unit: UnitKerja, cycle: Cycle, query: str) -> list[tuple[Any, Any]]:
    sql = query.format(
        realisasi=_table(Realisasi),
        kegiatan=_table(Kegiatan),
        rencana=_table(RencanaAksi),
        cycle=_table(Cycle),
        membership=_table(Membership),
        verified=RealisasiStatus.VERIFIED.value,
        pimpinan_unit=Role.PIMPINAN_UNIT.value,
        pimpinan_instansi=Role.PIMPINAN_INSTANSI.value,
    )
    with connections[router.db_for_read(Kegiatan) or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, [unit.instansi_id, unit.pk, cycle.tahun])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


# -----------------------------------------------------------------------------
# The rules: one per mapped soal, each from the facts alone
# -----------------------------------------------------------------------------


def _tim_link(facts: UnitFacts) -> str:
    return reverse("pendampingan:tim", kwargs={"public_id": facts.unit.public_id, "tahun": facts.cycle.tahun})


def _plan_link(facts: UnitFacts) -> str:
    return reverse("rencana_aksi:rencana-detail", kwargs={"public_id": facts.rencana_public_id})


def _grade(done: int, total: int, letters: str = "ABCD") -> str:
    """A for all, B for more than half, C for some, D for none (the LKE's A–D ladder)."""
    if total and done >= total:
        return letters[0]
    if 2 * done > total:
        return letters[1]
    return letters[2] if done > 0 else letters[3]


def team_formed(facts: UnitFacts) -> Suggestion:
    if facts.sk_file_id is not None:
        reason = _("The tim kerja ZI is formed by SK %(number)s of %(date)s.") % {
            "number": facts.sk_number,
            "date": facts.sk_date.strftime("%d-%m-%Y") if facts.sk_date else "—",
        }
        return Suggestion("Ya", reason, _tim_link(facts), _("Tim kerja ZI"))
    return Suggestion("Tidak", _("No SK of the tim kerja ZI is uploaded yet."), _tim_link(facts), _("Tim kerja ZI"))


def agents_set(facts: UnitFacts) -> Suggestion:
    agents, changes = facts.agents, facts.changes
    value = "A" if agents and changes else ("B" if agents else "C")
    reason = _("%(agents)s change agents recorded, with %(changes)s changes.") % {"agents": agents, "changes": changes}
    return Suggestion(value, reason, _tim_link(facts), _("Change agents"))


def agent_count(facts: UnitFacts) -> Suggestion:
    return Suggestion(
        str(facts.agents), _("Change agents recorded in the tim kerja ZI."), _tim_link(facts), _("Change agents")
    )


def change_count(facts: UnitFacts) -> Suggestion:
    return Suggestion(
        str(facts.changes), _("Changes the change agents recorded."), _tim_link(facts), _("Change agents")
    )


def changes_integrated(facts: UnitFacts) -> Suggestion:
    return Suggestion(
        str(facts.integrated),
        _("Changes marked as integrated into the management system."),
        _tim_link(facts),
        _("Change agents"),
    )


def staff_involvement(facts: UnitFacts) -> Suggestion | None:
    coverage = Coverage(signed=facts.pegawai_signed, total=facts.pegawai_total, threshold_pct=0)
    if coverage.total == 0:
        return None
    value = _grade(coverage.signed, coverage.total)
    if value == "A":
        value = "B"  # A also needs the members' proposals taken into decisions: ZI cannot know that
    reason = _("%(signed)s of %(total)s pegawai (%(pct)s %%) signed the Pakta Integritas.") % {
        "signed": coverage.signed,
        "total": coverage.total,
        "pct": coverage.pct,
    }
    return Suggestion(
        value,
        reason,
        reverse("pencanangan:unit-detail", kwargs={"public_id": facts.unit.public_id}),
        _("Pakta Integritas coverage"),
    )


def realisasi_as_planned(facts: UnitFacts) -> Suggestion | None:
    if facts.rencana_public_id is None or not facts.kegiatan:
        return None
    due = [k for k in facts.kegiatan if k[0] <= facts.today] or facts.kegiatan
    done = sum(1 for _deadline, progress in due if progress >= 100)
    reason = _("%(done)s of %(total)s kegiatan due so far are verified at 100 %%.") % {"done": done, "total": len(due)}
    return Suggestion(_grade(done, len(due)), reason, _plan_link(facts), _("Rencana aksi"))


def monev_leadership(facts: UnitFacts) -> Suggestion | None:
    """A: every closed period has a realisasi verified by the leadership (pimpinan); B: some are;
    C: monitored (verified) without leadership; D: no verified realisasi."""
    if facts.rencana_public_id is None:
        return None
    periods = periods_for(facts.cycle.tahun, facts.frekuensi or Frekuensi.MONTHLY)
    closed = [p.code for p in periods if p.end < facts.today]
    led = {periode for periode, by_leader in facts.verified if by_leader}
    if led and closed and all(p in led for p in closed):
        value = "A"
    elif led:
        value = "B"
    else:
        value = "C" if facts.verified else "D"
    reason = _("%(led)s of %(closed)s closed monitoring periods have realisasi verified by the leadership.") % {
        "led": len(led & set(closed)) if closed else len(led),
        "closed": len(closed),
    }
    return Suggestion(value, reason, _plan_link(facts), _("Rencana aksi monitoring"))


def follow_up_done(facts: UnitFacts) -> Suggestion | None:
    if facts.follow_up_total == 0:
        return None
    reason = _("%(done)s of %(total)s follow-up actions of the TPI's asistensi are done.") % {
        "done": facts.follow_up_done,
        "total": facts.follow_up_total,
    }
    link = reverse(
        "pendampingan:asistensi-list", kwargs={"public_id": facts.unit.public_id, "tahun": facts.cycle.tahun}
    )
    return Suggestion(_grade(facts.follow_up_done, facts.follow_up_total), reason, link, _("Asistensi"))


# soal id → (the rule, the facts it reads)
LKE_SOAL: dict[int, tuple[Callable[[UnitFacts], Suggestion | None], frozenset[str]]] = {
    1: (team_formed, frozenset({TIM})),
    6: (realisasi_as_planned, frozenset({PLAN, KEGIATAN})),
    7: (monev_leadership, frozenset({PLAN, MONEV})),
    8: (follow_up_done, frozenset({FOLLOW_UP})),
    10: (agents_set, frozenset({AGENTS})),
    12: (staff_involvement, frozenset({PAKTA})),
    88: (agent_count, frozenset({AGENTS})),
    89: (change_count, frozenset({AGENTS})),
    90: (change_count, frozenset({AGENTS})),
    91: (changes_integrated, frozenset({AGENTS})),
}


def suggestions_for(
    *, penilaian: Penilaian, soal_ids: Collection[int], today: datetime.date | None = None
) -> dict[int, Suggestion]:
    """The suggestion of every mapped soal among ``soal_ids`` (a worksheet section), from one read
    of the facts they need; no query when none is mapped."""
    mapped = [soal_id for soal_id in soal_ids if soal_id in LKE_SOAL]
    if not mapped:
        return {}
    needs = set().union(*(LKE_SOAL[soal_id][1] for soal_id in mapped))
    facts = unit_facts(unit=penilaian.unit, cycle=penilaian.cycle, needs=needs, today=today)
    found = {soal_id: LKE_SOAL[soal_id][0](facts) for soal_id in mapped}
    return {soal_id: suggestion for soal_id, suggestion in found.items() if suggestion is not None}


def suggestion_for(*, penilaian: Penilaian, portalrb_soal_id: int) -> Suggestion | None:
    return suggestions_for(penilaian=penilaian, soal_ids=[portalrb_soal_id]).get(portalrb_soal_id)
