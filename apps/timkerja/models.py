"""Tim kerja ZI per unit per year (DESIGN §6): members from the roster with their role
(penanggung jawab, ketua, sekretaris, coordinator and members per area perubahan: the pokja), the SK
in the evidence store, and the agen perubahan with the changes each made. Being in the team adds
rights (``apps.timkerja.permissions``).

The tables keep the names they had in ``pendampingan`` (``Meta.db_table``), where these models
lived until issue 20.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.softdelete import LiveTenantManager, SoftDeleted
from apps.lke.models import Area
from apps.tenancy.models import TenantManager, TenantModel


def public_id_kept(table: str) -> models.UniqueConstraint:
    """``TenantModel``'s public-id constraint under the name it had while the model lived in
    ``pendampingan`` (the tables moved without a change, issue 20); the diagnosis's
    models keep theirs with it."""
    return models.UniqueConstraint(fields=["instansi", "public_id"], name=f"{table}_unique_public_id")


class Peran(models.TextChoices):
    PENANGGUNG_JAWAB = "penanggung_jawab", _("Penanggung jawab")
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    KOORDINATOR = "koordinator", _("Pokja coordinator")
    ANGGOTA = "anggota", _("Pokja member")


LEAD_ROLES = frozenset({Peran.PENANGGUNG_JAWAB, Peran.KETUA, Peran.SEKRETARIS})
POKJA_ROLES = frozenset({Peran.KOORDINATOR, Peran.ANGGOTA})


class TimKerja(TenantModel, TimeStampedModel):
    """Tim kerja ZI — the unit's team for the year, formed by decree (SK, kept in the evidence store)."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    sk_file = models.ForeignKey(
        "bukti_dukung.BuktiDukung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SK file"),
    )

    class Meta(TenantModel.Meta):
        db_table = "pendampingan_timkerja"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("tim kerja ZI")
        verbose_name_plural = _("tim kerja ZI")
        ordering = ["-cycle__tahun", "unit__path"]
        constraints = [
            public_id_kept("pendampingan_timkerja"),
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="pendampingan_timkerja_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"

    @property
    def is_formed(self) -> bool:
        return self.sk_file_id is not None


class AnggotaTim(TenantModel, SoftDeleted):
    """Anggota tim — a pegawai of the unit in the team with one role; coordinators and members of a
    pokja name its area perubahan. A pegawai may sit in several pokja."""

    tim = models.ForeignKey(TimKerja, on_delete=models.CASCADE, related_name="anggota")
    pegawai = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("pegawai")
    )
    peran = models.CharField(_("role"), max_length=20, choices=Peran.choices)
    area = models.PositiveSmallIntegerField(_("area perubahan"), choices=Area.choices, null=True, blank=True)

    objects = LiveTenantManager()  # removed members are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        db_table = "pendampingan_anggotatim"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["tim", "area", "peran", "id"]
        constraints = [
            public_id_kept("pendampingan_anggotatim"),
            models.UniqueConstraint(
                fields=["instansi", "tim", "pegawai", "peran", "area"],
                condition=Q(deleted_at__isnull=True),
                name="pendampingan_anggota_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(Q(peran__in=sorted(POKJA_ROLES)) & Q(area__isnull=False))
                | (~Q(peran__in=sorted(POKJA_ROLES)) & Q(area__isnull=True)),
                name="pendampingan_anggota_pokja_has_area",
            ),
            models.UniqueConstraint(
                fields=["instansi", "tim", "peran"],
                condition=Q(peran__in=["penanggung_jawab", "ketua"], deleted_at__isnull=True),
                name="pendampingan_anggota_one_lead",
            ),
            models.UniqueConstraint(
                fields=["instansi", "tim", "area"],
                condition=Q(peran="koordinator", deleted_at__isnull=True),
                name="pendampingan_anggota_one_coordinator",
            ),
        ]
        indexes = [models.Index(fields=["instansi", "pegawai"], name="pendampingan_anggota_peg")]

    def __str__(self) -> str:
        return f"{self.pegawai} — {self.get_peran_display()}"


class AgenPerubahan(TenantModel, TimeStampedModel, SoftDeleted):
    """Agen perubahan — a pegawai of the unit named change agent for the year."""

    tim = models.ForeignKey(TimKerja, on_delete=models.CASCADE, related_name="agen")
    pegawai = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("pegawai")
    )

    objects = LiveTenantManager()  # removed agents are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        db_table = "pendampingan_agenperubahan"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("change agent")
        verbose_name_plural = _("change agents")
        ordering = ["tim", "id"]
        constraints = [
            public_id_kept("pendampingan_agenperubahan"),
            models.UniqueConstraint(
                fields=["instansi", "tim", "pegawai"],
                condition=Q(deleted_at__isnull=True),
                name="pendampingan_agen_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pegawai)


class Perubahan(TenantModel, TimeStampedModel, SoftDeleted):
    """Perubahan — a concrete change a change agent made (feeds LKE soal 88–91)."""

    agen = models.ForeignKey(AgenPerubahan, on_delete=models.CASCADE, related_name="perubahan")
    title = models.CharField(_("change"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"))
    integrated = models.BooleanField(_("integrated into the management system"), default=False)

    objects = LiveTenantManager()  # deleted changes are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        db_table = "pendampingan_perubahan"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["agen", "date", "id"]
        constraints = [public_id_kept("pendampingan_perubahan")]

    def __str__(self) -> str:
        return self.title
