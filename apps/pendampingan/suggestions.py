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
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.pendampingan.models import AgenPerubahan, Perubahan, TindakLanjut, TindakLanjutStatus
from apps.pendampingan.selectors import tim_for
from apps.penilaian.models import Penilaian
from apps.unit_kerja.models import Cycle, UnitKerja


@dataclass(frozen=True)
class Suggestion:
    value: str
    reason: str
    link: str
    source: str


def _tim_link(unit: UnitKerja, cycle: Cycle) -> str:
    return reverse("pendampingan:tim", kwargs={"public_id": unit.public_id, "tahun": cycle.tahun})


def _grade(done: int, total: int, letters: str = "ABCD") -> str:
    """A for all, B for more than half, C for some, D for none (the LKE's A–D ladder)."""
    if total and done >= total:
        return letters[0]
    if 2 * done > total:
        return letters[1]
    return letters[2] if done > 0 else letters[3]


def team_formed(unit: UnitKerja, cycle: Cycle) -> Suggestion:
    tim = tim_for(unit=unit, cycle=cycle)
    if tim is not None and tim.sk_file_id is not None:
        reason = _("The tim kerja ZI is formed by SK %(number)s of %(date)s.") % {
            "number": tim.sk_number,
            "date": tim.sk_date.strftime("%d-%m-%Y") if tim.sk_date else "—",
        }
        return Suggestion("Ya", reason, _tim_link(unit, cycle), _("Tim kerja ZI"))
    return Suggestion(
        "Tidak", _("No SK of the tim kerja ZI is uploaded yet."), _tim_link(unit, cycle), _("Tim kerja ZI")
    )


def _agents(unit: UnitKerja, cycle: Cycle) -> tuple[int, int, int]:
    agents = AgenPerubahan.objects.filter(instansi_id=unit.instansi_id, tim__unit=unit, tim__cycle=cycle).count()
    changes = Perubahan.objects.filter(
        instansi_id=unit.instansi_id,
        agen__tim__unit=unit,
        agen__tim__cycle=cycle,
        agen__deleted_at__isnull=True,  # a removed agent's changes went with them
    )
    return agents, changes.count(), changes.filter(integrated=True).count()


def agents_set(unit: UnitKerja, cycle: Cycle) -> Suggestion:
    agents, changes, _integrated = _agents(unit, cycle)
    value = "A" if agents and changes else ("B" if agents else "C")
    reason = _("%(agents)s change agents recorded, with %(changes)s changes.") % {"agents": agents, "changes": changes}
    return Suggestion(value, reason, _tim_link(unit, cycle), _("Change agents"))


def agent_count(unit: UnitKerja, cycle: Cycle) -> Suggestion:
    agents, _changes, _integrated = _agents(unit, cycle)
    return Suggestion(
        str(agents), _("Change agents recorded in the tim kerja ZI."), _tim_link(unit, cycle), _("Change agents")
    )


def change_count(unit: UnitKerja, cycle: Cycle) -> Suggestion:
    _agents_n, changes, _integrated = _agents(unit, cycle)
    return Suggestion(
        str(changes), _("Changes the change agents recorded."), _tim_link(unit, cycle), _("Change agents")
    )


def changes_integrated(unit: UnitKerja, cycle: Cycle) -> Suggestion:
    _agents_n, _changes, integrated = _agents(unit, cycle)
    return Suggestion(
        str(integrated),
        _("Changes marked as integrated into the management system."),
        _tim_link(unit, cycle),
        _("Change agents"),
    )


def staff_involvement(unit: UnitKerja, cycle: Cycle) -> Suggestion | None:
    from apps.pencanangan.selectors import coverage_of

    coverage = coverage_of(cycle=cycle, units=UnitKerja.objects.filter(instansi_id=unit.instansi_id, pk=unit.pk))
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
        reverse("pencanangan:unit-detail", kwargs={"public_id": unit.public_id}),
        _("Pakta Integritas coverage"),
    )


