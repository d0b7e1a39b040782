"""The smaller findings of issue 18, each held by a test: downloads and exports of personal data are
audited; every signed-in response says ``no-store``; uploads stop being stored at the limit; stored
files are served under a safe name; ``/api/v1/`` is rate-limited; reset links come from SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from apps.accounts import services
from apps.audit.models import AuditEvent
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.notifications.models import Notification
from apps.pencanangan.public_views import download_token
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.conftest import World
from tests.isolation.registry import exempt_routes, list_routes, object_routes, owner_user
from tests.isolation.routes.pencanangan import make_pakta
from tests.isolation.routes.rencana_aksi import TAHUN, make_rencana
from tests.isolation.routes.reports import make_report
from tests.penilaian.conftest import LKEWorld, lke, open_cycle_now  # noqa: F401  (fixture)
from tests.portalrb.conftest import prb  # noqa: F401  (fixture)
from tests.tpn.conftest import TPNWorld, bearer, tpn  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n%hardening\n%%EOF\n"


def audit_verbs(world: World) -> list[str]:
    with scope(world.instansi_a.pk):
        return list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))


def _bukti(world: World, name: str = "bukti.pdf") -> BuktiDukung:
    with scope(world.instansi_a.pk):
        return bukti_dukung_upload(actor=Membership.objects.get(user=world.ani), file=SimpleUploadedFile(name, PDF))


# -----------------------------------------------------------------------------
# Downloads and exports of personal data write an audit row
# -----------------------------------------------------------------------------


def test_evidence_download_and_preview_are_audited(world: World, login) -> None:
    bukti = _bukti(world)
    client = login(world.ani)
    assert client.get(reverse("bukti_dukung:download", args=[bukti.public_id])).status_code == 200
    assert client.get(reverse("bukti_dukung:preview", args=[bukti.public_id])).status_code == 200
    with scope(world.instansi_a.pk):
        rows = list(AuditEvent.objects.filter(object_id=bukti.public_id).order_by("seq"))
    assert [(row.verb, row.actor_id) for row in rows[-2:]] == [
        ("bukti_dukung.download", world.ani.pk),
        ("bukti_dukung.preview", world.ani.pk),
    ]


def test_report_download_is_audited_and_a_refused_one_is_not(world: World, login) -> None:
    report = make_report(world)
    url = reverse("reports:report-download", kwargs={"public_id": report.public_id})
    assert login(world.dodi).get(url).status_code == 404
    assert "report.download" not in audit_verbs(world)
    assert login(world.citra).get(url).status_code == 200
    with scope(world.instansi_a.pk):
        row = AuditEvent.objects.get(verb="report.download")
    assert (row.actor_id, row.object_id) == (world.citra.pk, report.public_id)


def test_lke_workbook_export_is_audited(lke: LKEWorld, login) -> None:  # noqa: F811
    url = reverse("penilaian:workbook-export", kwargs={"public_id": lke.penilaian.public_id})
    assert login(lke.world.ani).get(url).status_code == 200
    with scope(lke.world.instansi_a.pk):
        row = AuditEvent.objects.get(verb="penilaian.workbook_export")
    assert (row.actor_id, row.object_id) == (lke.world.ani.pk, lke.penilaian.public_id)


def test_heatmap_export_is_audited(world: World, login) -> None:
    make_rencana(world)
    assert login(world.citra).get(f"{reverse('rencana_aksi:heatmap-export')}?tahun={TAHUN}").status_code == 200
    assert "rencana_aksi.heatmap_export" in audit_verbs(world)


def test_pakta_list_export_is_audited(world: World, login) -> None:
    open_cycle_now(world.instansi_a)
    assert login(world.ani).get(reverse("pencanangan:unit-export", args=[world.unit_a1.public_id])).status_code == 200
    with scope(world.instansi_a.pk):
        row = AuditEvent.objects.get(verb="pencanangan.export")
    assert (row.actor_id, row.object_id, row.after["rows"]) == (world.ani.pk, world.unit_a1.public_id, 0)


def test_public_pakta_download_is_audited(world: World) -> None:
    pakta = make_pakta(world)
    response = Client().get(reverse("pakta-public:download", args=[download_token(pakta)]))
    assert response.status_code == 200
    with scope(world.instansi_a.pk):
        row = AuditEvent.objects.get(verb="pakta.download_public")
    assert (row.actor_id, row.actor_label, row.object_id) == (None, "sistem", pakta.public_id)


def _is_a_file(response) -> bool:
    """A download: an attachment, a streamed file, or any body that is neither a page nor JSON."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return (
        response.streaming
        or "Content-Disposition" in response
        or content_type not in {"", "text/html", "application/json", "text/plain"}
    )


