"""Reads of the pendampingan: threads and sessions (the diagnosis and the team have their own, in
``apps.diagnosis`` and ``apps.timkerja``). Every read names its instansi explicitly."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from apps.pendampingan.models import Asistensi, Konsultasi, PesanKonsultasi, TindakLanjut
from apps.penilaian.models import TPIAssignment
from apps.tenancy.access import parse_public_id
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle, UnitKerja


def konsultasi_for_unit(*, unit: UnitKerja, cycle: Cycle) -> QuerySet[Konsultasi]:
    return (
        Konsultasi.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle, for_tpn=False)
        .select_related("soal", "kegiatan", "created_by")
        .order_by("-last_message_at", "-id")
    )


def konsultasi_for_tpi(*, actor: Membership, status: str | None = None) -> QuerySet[Konsultasi]:
    """The TPI inbox: the threads the actor answers — those of the units they are assigned to in the
    thread's year (the rule of ``permissions.tpi_assigned``, issue 18) — and the TPI's questions to TPN."""
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
    return national_tpn_questions().filter(public_id=parse_public_id(public_id)).first()


def national_messages(konsultasi: Konsultasi) -> list[Any]:
    return list(
        PesanKonsultasi.unscoped.filter(konsultasi=konsultasi).select_related("author").order_by("created_at", "id")
    )


def national_attachments(pesan: list[Any]) -> dict[int, list[Any]]:
    """The evidence files of each message (by message pk), through the M2M table itself: the
    national reader has no instansi scope for the evidence store's scoped manager."""
    through = PesanKonsultasi.attachments.through
    files: dict[int, list[Any]] = {p.pk: [] for p in pesan}
    rows = through.objects.filter(pesankonsultasi_id__in=list(files)).select_related("buktidukung")
    for row in rows.order_by("buktidukung__created_at", "buktidukung_id"):
        files[row.pesankonsultasi_id].append(row.buktidukung)
    return files