def _plan(unit: UnitKerja, cycle: Cycle):
    from apps.rencana_aksi.selectors import rencana_for

    return rencana_for(unit=unit, tahun=cycle.tahun)


def realisasi_as_planned(unit: UnitKerja, cycle: Cycle, today: datetime.date | None = None) -> Suggestion | None:
    from apps.rencana_aksi.selectors import kegiatan_with_progress

    rencana = _plan(unit, cycle)
    if rencana is None:
        return None
    today = today or timezone.localdate()
    kegiatan = kegiatan_with_progress(rencana=rencana)
    if not kegiatan:
        return None
    due = [k for k in kegiatan if k.deadline <= today] or kegiatan
    done = sum(1 for k in due if k.progress >= 100)  # type: ignore[attr-defined]
    reason = _("%(done)s of %(total)s kegiatan due so far are verified at 100 %%.") % {"done": done, "total": len(due)}
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
    return Suggestion(_grade(done, len(due)), reason, link, _("Rencana aksi"))


def monev_leadership(unit: UnitKerja, cycle: Cycle, today: datetime.date | None = None) -> Suggestion | None:
    """A: every closed period has a realisasi verified by the leadership (pimpinan); B: some are;
    C: monitored (verified) without leadership; D: no verified realisasi."""
    from apps.rencana_aksi.models import Realisasi, RealisasiStatus
    from apps.rencana_aksi.selectors import periods_of
    from apps.tenancy.models import Membership
    from apps.tenancy.roles import Role

    rencana = _plan(unit, cycle)
    if rencana is None:
        return None
    today = today or timezone.localdate()
    closed = [p.code for p in periods_of(cycle=cycle) if p.end < today]
    verified = list(
        Realisasi.objects.filter(
            instansi_id=unit.instansi_id, kegiatan__rencana=rencana, status=RealisasiStatus.VERIFIED
        ).values_list("periode", "verified_by_id")
    )
    leaders = set(
        Membership.objects.filter(
            instansi_id=unit.instansi_id,
            role__in=[Role.PIMPINAN_UNIT, Role.PIMPINAN_INSTANSI],
            user_id__in={v for _p, v in verified},
        ).values_list("user_id", flat=True)
    )
    led = {p for p, v in verified if v in leaders}
    if led and closed and all(p in led for p in closed):
        value = "A"
    elif led:
        value = "B"
    else:
        value = "C" if verified else "D"
    reason = _("%(led)s of %(closed)s closed monitoring periods have realisasi verified by the leadership.") % {
        "led": len(led & set(closed)) if closed else len(led),
        "closed": len(closed),
    }
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
    return Suggestion(value, reason, link, _("Rencana aksi monitoring"))


def follow_up_done(unit: UnitKerja, cycle: Cycle) -> Suggestion | None:
    actions = TindakLanjut.objects.filter(instansi_id=unit.instansi_id, asistensi__unit=unit, asistensi__cycle=cycle)
    total = actions.count()
    if total == 0:
        return None
    done = actions.filter(status=TindakLanjutStatus.DONE).count()
    reason = _("%(done)s of %(total)s follow-up actions of the TPI's asistensi are done.") % {
        "done": done,
        "total": total,
    }
    link = reverse("pendampingan:asistensi-list", kwargs={"public_id": unit.public_id, "tahun": cycle.tahun})
    return Suggestion(_grade(done, total), reason, link, _("Asistensi"))


LKE_SOAL: dict[int, Callable[[UnitKerja, Cycle], Suggestion | None]] = {
    1: team_formed,
    6: realisasi_as_planned,
    7: monev_leadership,
    8: follow_up_done,
    10: agents_set,
    12: staff_involvement,
    88: agent_count,
    89: change_count,
    90: change_count,
    91: changes_integrated,
}


def suggestion_for(*, penilaian: Penilaian, portalrb_soal_id: int) -> Suggestion | None:
    rule = LKE_SOAL.get(portalrb_soal_id)
    if rule is None:
        return None
    return rule(penilaian.unit, penilaian.cycle)
