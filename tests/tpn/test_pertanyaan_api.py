"""/api/v1/pertanyaan-tpn/: the TPI's questions to KemenPANRB / TPN over the national API — the list
(status filter, cursor pagination), a thread with its messages, and the answer (refused on a closed
thread with the API's error body, nothing saved). A unit's own thread with its TPI never shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.models import User
from apps.notifications.models import Notification
from apps.pendampingan.models import Konsultasi, PesanKonsultasi
from apps.pendampingan.services import konsultasi as k_services
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.factories import MembershipFactory, UserFactory
from tests.tpn.conftest import TPNWorld, bearer

LIST = "/api/v1/pertanyaan-tpn/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
UNIT_THREAD_SUBJECT = "Utas unit RAHASIA dengan TPI"


def detail(k: Konsultasi) -> str:
    return f"{LIST}{k.public_id}/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] is True
    assert body["code"] == code
    assert body["message"]
    return body


def ask(tpn: TPNWorld, user: User, subject: str, *, unit=None, files=()) -> Konsultasi:
    """``user`` (a TPI) asks TPN a question in their instansi, about this year's LKE."""
    actor = Membership.objects.select_related("instansi", "user").get(user=user)
    cycle = tpn.prb.wbk.cycle if actor.instansi_id == tpn.world.instansi_a.pk else tpn.prb.b1.cycle
    with scope(actor.instansi_id):
        return k_services.tpn_question_start(
            actor=actor, cycle=cycle, subject=subject, body=f"Pertanyaan: {subject}?", unit=unit, files=files
        )


@dataclass
class Questions:
    tpn: TPNWorld
    a_general: Konsultasi
    a_unit: Konsultasi
    b_question: Konsultasi
    unit_thread: Konsultasi


@pytest.fixture
def questions(tpn: TPNWorld) -> Questions:
    world = tpn.world
    a_general = ask(tpn, world.budi, "Cakupan pakta untuk PPPK")
    a_unit = ask(
        tpn,
        world.budi,
        "Bukti SK tim kerja A1",
        unit=world.unit_a1,
        files=[SimpleUploadedFile("sk-draf.pdf", PDF, content_type="application/pdf")],
    )
    bayu = UserFactory(email="bayu@beta.go.id", name="Bayu Inspektorat B")
    MembershipFactory(user=bayu, instansi=world.instansi_b, role=Role.TPI)
    b_question = ask(tpn, bayu, "Afirmasi untuk unit baru")
    ani = Membership.objects.select_related("instansi", "user", "unit").get(user=world.ani)
    with scope(world.instansi_a.pk):
        unit_thread = k_services.konsultasi_start(
            actor=ani, unit=world.unit_a1, cycle=tpn.prb.wbk.cycle, subject=UNIT_THREAD_SUBJECT, body="Hanya untuk TPI"
        )
    return Questions(tpn, a_general, a_unit, b_question, unit_thread)


def test_list_filters_and_pages_through_every_instansis_questions(questions: Questions) -> None:
    client, token = Client(), questions.tpn.token_tpn
    assert_error(client.get(LIST), 401, "UNAUTHORIZED")
    assert_error(client.get(LIST, **bearer(questions.tpn.prb.token_a)), 401, "UNAUTHORIZED")  # a PortalRB token
    body = client.get(LIST, {"limit": 1}, **bearer(token)).json()
    rows = list(body["results"])
    while body["next"]:
        body = client.get(body["next"], **bearer(token)).json()
        rows += body["results"]
    # Newest question first, across instansi; the unit's own thread with its TPI is not a question.
    assert [r["subject"] for r in rows] == [
        "Afirmasi untuk unit baru",
        "Bukti SK tim kerja A1",
        "Cakupan pakta untuk PPPK",
    ]
    by_subject = {r["subject"]: r for r in rows}
    assert by_subject["Bukti SK tim kerja A1"]["unit"]["code"] == "A1"
    assert by_subject["Cakupan pakta untuk PPPK"]["unit"] is None
    assert by_subject["Afirmasi untuk unit baru"]["instansi"]["code"] == questions.tpn.world.instansi_b.code
    assert by_subject["Afirmasi untuk unit baru"]["asked_by"] == "Bayu Inspektorat B"
    assert {r["status"] for r in rows} == {"open"}
    assert {r["messages"] for r in rows} == {1}
    # A reply moves the thread to "answered": the status filter follows it.
    with scope(questions.a_general.instansi_id):
        k_services.konsultasi_reply(
            actor=Membership.objects.get(user=questions.tpn.tina), konsultasi=questions.a_general, body="Ya."
        )
    answered = client.get(LIST, {"status": "answered"}, **bearer(token)).json()["results"]
    assert [r["id"] for r in answered] == [str(questions.a_general.public_id)]
    assert answered[0]["messages"] == 2
    assert len(client.get(LIST, {"status": "open"}, **bearer(token)).json()["results"]) == 2
    assert client.get(LIST, {"tahun": 2000}, **bearer(token)).json()["results"] == []
    assert (
        "status"
        in assert_error(client.get(LIST, {"status": "nope"}, **bearer(token)), 422, "VALIDATION_ERROR")["fields"]
    )
    assert_error(client.get(LIST, {"cursor": "bogus"}, **bearer(token)), 404, "DATA_NOT_FOUND")
    assert UNIT_THREAD_SUBJECT not in client.get(LIST, **bearer(token)).content.decode()


