"""The SPKP and SPAK instruments (REFERENCE §4): the statements, the 1–6 scale and the respondent
profile. Fixed by the published questionnaires, so they are code, not data.

Each statement is one column of ``Respons`` (``spkp1`` … ``spkp8``, ``spak1`` … ``spak5``): a
response is one row, so it is stored whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCALE_MIN = 1
SCALE_MAX = 6


class Skala(models.IntegerChoices):
    """The answer scale of both instruments (1 ★ … 6 ★★★★★★)."""

    SANGAT_TIDAK_SESUAI = 1, _("Strongly disagree")
    TIDAK_SESUAI = 2, _("Disagree")
    KURANG_SESUAI = 3, _("Somewhat disagree")
    CUKUP_SESUAI = 4, _("Somewhat agree")
    SESUAI = 5, _("Agree")
    SANGAT_SESUAI = 6, _("Strongly agree")


class Instrumen(models.TextChoices):
    SPKP = "spkp", _("SPKP (service quality perception survey)")
    SPAK = "spak", _("SPAK (anti-corruption perception survey)")


@dataclass(frozen=True)
class Pernyataan:
    code: str  # the Respons column
    instrumen: str
    number: int
    text: str | Promise


SPKP = (
    Pernyataan(
        "spkp1",
        Instrumen.SPKP,
        1,
        _("Information about the service is available on electronic and non-electronic media."),
    ),
    Pernyataan("spkp2", Instrumen.SPKP, 2, _("The requirements announced match the requirements applied.")),
    Pernyataan("spkp3", Instrumen.SPKP, 3, _("The service procedure (flow) is easy to follow.")),
    Pernyataan("spkp4", Instrumen.SPKP, 4, _("The service was completed within the announced time.")),
    Pernyataan("spkp5", Instrumen.SPKP, 5, _("The fee or tariff paid matches the announced fee or tariff.")),
    Pernyataan("spkp6", Instrumen.SPKP, 6, _("The facilities (or the online system) are comfortable and easy to use.")),
    Pernyataan("spkp7", Instrumen.SPKP, 7, _("The staff (or the online system) respond quickly.")),
    Pernyataan("spkp8", Instrumen.SPKP, 8, _("The consultation and complaint service is easy to use.")),
)

SPAK = (
    Pernyataan("spak1", Instrumen.SPAK, 1, _("There is no discrimination in the service.")),
    Pernyataan("spak2", Instrumen.SPAK, 2, _("There is no service outside the procedure (e.g. jumping the queue).")),
    Pernyataan(
        "spak3",
        Instrumen.SPAK,
        3,
        _("Staff do not ask for money, goods or facilities beyond the rules (rewards or gratuities)."),
    ),
    Pernyataan("spak4", Instrumen.SPAK, 4, _("There are no illegal levies (pungli) in the service.")),
    Pernyataan("spak5", Instrumen.SPAK, 5, _("There are no brokers (calo) or unofficial middlemen in the service.")),
)

PERNYATAAN: dict[str, tuple[Pernyataan, ...]] = {Instrumen.SPKP: SPKP, Instrumen.SPAK: SPAK}
ALL_CODES = tuple(p.code for p in (*SPKP, *SPAK))

# The LKE hasil soal each instrument feeds (PortalRB master 2026 soal ids, REFERENCE §2.5/§2.7).
LKE_SOAL = {Instrumen.SPAK: 125, Instrumen.SPKP: 127}
INDEX_NAME: dict[str, str] = {Instrumen.SPAK: "IPAK", Instrumen.SPKP: "IPKP"}


# -----------------------------------------------------------------------------
# Respondent profile: optional, coarse bands only (no name, NIK or phone number).
# -----------------------------------------------------------------------------


class Usia(models.TextChoices):
    U_17 = "lt20", _("Under 20")
    U_20 = "20_29", _("20–29")
    U_30 = "30_39", _("30–39")
    U_40 = "40_49", _("40–49")
    U_50 = "50_59", _("50–59")
    U_60 = "60plus", _("60 or older")


class JenisKelamin(models.TextChoices):
    LAKI = "l", _("Male")
    PEREMPUAN = "p", _("Female")


class Pendidikan(models.TextChoices):
    SD = "sd", _("Primary school or below")
    SMP = "smp", _("Junior high school")
    SMA = "sma", _("Senior high school")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    S1 = "s1", _("Bachelor (S1)")
    S2 = "s2plus", _("Postgraduate (S2/S3)")


class Pekerjaan(models.TextChoices):
    PNS = "asn", _("Civil servant / TNI / Polri")
    SWASTA = "swasta", _("Private employee")
    WIRAUSAHA = "wirausaha", _("Entrepreneur")
    PELAJAR = "pelajar", _("Student")
    RUMAH_TANGGA = "rumah_tangga", _("Homemaker")
    LAINNYA = "lainnya", _("Other")
