"""report_request and report_render: rules, the claim, failure, and the PDF read back."""

from __future__ import annotations

import datetime
import hashlib
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError
from apps.notifications.models import Channel, Notification
from apps.outbox.models import OutboxMessage
from apps.reports.models import Report, ReportStatus
from apps.reports.registry import REPORT_KINDS, register_report
from apps.reports.services import NOT_ALLOWED, UNKNOWN_KIND, report_render, report_request
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope
from apps.unit_kerja.reports import UNIT_PROFILE, UNIT_REQUIRED, build_unit_profile_context
from tests.conftest import World
from tests.reports.factories import (
    ADDRESS,
    HEAD_NAME,
    HEAD_NIP,
    SK_NUMBER,
    fill_unit_profile,
    pdf_reader,
    pdf_text,
)


@pytest.fixture
def secret_kind():
    """A kind only audit viewers may request (ani, a tim kerja, may not)."""
    definition = register_report(
        "test_audit_only",
        title="Audit only",
        template="reports/unit_profile.html",
        build_context=build_unit_profile_context,
        capability=Cap.AUDIT_VIEW,
    )
    yield definition
    REPORT_KINDS.pop(definition.kind)


def request_profile(world: World, user, unit=None) -> Report:
    unit = unit or world.unit_a1
    return report_request(actor=world.membership(user), kind=UNIT_PROFILE, params={"unit": str(unit.public_id)})


def render(world: World, report: Report) -> Report:
    """Run the render service as the worker would: inside the report's instansi scope."""
    with scope(report.instansi_id):
        report_render(report_id=report.pk)
        report.refresh_from_db()
    return report


# -----------------------------------------------------------------------------
# report_request
# -----------------------------------------------------------------------------


def test_request_queues_a_report_and_enqueues_rendering_on_commit(
    world: World, in_scope, django_capture_on_commit_callbacks
) -> None:
    with in_scope(world.instansi_a), django_capture_on_commit_callbacks() as callbacks:
        report = request_profile(world, world.ani)
    assert report.status == ReportStatus.QUEUED
    assert report.params == {"unit": str(world.unit_a1.public_id)}
    assert report.requested_by == world.ani
    assert report.instansi == world.instansi_a
    assert world.unit_a1.name in report.title
    # One callback: the render task, published only when the transaction commits.
    assert len(callbacks) == 1
    [message] = OutboxMessage.objects.all()  # written in the same transaction (apps/outbox)
    assert message.task_name == "apps.reports.tasks.render_report"
    assert message.kwargs == {"instansi_id": world.instansi_a.pk, "report_id": report.pk}
    assert callbacks[0].args == (message.pk,)
    with in_scope(world.instansi_a):
        assert AuditEvent.objects.filter(verb="report.request", object_id=report.public_id).count() == 1


