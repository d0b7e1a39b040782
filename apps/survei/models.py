"""Survei mandiri: the unit's own SPKP/SPAK surveys of its service users (REFERENCE §4, DESIGN §6).

* ``Layanan`` — a service of a unit kerja; its ``token`` is the public link (and QR poster) at the
  counter. The link stays valid across periods: it opens whichever survey of the unit is open.
* ``Survei`` — one survey period of a unit (both instruments), open → closed.
* ``Respons`` — one anonymous answer: every statement of both instruments (a column each, checked
  1–6 by constraints), the optional coarse profile, and the hash of the device token (one response
  per device per survey). No name, NIK, phone number or address is stored.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.survei.indices import DEFAULT_KONVERSI, Konversi
from apps.survei.instrument import ALL_CODES, SCALE_MAX, SCALE_MIN, JenisKelamin, Pekerjaan, Pendidikan, Usia
from apps.tenancy.models import TenantModel


def new_token() -> str:
    """An unguessable short link token (72 bits, 12 URL-safe characters)."""
    return secrets.token_urlsafe(9)


class Layanan(TenantModel, TimeStampedModel):
    """Layanan — one service a unit kerja delivers to the public (e.g. "Penerbitan izin usaha").

    Each has its own public link ``/s/<token>/`` printed as a QR poster for its counter; answers
    record which service the respondent used.
    """

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    name = models.CharField(_("service"), max_length=150)
    token = models.CharField(_("link token"), max_length=16, default=new_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["unit__path", "name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "unit", "name"],
                name="survei_layanan_unique_name",
                violation_error_message=_("This unit already has a service with this name."),
            ),
            models.UniqueConstraint(fields=["instansi", "token"], name="survei_layanan_unique_token"),
        ]
        # The public page finds a service by its token alone (the one cross-tenant lookup).
        indexes = [models.Index(fields=["token"], name="survei_layanan_token")]

    def __str__(self) -> str:
        return self.name


class SurveiStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Survei(TenantModel, TimeStampedModel):
    """Survei — one SPKP + SPAK survey period of a unit kerja (e.g. "Semester I 2026").

    Workflow: open ⇄ closed. Answers are accepted while it is open and today lies within
    ``opens_on``–``closes_on``. ``konversi`` (fixed at creation) turns the 1–6 index into the LKE's
    0–4 input. The latest survey of a year with answers feeds the unit's LKE as a suggestion.
    """

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    tahun = models.PositiveSmallIntegerField(_("LKE year"))
    label = models.CharField(_("period"), max_length=60, help_text=_("e.g. Semester I"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=10, choices=SurveiStatus.choices, default=SurveiStatus.OPEN)
    konversi = models.CharField(
        _("conversion to the LKE scale"), max_length=20, choices=Konversi.choices, default=DEFAULT_KONVERSI
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "unit__path"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "unit", "tahun", "label"],
                name="survei_survei_unique_period",
                violation_error_message=_("This unit already has a survey with this period for this year."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")),
                name="survei_survei_dates_ordered",
                violation_error_message=_("The survey must open before it closes."),
            ),
        ]
        indexes = [models.Index(fields=["instansi", "unit", "tahun"], name="survei_survei_inst_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.label} {self.tahun}"


def _scale_checks() -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{code}__gte": SCALE_MIN}) & Q(**{f"{code}__lte": SCALE_MAX}),
            name=f"survei_respons_{code}_scale",
            violation_error_message=_("Every answer must be between 1 and 6."),
        )
        for code in ALL_CODES
    ]


def _answer(number: int, instrument: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(f"{instrument} {number}")


class Respons(TenantModel):
    """Respons — one anonymous answer to a survey: 8 SPKP and 5 SPAK values (1–6) and an optional
    coarse profile. ``device_hash`` (HMAC of the device cookie) makes a second answer from the same
    device in the same survey impossible (unique constraint)."""

    survei = models.ForeignKey(Survei, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    layanan = models.ForeignKey(Layanan, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    device_hash = models.CharField(max_length=64, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    spkp1 = _answer(1, "SPKP")
    spkp2 = _answer(2, "SPKP")
    spkp3 = _answer(3, "SPKP")
    spkp4 = _answer(4, "SPKP")
    spkp5 = _answer(5, "SPKP")
    spkp6 = _answer(6, "SPKP")
    spkp7 = _answer(7, "SPKP")
    spkp8 = _answer(8, "SPKP")
    spak1 = _answer(1, "SPAK")
    spak2 = _answer(2, "SPAK")
    spak3 = _answer(3, "SPAK")
    spak4 = _answer(4, "SPAK")
    spak5 = _answer(5, "SPAK")
    usia = models.CharField(_("age"), max_length=10, choices=Usia.choices, blank=True)
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=JenisKelamin.choices, blank=True)
    pendidikan = models.CharField(_("education"), max_length=10, choices=Pendidikan.choices, blank=True)
    pekerjaan = models.CharField(_("occupation"), max_length=15, choices=Pekerjaan.choices, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survei", "submitted_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "survei", "device_hash"],
                name="survei_respons_one_per_device",
                violation_error_message=_("This device has already answered this survey."),
            ),
            *_scale_checks(),
        ]

    def __str__(self) -> str:
        return f"{self.survei} #{self.pk}"
