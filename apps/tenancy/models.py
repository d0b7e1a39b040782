"""Tenancy: the instansi (tenant), memberships, and the fail-closed base for tenant-owned rows."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.provinces import PROVINCES
from apps.tenancy.roles import MFA_REQUIRED_ROLES, NATIONAL_ROLES, UNIT_ROLES, Role, capabilities_for
from apps.tenancy.scope import ScopeMissing, current_scope

# -----------------------------------------------------------------------------
# Instansi
# -----------------------------------------------------------------------------


class InstansiKind(models.TextChoices):
    KEMENTERIAN = "kementerian", _("Kementerian")
    LEMBAGA = "lembaga", _("Lembaga")
    PROVINSI = "provinsi", _("Pemerintah provinsi")
    KABUPATEN = "kabupaten", _("Pemerintah kabupaten")
    KOTA = "kota", _("Pemerintah kota")


class Instansi(TimeStampedModel):
    """Instansi — a government agency, and **the tenant** of ZI.

    Ministries, agencies, provinces, regencies and cities each run their own Zona Integritas cycle
    (PermenPANRB 90/2021). Nothing of one instansi is ever visible to another.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short unique code, e.g. kemenkeu or kota-bandung.")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InstansiKind.choices)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# -----------------------------------------------------------------------------
# Fail-closed tenant base
# -----------------------------------------------------------------------------


_M = TypeVar("_M", bound=models.Model)


class TenantQuerySet(models.QuerySet[_M, _M]):
    """A queryset that refuses to hit the database when it was built with no instansi scope."""

    _zi_guarded: bool = False

    def _clone(self) -> TenantQuerySet[_M]:
        clone = super()._clone()
        clone._zi_guarded = self._zi_guarded
        return clone

    def _zi_check(self) -> None:
        if self._zi_guarded:
            raise ScopeMissing(
                f"{self.model.__name__}.objects used without an instansi scope. Open one with "
                "apps.tenancy.scope.scope(instansi_id), or use the audited Model.unscoped in a "
                "national selector or management command."
            )

    def _fetch_all(self) -> None:
        self._zi_check()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._zi_check()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        self._zi_check()
        return super().count()

    def exists(self) -> bool:
        self._zi_check()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._zi_check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._zi_check()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._zi_check()
        return super().delete()

    def contains(self, obj: models.Model) -> bool:
        self._zi_check()
        return super().contains(obj)

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._zi_check()
        return super().explain(*args, **kwargs)


if TYPE_CHECKING:  # the type checker sees a plain generic manager; the runtime base is built from the queryset

    class _TenantManagerBase(models.Manager[_M]):
        def get_queryset(self) -> TenantQuerySet[_M]: ...

else:
    _TenantManagerBase = models.Manager.from_queryset(TenantQuerySet)


class TenantManager(_TenantManagerBase[_M]):
    """``Model.objects`` for tenant rows: filtered to the active instansi, or refusing to run."""

    def get_queryset(self) -> TenantQuerySet[_M]:
        queryset: TenantQuerySet[_M] = super().get_queryset()
        active = current_scope()
        if active is None or active.instansi_id is None:
            queryset._zi_guarded = True
            return queryset
        return queryset.filter(instansi_id=active.instansi_id)


class CrossTenantWrite(AssertionError):
    """A row of one instansi was about to be saved inside another instansi's scope: a bug."""


class TenantModel(models.Model):
    """Base of every tenant-owned model (DESIGN §4).

    * ``instansi``: non-null, indexed, first in every composite constraint and index.
    * ``public_id``: the UUID used in every URL and API payload; integer keys never leave the server.
    * ``objects`` is scoped and fail-closed; ``unscoped`` is the greppable escape hatch for national
      selectors and management commands.
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi"))
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012  (ruff takes a second manager for a field)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["instansi", "public_id"], name="%(app_label)s_%(class)s_unique_public_id"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        active = current_scope()
        if active is not None and active.instansi_id is not None and self.instansi_id != active.instansi_id:
            raise CrossTenantWrite(
                f"{type(self).__name__} of instansi {self.instansi_id} saved in the scope of {active.instansi_id}"
            )
        super().save(*args, **kwargs)


# -----------------------------------------------------------------------------
# Membership
# -----------------------------------------------------------------------------


class Membership(TimeStampedModel):
    """Keanggotaan — ties a user to one instansi with one role (DESIGN §5).

    Optionally narrowed to a unit kerja subtree (unit roles) and, for the tim kerja, to some areas
    perubahan. National roles (KemenPANRB, TPN) have no instansi. A user may hold several
    memberships and switches between them; the active one sets the request's scope.

    Not a ``TenantModel`` because national memberships have no instansi, and because it is read to
    *establish* the scope. It is reached only through ``apps.tenancy.selectors``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    instansi = models.ForeignKey(
        Instansi,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("instansi"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit kerja"),
    )
    areas = models.JSONField(_("areas perubahan"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # An instansi invited a person who already had an account (issue 18: consent): the role does
    # nothing — no switcher entry, no scope, no MFA rule — until the person accepts it.
    awaiting_consent = models.BooleanField(_("awaiting the person's consent"), default=False, db_default=False)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["instansi__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(NATIONAL_ROLES)) & Q(instansi__isnull=True))
                | (~Q(role__in=sorted(NATIONAL_ROLES)) & Q(instansi__isnull=False)),
                name="tenancy_membership_national_roles_have_no_instansi",
                violation_error_message=_("National roles have no instansi; every other role needs one."),
            ),
        ]
        indexes = [models.Index(fields=["instansi", "role"], name="tenancy_membership_inst_role")]

    def __str__(self) -> str:
        where = self.instansi.name if self.instansi_id else _("national")
        return f"{self.user} — {self.get_role_display()} ({where})"

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def requires_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_for(self.role)

    def can(self, capability: str) -> bool:
        return self.is_active and not self.awaiting_consent and capability in self.capabilities

    @property
    def is_unit_narrowed(self) -> bool:
        return self.role in UNIT_ROLES and self.unit_id is not None
