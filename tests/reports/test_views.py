"""Report pages: request, status (HTMX polling), download, list — for each persona."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from apps.reports.models import Report, ReportStatus
from apps.reports.registry import REPORT_KINDS, register_report
from apps.reports.views import REPORT_QUEUED
from apps.tenancy.roles import Cap
from apps.unit_kerja.reports import UNIT_PROFILE, UNIT_REQUIRED, build_unit_profile_context
from tests.conftest import World
from tests.isolation.routes.reports import PDF, make_report

CREATE = reverse("reports:report-create")


def detail_url(report: Report, name: str = "reports:report-detail") -> str:
    return reverse(name, kwargs={"public_id": report.public_id})


def report_count(world: World, in_scope) -> int:
    with in_scope(world.instansi_a):
        return Report.objects.count()


@pytest.fixture
def audit_kind():
    """A kind only audit viewers may see; evi (read-only) may not."""
    definition = register_report(
        "test_audit_only",
        title="Audit only",
        template="reports/unit_profile.html",
        build_context=build_unit_profile_context,
        capability=Cap.AUDIT_VIEW,
    )
    yield definition
    REPORT_KINDS.pop(definition.kind)


# -----------------------------------------------------------------------------
# Request (POST)
# -----------------------------------------------------------------------------


def test_operator_requests_a_unit_profile_and_lands_on_its_status_page(world: World, login, in_scope) -> None:
    client = login(world.ani)
    response = client.post(CREATE, {"kind": UNIT_PROFILE, "unit": str(world.unit_a1.public_id)}, follow=True)
    with in_scope(world.instansi_a):
        report = Report.objects.get()
    assert response.redirect_chain == [(detail_url(report), 302)]
    assert report.status == ReportStatus.QUEUED
    assert report.params == {"unit": str(world.unit_a1.public_id)}
    assert str(REPORT_QUEUED) in response.content.decode()


def test_outsider_requesting_a_unit_of_a_gets_404(world: World, login, in_scope) -> None:
    response = login(world.dodi).post(CREATE, {"kind": UNIT_PROFILE, "unit": str(world.unit_a1.public_id)})
    assert response.status_code == 404
    assert report_count(world, in_scope) == 0
    with in_scope(world.instansi_b):
        assert Report.objects.count() == 0


def test_read_only_member_may_not_request(world: World, login, in_scope) -> None:
    response = login(world.evi).post(CREATE, {"kind": UNIT_PROFILE, "unit": str(world.unit_a1.public_id)})
    assert response.status_code == 403
    assert report_count(world, in_scope) == 0


def test_kind_capability_missing_is_403(world: World, login, in_scope, audit_kind) -> None:
    response = login(world.ani).post(CREATE, {"kind": audit_kind.kind, "unit": str(world.unit_a1.public_id)})
    assert response.status_code == 403
    assert report_count(world, in_scope) == 0


def test_get_on_request_is_405(world: World, login) -> None:
    assert login(world.ani).get(CREATE).status_code == 405


def test_unknown_kind_shows_the_error_and_saves_nothing(world: World, login, in_scope) -> None:
    response = login(world.ani).post(CREATE, {"kind": "tidak-ada", "unit": str(world.unit_a1.public_id)})
    assert response.status_code == 200
    assert "tidak-ada" in response.content.decode()
    assert response.context["form"].errors["kind"]
    assert report_count(world, in_scope) == 0


def test_missing_unit_shows_the_error_and_saves_nothing(world: World, login, in_scope) -> None:
    response = login(world.ani).post(CREATE, {"kind": UNIT_PROFILE})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(UNIT_REQUIRED)]
    assert str(UNIT_REQUIRED) in response.content.decode()
    assert report_count(world, in_scope) == 0


def test_anonymous_request_is_sent_to_login(world: World, client, in_scope) -> None:
    response = client.post(CREATE, {"kind": UNIT_PROFILE, "unit": str(world.unit_a1.public_id)})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert report_count(world, in_scope) == 0


# -----------------------------------------------------------------------------
# Status page and its polling fragment
# -----------------------------------------------------------------------------


def test_queued_report_page_polls_every_two_seconds(world: World, login) -> None:
    report = make_report(world, status=ReportStatus.QUEUED)
    html = login(world.ani).get(detail_url(report)).content.decode()
    status_url = detail_url(report, "reports:report-status")
    assert f'hx-get="{status_url}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert reverse("reports:report-download", kwargs={"public_id": report.public_id}) not in html


def test_status_fragment_stops_polling_and_links_the_download_when_done(world: World, login) -> None:
    report = make_report(world)
    response = login(world.ani).get(detail_url(report, "reports:report-status"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="report-status"')  # only the fragment, not the page
    assert "hx-trigger" not in html
    assert reverse("reports:report-download", kwargs={"public_id": report.public_id}) in html
    assert report.sha256 in html


def test_failed_report_offers_to_request_again(world: World, login) -> None:
    report = make_report(world, status=ReportStatus.FAILED)
    html = login(world.ani).get(detail_url(report, "reports:report-status")).content.decode()
    assert "hx-trigger" not in html
    assert f'action="{CREATE}"' in html
    assert f'name="unit" value="{world.unit_a1.public_id}"' in html


def test_read_only_member_sees_a_unit_profile(world: World, login) -> None:
    report = make_report(world)
    assert login(world.evi).get(detail_url(report)).status_code == 200


def test_kind_the_member_may_not_see_is_403(world: World, login, audit_kind) -> None:
    report = make_report(world)
    Report.unscoped.filter(pk=report.pk).update(kind=audit_kind.kind)
    client = login(world.evi)
    for name in ("reports:report-detail", "reports:report-status", "reports:report-download"):
        assert client.get(detail_url(report, name)).status_code == 403, name
    assert login(world.citra).get(detail_url(report)).status_code == 200


def test_outsider_gets_404_on_status_pages(world: World, login) -> None:
    report = make_report(world)
    client = login(world.dodi)
    for name in ("reports:report-detail", "reports:report-status", "reports:report-download"):
        assert client.get(detail_url(report, name)).status_code == 404, name


def test_post_on_status_pages_is_405(world: World, login) -> None:
    report = make_report(world)
    client = login(world.ani)
    for name in ("reports:report-detail", "reports:report-status", "reports:report-download"):
        assert client.post(detail_url(report, name)).status_code == 405, name


# -----------------------------------------------------------------------------
# Download
# -----------------------------------------------------------------------------


def test_download_is_an_attachment_with_nosniff(world: World, login) -> None:
    report = make_report(world, title="Profil unit kerja — Direktorat A1")
    response = login(world.ani).get(detail_url(report, "reports:report-download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="profil-unit-kerja-direktorat-a1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_download_of_an_unfinished_report_is_404(world: World, login) -> None:
    for status in (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED):
        report = make_report(world, status=status)
        assert login(world.ani).get(detail_url(report, "reports:report-download")).status_code == 404, status


def test_download_with_the_file_gone_is_404_not_500(world: World, login) -> None:
    report = make_report(world)
    report.file.storage.delete(report.file.name)
    assert login(world.ani).get(detail_url(report, "reports:report-download")).status_code == 404


# -----------------------------------------------------------------------------
# List
# -----------------------------------------------------------------------------


def test_list_shows_the_instansis_reports(world: World, login) -> None:
    make_report(world, title="Profil Direktorat A1")
    html = login(world.evi).get(reverse("reports:report-list")).content.decode()
    assert "Profil Direktorat A1" in html


def test_list_hides_kinds_the_member_may_not_see(world: World, login, audit_kind) -> None:
    report = make_report(world, title="Laporan audit rahasia")
    Report.unscoped.filter(pk=report.pk).update(kind=audit_kind.kind)
    assert "Laporan audit rahasia" not in login(world.evi).get(reverse("reports:report-list")).content.decode()
    assert "Laporan audit rahasia" in login(world.citra).get(reverse("reports:report-list")).content.decode()


def test_outsider_list_is_empty_of_as_reports(world: World, login) -> None:
    make_report(world, title="Profil Direktorat A1")
    response = login(world.dodi).get(reverse("reports:report-list"))
    assert response.status_code == 200
    assert "Profil Direktorat A1" not in response.content.decode()


def test_post_on_list_is_405(world: World, login) -> None:
    assert login(world.ani).post(reverse("reports:report-list")).status_code == 405


# -----------------------------------------------------------------------------
# The request button other pages include
# -----------------------------------------------------------------------------


def test_request_button_tag_renders_a_post_form_for_those_who_may_request(world: World) -> None:
    template = Template('{% load report_tags %}{% report_request_button "unit_profile" unit=unit.public_id %}')
    html = template.render(Context({"membership": world.membership(world.ani), "unit": world.unit_a1}))
    assert f'action="{CREATE}"' in html
    assert 'name="kind" value="unit_profile"' in html
    assert f'name="unit" value="{world.unit_a1.public_id}"' in html
    assert 'method="post"' in html
    # evi may not request reports: no button at all.
    assert "<form" not in template.render(Context({"membership": world.membership(world.evi), "unit": world.unit_a1}))
