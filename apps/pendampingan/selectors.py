"""Reads of the pendampingan: the diagnosis with its priorities, the risks no kegiatan answers yet,
the team, threads and sessions. Every read names its instansi explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from apps.pendampingan.models import (
    SCORE_HIGH,
    AgenPerubahan,
    AnggotaTim,
    Asistensi,
    Diagnosis,
    IsuStrategis,
    Konsultasi,
    LayananUtama,
    Risiko,
    TimKerja,
    TindakLanjut,
)
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle, UnitKerja

# The kegiatan answering a risk or an issue, deleted ones (apps.core.softdelete) not counted.
_LIVE_KEGIATAN = Count("kegiatan", filter=Q(kegiatan__deleted_at__isnull=True))


def diagnosis_for(*, unit: UnitKerja, cycle: Cycle) -> Diagnosis | None:
    return Diagnosis.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).first()


def tim_for(*, unit: UnitKerja, cycle: Cycle) -> TimKerja | None:
    return (
        TimKerja.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).select_related("sk_file").first()
    )


def layanan_of(diagnosis: Diagnosis | None) -> list[LayananUtama]:
    if diagnosis is None:
        return []
    return list(LayananUtama.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis))


def risiko_of(diagnosis: Diagnosis | None) -> list[Risiko]:
    """Risks by score (highest first), each with the number of kegiatan answering it."""
    if diagnosis is None:
        return []
    return list(
        Risiko.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
        .select_related("owner")
        .annotate(score_value=F("likelihood") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .order_by("-score_value", "title")
    )


def isu_of(diagnosis: Diagnosis | None) -> list[IsuStrategis]:
    if diagnosis is None:
        return []
    return list(
        IsuStrategis.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
        .annotate(score_value=F("urgency") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .order_by("-score_value", "title")
    )


@dataclass(frozen=True)
class Priority:
    """One line of the priority list: a risk or a strategic issue with its score."""

    kind: str  # "risiko" | "isu"
    obj: Any
    score: int
    answered_by: int

    @property
    def is_high(self) -> bool:
        return self.score >= SCORE_HIGH


def priorities(*, risiko: list[Risiko], isu: list[IsuStrategis]) -> list[Priority]:
    """Risks and issues together, highest score first (risks before issues on a tie)."""
    rows = [Priority("risiko", r, r.score, r.answered_by) for r in risiko]  # type: ignore[attr-defined]
    rows += [Priority("isu", i, i.score, i.answered_by) for i in isu]  # type: ignore[attr-defined]
    return sorted(rows, key=lambda p: (-p.score, p.kind != "risiko", str(p.obj)))


def high_risks_unanswered(*, unit: UnitKerja, cycle: Cycle) -> list[Risiko]:
    """High risks (score ≥ 15) of the unit's diagnosis that no kegiatan answers yet."""
    return list(
        Risiko.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
        .annotate(score_value=F("likelihood") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .filter(score_value__gte=SCORE_HIGH, answered_by=0)
        .select_related("owner")
        .order_by("-score_value", "title")
    )


def diagnosis_choices(*, unit: UnitKerja, cycle: Cycle) -> tuple[QuerySet[Risiko], QuerySet[IsuStrategis]]:
    """The risks and issues a kegiatan of this unit and year may answer."""
    risiko = Risiko.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
    isu = IsuStrategis.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
    return risiko.order_by("title"), isu.order_by("title")


def anggota_of(tim: TimKerja | None) -> list[AnggotaTim]:
    if tim is None:
        return []
    return list(
        AnggotaTim.objects.filter(instansi_id=tim.instansi_id, tim=tim)
        .select_related("pegawai")
        .order_by("area", "peran", "pegawai__name")
    )


def agen_of(tim: TimKerja | None) -> list[AgenPerubahan]:
    if tim is None:
        return []
    return list(
        AgenPerubahan.objects.filter(instansi_id=tim.instansi_id, tim=tim)
        .select_related("pegawai")
        .prefetch_related("perubahan")
        .order_by("pegawai__name")
    )


def konsultasi_for_unit(*, unit: UnitKerja, cycle: Cycle) -> QuerySet[Konsultasi]:
    return (
        Konsultasi.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle, for_tpn=False)
        .select_related("soal", "kegiatan", "created_by")
        .order_by("-last_message_at", "-id")
    )


def konsultasi_for_tpi(*, actor: Membership, status: str | None = None) -> QuerySet[Konsultasi]:
    """The TPI inbox: the threads the actor answers — those of the units they are assigned to in the
    thread's year (the rule of ``permissions.tpi_assigned``, issue 18) — and the TPI's questions to TPN."""
    from apps.penilaian.models import TPIAssignment

    assigned = TPIAssignment.objects.filter(  # type: ignore[misc]  # no instansi: no row
        instansi_id=actor.instansi_id,
        cycle_id=OuterRef("cycle_id"),
        unit_id=OuterRef("unit_id"),
        reviewer_id=actor.user_id,
    )
    rows = (
        Konsultasi.objects.filter(instansi_id=actor.instansi_id)  # type: ignore[misc]  # no instansi: no row
        .filter(Q(for_tpn=True) | Exists(assigned))
        .select_related("unit", "cycle", "soal")
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-last_message_at", "-id")


def asistensi_for_unit(*, unit: UnitKerja, cycle: Cycle) -> QuerySet[Asistensi]:
    return (
        Asistensi.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle)
        .annotate(
            open_actions=Count("tindak_lanjut", filter=Q(tindak_lanjut__status="open")),
            all_actions=Count("tindak_lanjut"),
        )
        .order_by("-date", "-id")
    )


def tindak_lanjut_of(asistensi: Asistensi) -> list[TindakLanjut]:
    return list(
        TindakLanjut.objects.filter(instansi_id=asistensi.instansi_id, asistensi=asistensi)
        .select_related("owner")
        .order_by("status", "due_date", "id")
    )


# -----------------------------------------------------------------------------
# National (cross-tenant, explicit and greppable): the TPI's questions to TPN
# -----------------------------------------------------------------------------


def national_tpn_questions(*, status: str | None = None, tahun: int | None = None) -> QuerySet[Konsultasi]:
    """Every thread flagged for KemenPANRB / TPN, across instansi (national roles only)."""
    rows = Konsultasi.unscoped.filter(for_tpn=True).select_related("instansi", "unit", "cycle", "created_by")
    if status:
        rows = rows.filter(status=status)
    if tahun:
        rows = rows.filter(cycle__tahun=tahun)
    return rows.order_by("-last_message_at", "-id")


def national_tpn_question(public_id: object) -> Konsultasi | None:
    from apps.tenancy.access import parse_public_id

    return national_tpn_questions().filter(public_id=parse_public_id(public_id)).first()


def national_messages(konsultasi: Konsultasi) -> list[Any]:
    from apps.pendampingan.models import PesanKonsultasi

    return list(
        PesanKonsultasi.unscoped.filter(konsultasi=konsultasi).select_related("author").order_by("created_at", "id")
    )


def national_attachments(pesan: list[Any]) -> dict[int, list[Any]]:
    """The evidence files of each message (by message pk), through the M2M table itself: the
    national reader has no instansi scope for the evidence store's scoped manager."""
    from apps.pendampingan.models import PesanKonsultasi

    through = PesanKonsultasi.attachments.through
    files: dict[int, list[Any]] = {p.pk: [] for p in pesan}
    rows = through.objects.filter(pesankonsultasi_id__in=list(files)).select_related("buktidukung")
    for row in rows.order_by("buktidukung__created_at", "buktidukung_id"):
        files[row.pesankonsultasi_id].append(row.buktidukung)
    return files