# Routes outside the registry's object and list routes that send files, each with the test that holds
# its audit row (public links, and the instansi-wide export addressed by a query parameter).
DOWNLOADS_ELSEWHERE = {
    "pakta-public:download": "test_public_pakta_download_is_audited",
    "portalrb:bukti-file": "tests/portalrb/test_evidence.py::"
    "test_a_download_through_the_link_writes_an_audit_row_in_the_instansis_chain",
    "rencana_aksi:heatmap-export": "test_heatmap_export_is_audited",
    "rencana_aksi:import-template": "no audit row: an empty workbook with the column names, no personal data",
}


def _routes_sending_files() -> list:
    return [route for route in [*object_routes(), *list_routes()] if "GET" in getattr(route, "methods", ("GET",))]


@pytest.mark.parametrize("route", _routes_sending_files(), ids=lambda r: r.name)
def test_every_download_writes_an_audit_row(route, world: World) -> None:
    """Issue 18: every download and export of personal data is audited. Every GET route of the
    isolation registry (which fails on an unregistered URL) is requested by its owner; whatever comes
    back as a file must have added an audit row by that owner about an object of the instansi."""
    built = route.build(world)
    kwargs = built[0] if isinstance(built, tuple) else built
    owner = owner_user(route, world)
    client = Client()
    client.force_login(owner)
    with scope(world.instansi_a.pk):
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.get(reverse(route.name, kwargs=kwargs or None), data=getattr(route, "data", None) or None)
    if not _is_a_file(response):
        assert route.name not in FILE_ROUTES, f"{route.name} no longer sends a file ({response.status_code})"
        return
    assert route.name in FILE_ROUTES, f"{route.name} sends a file: add it to FILE_ROUTES (and audit it)"
    with scope(world.instansi_a.pk):
        rows = list(AuditEvent.objects.filter(seq__gt=last, actor=owner).values_list("verb", "object_id"))
    verbs = [verb for verb, object_id in rows if object_id is not None]
    assert FILE_ROUTES[route.name] in verbs, f"{route.name}: no {FILE_ROUTES[route.name]!r} row by {owner} ({rows})"


# The registry's routes that send files, with the verb of their audit row (the guard above fails on a
# new file route that is not listed, and on a listed one that no longer sends a file).
FILE_ROUTES = {
    "bukti_dukung:download": "bukti_dukung.download",
    "bukti_dukung:preview": "bukti_dukung.preview",
    "reports:report-download": "report.download",
    "pencanangan:unit-export": "pencanangan.export",
    "pencanangan:pakta-pdf": "pakta.download",
    "survei:survei-export": "survei.export",
    "penilaian:workbook-export": "penilaian.workbook_export",
}


def test_downloads_elsewhere_are_real_exempt_routes() -> None:
    assert sorted(set(DOWNLOADS_ELSEWHERE) - set(exempt_routes())) == []


# -----------------------------------------------------------------------------
# Cache-Control: no-store for every signed-in response
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_every_signed_in_page_says_no_store(route, world: World, login) -> None:
    kwargs, _marker = route.build(world)
    response = login(world.citra).get(reverse(route.name, kwargs=kwargs or None))
    # One rule, the same as downloads send (apps.core.files.file_response): private, no-store.
    assert {d.strip() for d in response.get("Cache-Control", "").split(",")} == {"private", "no-store"}, route.name