def test_a_second_request_while_queued_returns_the_same_report(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        first = request_profile(world, world.ani)
        second = request_profile(world, world.ani)
        assert first.pk == second.pk
        assert Report.objects.count() == 1


def test_a_request_after_the_first_is_done_makes_a_new_report(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        first = request_profile(world, world.ani)
    render(world, first)
    assert first.status == ReportStatus.DONE
    with in_scope(world.instansi_a):
        second = request_profile(world, world.ani)
    assert second.pk != first.pk


def test_read_only_member_may_not_request(world: World, in_scope) -> None:
    with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError) as excinfo:
        request_profile(world, world.evi)
    assert str(excinfo.value) == str(NOT_ALLOWED)
    with in_scope(world.instansi_a):
        assert Report.objects.count() == 0


def test_kind_capability_is_required(world: World, in_scope, secret_kind) -> None:
    params = {"unit": str(world.unit_a1.public_id)}
    with in_scope(world.instansi_a):
        with pytest.raises(PermissionDeniedError):
            report_request(actor=world.membership(world.ani), kind=secret_kind.kind, params=params)
        # citra (admin ZI) holds audit.view: allowed.
        report = report_request(actor=world.membership(world.citra), kind=secret_kind.kind, params=params)
        assert report.kind == secret_kind.kind
        assert Report.objects.count() == 1


def test_unit_of_another_instansi_is_not_found(world: World, in_scope) -> None:
    with in_scope(world.instansi_a), pytest.raises(Http404):
        request_profile(world, world.ani, unit=world.unit_b1)
    with in_scope(world.instansi_a):
        assert Report.objects.count() == 0


def test_unit_outside_a_narrowed_members_subtree_is_not_found(world: World, in_scope) -> None:
    # ani works for unit A1 only; A2 is a sibling.
    with in_scope(world.instansi_a), pytest.raises(Http404):
        request_profile(world, world.ani, unit=world.unit_a2)


def test_missing_or_malformed_unit_is_refused(world: World, in_scope) -> None:
    actor = world.membership(world.ani)
    with in_scope(world.instansi_a):
        with pytest.raises(ValidationError) as excinfo:
            report_request(actor=actor, kind=UNIT_PROFILE, params={})
        assert excinfo.value.message_dict == {"unit": [str(UNIT_REQUIRED)]}
        with pytest.raises(Http404):
            report_request(actor=actor, kind=UNIT_PROFILE, params={"unit": "bukan-uuid"})
        with pytest.raises(Http404):
            report_request(actor=actor, kind=UNIT_PROFILE, params={"unit": str(uuid.uuid4())})
        assert Report.objects.count() == 0


def test_unknown_kind_is_refused(world: World, in_scope) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        report_request(actor=world.membership(world.ani), kind="no_such_report", params={})
    assert excinfo.value.message_dict == {"kind": [str(UNKNOWN_KIND)]}


# -----------------------------------------------------------------------------
# report_render
# -----------------------------------------------------------------------------


def test_render_stores_the_pdf_with_its_hash_and_notifies_the_requester(world: World, in_scope) -> None:
    fill_unit_profile(world)
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
    render(world, report)
    assert report.status == ReportStatus.DONE
    assert report.file.name.startswith(f"instansi/{world.instansi_a.pk}/reports/")
    assert report.started_at is not None
    assert report.finished_at is not None
    assert report.error == ""
    data = report.file.read()
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert data.startswith(b"%PDF-")
    with in_scope(world.instansi_a):
        notices = list(Notification.objects.filter(recipient=world.ani))
        assert AuditEvent.objects.filter(verb="report.render", object_id=report.public_id).count() == 1
    # In the app only, pointing at the status page.
    assert [n.channel for n in notices] == [Channel.IN_APP]
    assert notices[0].link == f"/laporan/{report.public_id}/"
    assert report.title in notices[0].subject


def test_second_run_of_a_done_report_is_a_no_op(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
    render(world, report)
    first_file, first_finished = report.file.name, report.finished_at
    with in_scope(world.instansi_a):
        assert report_render(report_id=report.pk) is False
        report.refresh_from_db()
        assert Notification.objects.filter(recipient=world.ani).count() == 1
    assert (report.file.name, report.finished_at) == (first_file, first_finished)


def test_a_report_claimed_by_another_run_is_left_alone(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
        # Another worker claimed it a moment ago.
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, started_at=report.created_at)
        assert report_render(report_id=report.pk) is False
        report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
    assert not report.file


def test_a_report_stuck_running_past_the_time_limit_is_rendered_again(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
        # The worker that claimed it died an hour ago; acks_late redelivered the message.
        stale = report.created_at - datetime.timedelta(hours=1)
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, started_at=stale)
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_failure_records_the_error_and_notifies_nobody(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        # The unit named by the request no longer exists when the worker builds the context.
        report = Report.objects.create(
            instansi=world.instansi_a,
            kind=UNIT_PROFILE,
            params={"unit": str(uuid.uuid4())},
            title="Profil hilang",
            requested_by=world.ani,
        )
        assert report_render(report_id=report.pk) is False
        report.refresh_from_db()
        assert Notification.objects.count() == 0
        assert AuditEvent.objects.filter(verb="report.fail", object_id=report.public_id).count() == 1
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("DoesNotExist")
    assert report.finished_at is not None
    assert not report.file
    # A failed report is final too.
    with in_scope(world.instansi_a):
        assert report_render(report_id=report.pk) is False


def test_report_id_of_another_instansi_is_not_rendered_in_this_scope(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
    with in_scope(world.instansi_b):
        assert report_render(report_id=report.pk) is False
    with in_scope(world.instansi_a):
        report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED


# -----------------------------------------------------------------------------
# The PDF itself
# -----------------------------------------------------------------------------


def test_unit_profile_pdf_reads_back_with_the_units_data(world: World, in_scope) -> None:
    fill_unit_profile(world)
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
    render(world, report)
    data = report.file.read()
    text = pdf_text(data)
    for expected in (
        world.unit_a1.name,
        "A1",  # unit code
        ADDRESS,  # Indonesian words from the data: "Jalan Merdeka Barat"
        HEAD_NAME,
        HEAD_NIP,
        SK_NUMBER,
        "Analis Pelayanan 2",  # the roster by position: two analysts
        world.instansi_a.name,  # letterhead and page header
    ):
        assert expected in text, (expected, text)
    reader = pdf_reader(data)
    assert reader.metadata.title == report.title
    assert reader.metadata.author == world.instansi_a.name
    assert len(reader.pages) >= 1
    # A4 portrait (in points).
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # The footer from the print stylesheet (served from static/ by the fetcher): "1 / N" page numbers.
    assert f"1 / {len(reader.pages)}" in " ".join(reader.pages[0].extract_text().split())


def test_pdf_is_in_the_requesters_language(world: World, in_scope) -> None:
    fill_unit_profile(world)
    world.ani.language = "id"
    world.ani.save(update_fields=["language"])
    world.citra.language = "en"
    world.citra.save(update_fields=["language"])
    with in_scope(world.instansi_a):
        in_indonesian = request_profile(world, world.ani)
        in_english = request_profile(world, world.citra)
    render(world, in_indonesian)
    render(world, in_english)
    id_data, en_data = in_indonesian.file.read(), in_english.file.read()
    # Dates use Django's own Indonesian month names: 15 March 2026 → "15 Maret 2026".
    assert "15 Maret 2026" in pdf_text(id_data)
    assert "15 March 2026" in pdf_text(en_data)
    assert pdf_reader(id_data).trailer["/Root"]["/Lang"] == "id"
    assert pdf_reader(en_data).trailer["/Root"]["/Lang"] == "en"


def test_unit_without_head_or_penetapan_still_renders(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        report = request_profile(world, world.ani)
    render(world, report)
    assert report.status == ReportStatus.DONE
    assert world.unit_a1.name in pdf_text(report.file.read())
