"""The proposal deadline of a year: TPN's date when it set one, else the instansi's own."""

from __future__ import annotations

import datetime

from apps.pengusulan.models import ProposalDeadline
from apps.unit_kerja.models import Cycle


def proposal_closes_on(cycle: Cycle) -> datetime.date:
    """The last day proposals for the cycle's year may be made: the date TPN set for the year, when
    it did, else the instansi's own deadline (31 May by default)."""
    national = ProposalDeadline.objects.filter(tahun=cycle.tahun).values_list("closes_on", flat=True).first()
    return national or cycle.proposal_end
