"""The national proposal deadline (TPN, for every instansi)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import PermissionDeniedError
from apps.pengusulan.models import ProposalDeadline
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

DEADLINE_OUTSIDE_YEAR = _("The deadline must fall within that year.")


@transaction.atomic
def proposal_deadline_set(*, actor: Membership, tahun: int, closes_on: datetime.date) -> ProposalDeadline:
    """TPN sets the year's proposal deadline for every instansi (a national decision,
    ``Cap.TPN_DECIDE``). It must fall in the year; it overrides each instansi's own date."""
    if not actor.is_national or not actor.can(Cap.TPN_DECIDE):
        raise PermissionDeniedError
    if closes_on.year != tahun:
        raise ValidationError({"closes_on": ValidationError(DEADLINE_OUTSIDE_YEAR, code="outside_year")})
    deadline, _created = ProposalDeadline.objects.update_or_create(
        tahun=tahun, defaults={"closes_on": closes_on, "set_by": actor.user}
    )
    return deadline