# -----------------------------------------------------------------------------
# Uploads: nothing past the limit is stored
# -----------------------------------------------------------------------------

RECEIVED: list[int] = []


class CountingHandler(FileUploadHandler):
    """Sits behind the bounded handler and counts what reaches the storing handlers."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def test_an_upload_over_the_limit_is_never_stored(lke: LKEWorld, login, settings) -> None:  # noqa: F811
    settings.ZI_UPLOAD_MAX_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_HANDLERS = [
        "apps.core.uploads.BoundedUploadHandler",
        f"{__name__}.CountingHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    RECEIVED.clear()
    big = PDF + b"0" * (12 * 1024 * 1024)
    url = reverse("penilaian:evidence-upload", kwargs={"public_id": lke.penilaian.public_id, "soal_id": 1})
    response = login(lke.world.ani).post(url, {"s1-up-file": SimpleUploadedFile("besar.pdf", big)})
    assert "lebih besar dari 1 MB" in response.content.decode()
    assert sum(RECEIVED) <= settings.ZI_UPLOAD_MAX_BYTES + 64 * 1024  # at most the limit and one chunk
    with scope(lke.world.instansi_a.pk):
        assert not BuktiDukung.objects.exists()
    # Within the limit the same path stores the file.
    RECEIVED.clear()
    login(lke.world.ani).post(url, {"s1-up-file": SimpleUploadedFile("kecil.pdf", PDF)})
    with scope(lke.world.instansi_a.pk):
        assert BuktiDukung.objects.filter(original_name="kecil.pdf").exists()


# -----------------------------------------------------------------------------
# Stored files are served under a safe name
# -----------------------------------------------------------------------------


def test_downloads_use_a_safe_name_not_the_uploaded_one(world: World, login) -> None:
    bukti = _bukti(world, name='..\\..\\"laporan";\r\nX-Evil: 1 <b>.exe.pdf')
    response = login(world.ani).get(reverse("bukti_dukung:download", args=[bukti.public_id]))
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="laporan-x-evil-1-bexe.pdf"'
    assert "X-Evil" not in response.headers


# -----------------------------------------------------------------------------
# /api/v1/ is rate-limited
# -----------------------------------------------------------------------------


def test_the_national_api_is_rate_limited_per_token(tpn: TPNWorld, settings) -> None:  # noqa: F811
    settings.ZI_NATIONAL_API_RATE = "3/min"
    client = Client()
    codes = [client.get("/api/v1/pengusulan/", **bearer(tpn.token_kemen)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/pengusulan/", **bearer(tpn.token_kemen))
    assert refused.json()["code"] == "RATE_LIMITED"
    assert int(refused["Retry-After"]) >= 1
    # Another person's token has its own budget.
    assert client.get("/api/v1/pengusulan/", **bearer(tpn.token_tpn)).status_code == 200


# -----------------------------------------------------------------------------
# Reset and invitation links come from SITE_URL, never from the Host header
# -----------------------------------------------------------------------------


def test_reset_links_come_from_site_url(world: World, settings) -> None:
    settings.ALLOWED_HOSTS = ["penyerang.example", "testserver"]
    settings.SITE_URL = "https://zi.example.go.id"
    client = Client(HTTP_HOST="penyerang.example")
    assert client.post(reverse("account_reset_password"), {"email": world.ani.email}).status_code == 302
    (message,) = mail.outbox
    assert "penyerang.example" not in message.body
    assert re.search(r"https://zi\.example\.go\.id/akun/password/reset/key/\S+/", message.body), message.body


def test_invitation_links_come_from_site_url(world: World, settings, in_scope) -> None:
    settings.SITE_URL = "https://zi.example.go.id"
    services.membership_invite(
        actor=Membership.objects.get(user=world.citra), email="baru@alfa.go.id", name="Baru", role="viewer"
    )
    with in_scope(world.instansi_a):
        body = Notification.objects.get(recipient__email="baru@alfa.go.id").body
    assert "https://zi.example.go.id/akun/undangan/" in body
