"""python manage.py seed_demo — the demo world for `make run` (idempotent).

Two instansi (a kementerian and a pemkot), eight units, fifty pegawai, the 2026 cycle with
penetapan (some designated by SK), the LKE master, and a login for every role. Running it again
changes nothing and prints the logins again.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.demo import data
from apps.demo.seed.pencanangan import seed_pencanangan
from apps.demo.seed.pendampingan import seed_pendampingan
from apps.demo.seed.rencana_aksi import seed_rencana_aksi
from apps.demo.seed.survei import seed_survei
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import MFA_REQUIRED_ROLES
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.services.cycles import cycle_open, penetapan_create, penetapan_designate
from apps.unit_kerja.services.roster import pegawai_account_link, pegawai_create
from apps.unit_kerja.services.units import unit_kerja_create, unit_kerja_set_head

# PortalRB soal "disciplinary violations this year" (the current side of derived item R.3.iii.a).
DISCIPLINE_THIS_YEAR = 103


def demo_nip(index: int) -> str:
    """A valid-looking, deterministic NIP: birth date, appointment month, sex, serial."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(211 * index) % (30 * 365))
    appointment = f"{birth.year + 23}{1 + index % 12:02d}"
    return f"{birth:%Y%m%d}{appointment}{1 + index % 2}{index % 1000:03d}"


def demo_windows(tahun: int) -> dict[str, datetime.date]:
    """Every window open all year, so the demo can be tried on any day."""
    start, end = datetime.date(tahun, 1, 1), datetime.date(tahun, 12, 30)
    return {
        "fill_start": start,
        "fill_end": end,
        "review_start": start,
        "review_end": end,
        "revision_start": start,
        "revision_end": end,
        "proposal_end": datetime.date(tahun, 12, 31),
    }


def minimal_pdf(title: str) -> bytes:
    """A tiny valid PDF standing in for a scanned SK."""
    body = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_site_url() -> str:
    """Where the demo is served: ``make run ZI_ADDR=host:port`` passes ZI_DEMO_ADDR; links made while
    seeding use it too (requests then keep SITE_URL on the address they arrive on)."""
    if not settings.ZI_SITE_URL_FROM_REQUEST:
        return settings.SITE_URL
    addr = os.environ.get("ZI_DEMO_ADDR", "").strip()
    if not addr:
        return settings.SITE_URL
    host, _, port = addr.rpartition(":")
    if host in ("0.0.0.0", ""):  # noqa: S104  (reading the address, not binding to it)
        host = "127.0.0.1"
    return f"http://{host}:{port}" if port.isdigit() else settings.SITE_URL