def test_detail_carries_the_thread_and_never_a_units_own_thread(questions: Questions) -> None:
    client, token = Client(), questions.tpn.token_kemen
    body = client.get(detail(questions.a_unit), **bearer(token)).json()
    assert body["subject"] == "Bukti SK tim kerja A1"
    assert body["tahun"] == questions.tpn.prb.wbk.cycle.tahun
    assert [(m["side"], m["author"]) for m in body["thread"]] == [("tpi", questions.tpn.world.budi.name)]
    assert body["thread"][0]["body"] == "Pertanyaan: Bukti SK tim kerja A1?"
    assert [a["name"] for a in body["thread"][0]["attachments"]] == ["sk-draf.pdf"]
    assert len(body["thread"][0]["attachments"][0]["sha256"]) == 64
    unit_thread = assert_error(client.get(detail(questions.unit_thread), **bearer(token)), 404, "DATA_NOT_FOUND")
    assert UNIT_THREAD_SUBJECT not in str(unit_thread)
    assert_error(client.get(f"{LIST}{uuid.uuid4()}/", **bearer(token)), 404, "DATA_NOT_FOUND")
    assert_error(client.get(detail(questions.a_unit)), 401, "UNAUTHORIZED")


def reply(client: Client, k: Konsultasi, token: str, **data):
    return client.post(detail(k) + "balasan/", data, content_type="application/json", **bearer(token))


def test_tpn_answers_and_a_closed_thread_refuses_the_reply(questions: Questions) -> None:
    client, tpn = Client(), questions.tpn
    thread = questions.b_question
    # Bad input: the API's error body, nothing saved.
    body = assert_error(reply(client, thread, tpn.token_tpn, body="   "), 422, "VALIDATION_ERROR")
    assert body["fields"]["body"] == ["Tulis pesan Anda."]
    assert_error(reply(client, thread, tpn.token_tpn), 422, "VALIDATION_ERROR")
    assert PesanKonsultasi.unscoped.filter(konsultasi=thread).count() == 1
    # The answer: 201 with the thread, now answered; the TPI that asked hears of it.
    response = reply(client, thread, tpn.token_tpn, body="Afirmasi berlaku untuk unit di daerah 3T.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "answered"
    assert [(m["side"], m["author"]) for m in body["thread"]] == [("tpi", "Bayu Inspektorat B"), ("tpn", "Tina TPN")]
    notices = Notification.unscoped.filter(kind="pendampingan_konsultasi", recipient__email="bayu@beta.go.id")
    assert notices.count() == 2  # email and in-app
    assert Konsultasi.unscoped.get(pk=thread.pk).status == "answered"
    # The TPI closes it: a reply is refused, with the API's error body, and nothing is saved.
    with scope(thread.instansi_id):
        k_services.konsultasi_close(
            actor=Membership.objects.select_related("user").get(user__email="bayu@beta.go.id"), konsultasi=thread
        )
    refused = assert_error(reply(client, thread, tpn.token_kemen, body="Satu lagi"), 422, "TRANSITION_NOT_ALLOWED")
    assert refused["message"] == "Utas ini sudah ditutup: buka utas baru untuk bertanya lagi."
    assert PesanKonsultasi.unscoped.filter(konsultasi=thread).count() == 2
    # A unit's thread with its TPI, or an unknown id: 404, nothing saved.
    assert_error(reply(client, questions.unit_thread, tpn.token_tpn, body="x"), 404, "DATA_NOT_FOUND")
    assert_error(reply(client, thread, "zi_tpn_wrong", body="x"), 401, "UNAUTHORIZED")
    assert PesanKonsultasi.unscoped.filter(konsultasi=questions.unit_thread).count() == 1
