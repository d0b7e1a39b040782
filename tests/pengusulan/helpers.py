"""Helpers for the pengusulan tests (no tests here): a recommended unit, eligible facts, the
pimpinan instansi persona, the letter with its SPTJM."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.accounts.models import User
from apps.pengusulan import services
from apps.pengusulan.models import Pengusulan, SuratPengusulan
from apps.penilaian.models import Recommendation, Tier
from apps.penilaian.services.review import penilaian_recommend, penilaian_tier_complete
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.conftest import PASSWORD, enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_review_support import best, fill, submit

REASONS = "Seluruh area memenuhi ambang batas minimal."


def pimpinan(lke: LKEWorld) -> User:
    """Hendra, the pimpinan instansi of instansi A (MFA enrolled, password PASSWORD)."""
    user = User.objects.filter(email="hendra@alfa.go.id").first()
    if user is None:
        user = UserFactory(email="hendra@alfa.go.id", name="Hendra Wijaya")
        user.set_password(PASSWORD)
        user.save()
        MembershipFactory(user=user, instansi=lke.world.instansi_a, role=Role.PIMPINAN_INSTANSI)
        enrol_totp(user)
    return user


def actor(user: User) -> Membership:
    return Membership.objects.select_related("instansi", "unit").get(user=user)


DISCIPLINE_NOW = 103  # PortalRB soal: disciplinary violations this year (R.3.iii.a decrease)


def top(soal) -> str:
    """The best answer everywhere, with no disciplinary violation this year: meets WBBM too."""
    return "0" if soal.portalrb_soal_id == DISCIPLINE_NOW else best(soal)


def recommend(lke: LKEWorld, decision: str = Recommendation.Decision.LAYAK_WBK) -> None:
    """The unit answers everything, budi reviews in one tier (meeting every WBK and WBBM
    threshold), closes and recommends."""
    fill(lke, answer=top)
    submit(lke)
    fill(lke, tier=Tier.TPI, level=1, answer=top)
    budi = lke.actor(lke.world.budi)
    with scope(lke.world.instansi_a.pk):
        penilaian_tier_complete(actor=budi, penilaian=lke.penilaian)
        penilaian_recommend(actor=budi, penilaian=lke.penilaian, decision=decision, reasons=REASONS)
        lke.penilaian.refresh_from_db()


def eligible_facts(lke: LKEWorld, **unit_overrides) -> None:
    """Facts meeting Tabel 5 for WBBM (so WBK too) for instansi A (a K/L) and unit A1."""
    citra = lke.actor(lke.world.citra)
    with scope(lke.world.instansi_a.pk):
        services.instansi_eligibility_set(
            actor=citra, cycle=lke.cycle, opini_bpk="WTP", predikat_sakip="A", indeks_rb="BB", maturitas_spip=3
        )
        values = {
            "is_core_service": True,
            "has_public_impact": True,
            "tlhp_pct": Decimal("100"),
            "lhkpn_pct": Decimal("100"),
            "lhkasn_pct": Decimal("100"),
            "zi_started_on": datetime.date(lke.cycle.tahun - 2, 1, 1),
            "sakip_internal": "A",
        } | unit_overrides
        services.unit_eligibility_set(actor=citra, cycle=lke.cycle, unit=lke.world.unit_a1, **values)


def letter(lke: LKEWorld, *, sign: bool = True) -> SuratPengusulan:
    who = actor(pimpinan(lke))
    with scope(lke.world.instansi_a.pk):
        surat = services.surat_pengusulan_save(
            actor=who, cycle=lke.cycle, number="B/100/ZI/2026", date=datetime.date(lke.cycle.tahun, 5, 1)
        )
        if sign:
            surat = services.surat_sptjm_sign(actor=who, surat=surat, password=PASSWORD, confirm=True)
    return surat


def ready(lke: LKEWorld, predikat: str = "WBK") -> Pengusulan:
    """A recommended, eligible unit with a signed letter: a draft pengusulan ready to submit."""
    recommend(lke)
    eligible_facts(lke)
    letter(lke)
    with scope(lke.world.instansi_a.pk):
        return services.pengusulan_create(actor=actor(pimpinan(lke)), penilaian=lke.penilaian, predikat=predikat)