class Command(BaseCommand):
    help = "Create (once) the demo instansi, units, pegawai, penetapan and logins, and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ZI_DEMO:
            raise CommandError("seed_demo runs only in the demo mode (ZI_DEMO=true): it prints passwords.")
        settings.SITE_URL = demo_site_url()
        call_command("lke_import", verbosity=0)
        created = False
        for spec in data.INSTANSI:
            if not Instansi.objects.filter(code=spec["code"]).exists():
                self._seed_instansi(spec)
                created = True
        self._seed_national()
        self.stdout.write(self.style.SUCCESS("Demo world created." if created else "Demo world already there."))
        self._print_logins()

    # -- one instansi ---------------------------------------------------------------------------

    @transaction.atomic
    def _seed_instansi(self, spec: dict[str, Any]) -> None:
        from apps.accounts.services import membership_bootstrap

        tahun = timezone.localdate().year
        instansi = Instansi.objects.create(
            code=spec["code"], name=spec["name"], kind=spec["kind"], province=spec["province"]
        )
        admin_login = next(login for login in data.LOGINS if login[2] == spec["code"] and login[3] == "admin_zi")
        admin = membership_bootstrap(email=admin_login[0], name=admin_login[1], role="admin_zi", instansi=instansi)
        self._activate(admin.user)
        with scope(instansi.pk):
            units = self._seed_units(admin, spec["units"])
            self._seed_pegawai(admin, instansi, units)
            cycle = cycle_open(actor=admin, tahun=tahun, **demo_windows(tahun))
            self._seed_penetapan(admin, instansi, cycle, units)
            for email, name, code, role, unit_code in data.LOGINS:
                if code != spec["code"] or role == "admin_zi":
                    continue
                user = self._user(email, name)
                Membership.objects.create(user=user, instansi=instansi, role=role, unit=units.get(unit_code))
                self._activate(user)
                if role == "pegawai":
                    # The login's own roster entry (its own name and NIP), linked through the service
                    # that checks it is the same person: a pact signed with this login names them.
                    serial = 900 + sum(1 for login in data.LOGINS if login[3] == "pegawai" and login[0] < email)
                    pegawai = pegawai_create(
                        actor=admin,
                        unit=units[unit_code],
                        nip=demo_nip(serial),
                        name=name,
                        position="Analis Kebijakan",
                        rank="Penata (III/c)",
                        email=email,
                    )
                    pegawai_account_link(actor=admin, pegawai=pegawai, user=user)
            self._seed_penilaian(admin, instansi, cycle)
            self._seed_pengusulan(admin, instansi, cycle, units)
            self._seed_review_work(instansi, cycle, units)
            self._seed_complaint(instansi, units)
            seed_pencanangan(admin, cycle, units)
            seed_survei(admin=admin, cycle=cycle)
            seed_rencana_aksi(instansi=instansi, cycle=cycle, pdf=minimal_pdf("Draf SK agen perubahan"))
            seed_pendampingan(instansi=instansi, cycle=cycle, pdf=minimal_pdf("SK Tim Kerja ZI"))

    def _seed_units(self, admin: Membership, rows: list[tuple[Any, ...]]) -> dict[str, UnitKerja]:
        units: dict[str, UnitKerja] = {}
        for code, name, kind, parent_code, address in rows:
            units[code] = unit_kerja_create(
                actor=admin, code=code, name=name, kind=kind, parent=units.get(parent_code), address=address
            )
        return units

    def _seed_pegawai(self, admin: Membership, instansi: Instansi, units: dict[str, UnitKerja]) -> None:
        count = 30 if instansi.kind == "kementerian" else 20
        offset = 0 if instansi.kind == "kementerian" else 100
        unit_list = list(units.values())
        for index in range(count):
            first = data.FIRST_NAMES[(index + offset) % len(data.FIRST_NAMES)]
            last = data.LAST_NAMES[(index * 3 + offset) % len(data.LAST_NAMES)]
            position, rank = data.POSITIONS[index % len(data.POSITIONS)]
            unit = unit_list[index % len(unit_list)]
            pegawai = pegawai_create(
                actor=admin,
                unit=unit,
                nip=demo_nip(index + offset),
                name=f"{first} {last}",
                position=position,
                rank=rank,
            )
            if position == "Kepala Bagian" and unit.head_id is None:
                unit_kerja_set_head(actor=admin, unit=unit, pegawai=pegawai)
                unit.refresh_from_db()

    def _seed_penilaian(self, admin: Membership, instansi: Instansi, cycle: Any) -> None:
        """The year's LKE opened for the designated units, TPI tiers set, the demo TPI assigned, and
        the first area of the first unit answered, so every role has something to look at."""
        from apps.lke.models import Soal
        from apps.penilaian.services.answers import jawaban_save
        from apps.penilaian.services.setup import penilaian_open, tpi_assign, tpi_tiers_set

        opened = penilaian_open(actor=admin, cycle=cycle)
        tpi_tiers_set(actor=admin, names=["Anggota tim", "Ketua tim"])
        reviewer = Membership.objects.filter(instansi=instansi, role="tpi").first()
        if reviewer is None or not opened:
            return
        for penilaian in opened:
            for level in (1, 2):
                tpi_assign(actor=admin, cycle=cycle, unit=penilaian.unit, reviewer=reviewer, level=level)
        operators = {m.unit_id: m for m in Membership.objects.filter(instansi=instansi, role="tim_kerja")}
        first = next((p for p in opened if p.unit_id in operators), None)
        if first is None:
            return
        operator = operators[first.unit_id]
        for soal in Soal.objects.filter(template=first.template, node__area=1, node__half="pemenuhan").order_by(
            "order"
        ):
            jawaban_save(
                actor=operator,
                penilaian=first,
                soal=soal,
                answer=soal.options[0]["key"] if soal.options else "1",
                note="Contoh jawaban demo.",
                version=0,
            )

    def _seed_pengusulan(self, admin: Membership, instansi: Instansi, cycle: Any, units: dict[str, UnitKerja]) -> None:
        """Close the review of the first designated unit through the services (the unit answers every
        soal, each TPI tier copies and completes, the TPI recommends), record the Tabel 5 facts and
        let the pimpinan instansi propose it for WBK with the signed SPTJM: a frozen snapshot. A
        past WBK predikat is recorded for another unit, so a WBBM proposal is possible there.

        Needs a TPI member and a pimpinan instansi among the demo logins (kemen-contoh has both)."""
        from decimal import Decimal

        from apps.lke.models import Soal
        from apps.pengusulan import services as pg
        from apps.penilaian.models import Penilaian, PenilaianStatus
        from apps.penilaian.services.answers import jawaban_review_copy_below, jawaban_save
        from apps.penilaian.services.review import penilaian_recommend, penilaian_submit, penilaian_tier_complete

        wbk_year = cycle.tahun - 2
        for code in ("KP-JKT", "RSUD"):
            if code in units:
                pg.predikat_unit_record(
                    instansi=instansi,
                    unit=units[code],
                    predikat="WBK",
                    tahun=wbk_year,
                    decree_number=f"KEP-MENPANRB/WBK/{wbk_year}/{code}",
                    decree_date=datetime.date(wbk_year, 12, 9),
                )
        plan = next((p for p in data.PROPOSALS if p[0] == instansi.code), None)
        reviewer = Membership.objects.filter(instansi=instansi, role="tpi").first()
        head = Membership.objects.filter(instansi=instansi, role="pimpinan_instansi").first()
        operators = {m.unit_id: m for m in Membership.objects.filter(instansi=instansi, role="tim_kerja")}
        if plan is None or reviewer is None or head is None:
            return
        _code, unit_code, predikat, decision = plan
        penilaian = (
            Penilaian.objects.filter(instansi=instansi, cycle=cycle, unit=units[unit_code])
            .select_related("unit", "cycle", "template")
            .first()
        )
        if penilaian is None or penilaian.unit_id not in operators:
            return
        operator = operators[penilaian.unit_id]
        answered = set(penilaian.jawaban.filter(tier="unit").values_list("soal__portalrb_soal_id", flat=True))
        for soal in Soal.objects.filter(template=penilaian.template).order_by("order"):
            if soal.portalrb_soal_id in answered:
                continue
            # The best valid answer: the first option; 4 on a survey scale; 5 for every count.
            numeric = "4" if soal.answer_type == "NILAI_0_4" else "5"
            if soal.portalrb_soal_id == DISCIPLINE_THIS_YEAR:
                numeric = "0"  # no violation this year: R.3.iii.a scores 1, so the WBBM thresholds hold too
            answer = soal.options[0]["key"] if soal.options else numeric
            jawaban_save(
                actor=operator, penilaian=penilaian, soal=soal, answer=answer, note="Contoh jawaban demo.", version=0
            )
        penilaian_submit(actor=operator, penilaian=penilaian)
        penilaian.refresh_from_db()
        while penilaian.status == PenilaianStatus.IN_REVIEW:
            jawaban_review_copy_below(actor=reviewer, penilaian=penilaian)
            penilaian_tier_complete(actor=reviewer, penilaian=penilaian)
            penilaian.refresh_from_db()
        penilaian_recommend(
            actor=reviewer,
            penilaian=penilaian,
            decision=decision,
            reasons=f"Seluruh area perubahan memenuhi ambang batas; unit layak diusulkan menuju {predikat}.",
        )
        pg.instansi_eligibility_set(
            actor=admin, cycle=cycle, opini_bpk="WTP", predikat_sakip="A", indeks_rb="BB", maturitas_spip=3
        )
        for unit in {penilaian.unit, *(units[c] for c in ("KP-JKT", "RSUD") if c in units)}:
            pg.unit_eligibility_set(
                actor=admin,
                cycle=cycle,
                unit=unit,
                is_core_service=True,
                has_public_impact=True,
                tlhp_pct=Decimal("100"),
                lhkpn_pct=Decimal("100"),
                lhkasn_pct=Decimal("100"),
                zi_started_on=datetime.date(cycle.tahun - 3, 1, 2),
                sakip_internal="A",
            )
        pg.surat_pengusulan_save(
            actor=head,
            cycle=cycle,
            number=f"B/{cycle.tahun}/ZI/001",
            date=min(timezone.localdate(), datetime.date(cycle.tahun, 5, 20)),
            sptjm_file=SimpleUploadedFile("sptjm.pdf", minimal_pdf(f"SPTJM {cycle.tahun}")),
        )
        pengusulan = pg.pengusulan_create(actor=head, penilaian=penilaian, predikat=predikat)
        pg.pengusulan_submit(actor=head, pengusulan=pengusulan)

    def _seed_review_work(self, instansi: Instansi, cycle: Any, units: dict[str, UnitKerja]) -> None:
        """An LKE submitted incomplete (issue 17): the unit's operator answers the first soal, submits
        with a reason, and the TPI finds it in review with the blanks to return at once."""
        from apps.lke.models import Soal
        from apps.penilaian.models import Penilaian, PenilaianStatus
        from apps.penilaian.services.answers import jawaban_save
        from apps.penilaian.services.review import penilaian_submit

        code, unit_code, count = data.REVIEW_WORK
        if code != instansi.code or unit_code not in units:
            return
        unit = units[unit_code]
        penilaian = Penilaian.objects.filter(instansi=instansi, cycle=cycle, unit=unit).first()
        operator = (
            Membership.objects.filter(instansi=instansi, role="tim_kerja", unit__isnull=False)
            .select_related("unit")
            .first()
        )
        if penilaian is None or operator is None or penilaian.status != PenilaianStatus.DRAFT:
            return
        for soal in Soal.objects.filter(template=penilaian.template).order_by("order")[:count]:
            numeric = "4" if soal.answer_type == "NILAI_0_4" else "5"
            jawaban_save(
                actor=operator,
                penilaian=penilaian,
                soal=soal,
                answer=soal.options[0]["key"] if soal.options else numeric,
                note="Contoh jawaban demo.",
                version=0,
            )
        penilaian_submit(
            actor=operator,
            penilaian=penilaian,
            incomplete_reason="Data area lain masih dikumpulkan; diserahkan agar TPI dapat mulai menelaah.",
        )

    def _seed_complaint(self, instansi: Instansi, units: dict[str, UnitKerja]) -> None:
        """A public complaint on a predicated unit: recorded against it, with its early warning."""
        from apps.pemantauan.services import pengaduan_public_submit

        code, unit_code, text = data.COMPLAINT
        if code == instansi.code and unit_code in units:
            pengaduan_public_submit(unit=units[unit_code], isi=text, pelapor="Pengguna layanan")

    def _seed_penetapan(self, admin: Membership, instansi: Instansi, cycle: Any, units: dict[str, UnitKerja]) -> None:
        for code, unit_code, designated, afirmasi in data.PENETAPAN:
            if code != instansi.code:
                continue
            penetapan = penetapan_create(
                actor=admin,
                unit=units[unit_code],
                cycle=cycle,
                is_core_service=True,
                core_service_reason="Unit ini memberikan layanan utama instansi kepada masyarakat.",
                is_high_risk=True,
                high_risk_reason="Layanan langsung kepada masyarakat berisiko tinggi terhadap pungli dan gratifikasi.",
                afirmasi_type=afirmasi,
            )
            if designated:
                sk_number = f"SK/{unit_code}/ZI/{cycle.tahun - 1}"
                penetapan_designate(
                    actor=admin,
                    penetapan=penetapan,
                    version=penetapan.version,
                    sk_number=sk_number,
                    sk_date=datetime.date(cycle.tahun - 1, 12, 15),
                    sk_file=SimpleUploadedFile(f"{sk_number.replace('/', '-')}.pdf", minimal_pdf(sk_number)),
                )

    # -- people ---------------------------------------------------------------------------------

    def _seed_national(self) -> None:
        for email, name, code, role, _unit in data.LOGINS:
            if code is not None:
                continue
            user = self._user(email, name)
            if not Membership.objects.filter(user=user, role=role).exists():
                Membership.objects.create(user=user, instansi=None, role=role)
            self._activate(user)

    def _user(self, email: str, name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, name=name)
        return user

    def _activate(self, user: User) -> None:
        """Demo accounts get the printed password and, for MFA roles, an enrolled authenticator
        (in demo mode the code DEMO_MFA_CODE is accepted in place of the app's code)."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if not user.has_usable_password():
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        needs_mfa = Membership.objects.filter(user=user, role__in=sorted(MFA_REQUIRED_ROLES)).exists()
        if needs_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {data.DEMO_PASSWORD}):")
        for email, _name, code, role, unit_code in data.LOGINS:
            where = code or "nasional"
            if unit_code:
                where += f" / {unit_code}"
            mfa = "  (MFA: kode 000000)" if role in MFA_REQUIRED_ROLES else ""
            self.stdout.write(f"  {role:<18} {email:<38} {where}{mfa}")
        self.stdout.write("")
        mailer = settings.MAILERS["default"]
        if str(mailer["BACKEND"]).endswith("filebased.EmailBackend"):
            self.stdout.write(f"Mails are written to {mailer['OPTIONS']['file_path']}/ (one file per sending).")  # type: ignore[index]
        self.stdout.write(f"Open {demo_site_url()}/ and log in.")
