"""The public answering page: no login, one answer per device, rate limit, honeypot, validation —
and a refusal never stores anything."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from apps.survei import services
from apps.survei.models import Respons, SurveiStatus
from apps.tenancy.scope import scope
from tests.survei.conftest import SurveiWorld, answers, open_form, post_answer


def _count(sv: SurveiWorld) -> int:
    with scope(sv.world.instansi_a.pk):
        return Respons.objects.filter(survei=sv.survei).count()


def test_anonymous_visitor_answers_once(sv: SurveiWorld) -> None:
    client = Client()
    page = client.get(sv.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Survei pelayanan" in body  # Indonesian by default
    assert "UU PDP" in body
    assert "<script" not in body
    assert sv.layanan.name in body
    response = client.post(
        sv.url,
        {**answers(6, spak3=4), "usia": "30_39", "pekerjaan": "swasta", "form_token": page.context["form_token"]},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    with scope(sv.world.instansi_a.pk):
        row = Respons.objects.get(survei=sv.survei)
    assert (row.spkp1, row.spak3, row.usia, row.pekerjaan, row.layanan_id) == (6, 4, "30_39", "swasta", sv.layanan.pk)
    # nothing that identifies the device in clear: a 64-hex HMAC, not the cookie's value
    assert len(row.device_hash) == 64
    assert row.device_hash not in str(client.cookies)

    # the same device again: the page says so, and a replayed post is refused (409), nothing stored
    again = client.get(sv.url)
    assert "sudah mengisi" in again.content.decode()
    replay = client.post(sv.url, {**answers(1), "form_token": page.context["form_token"]})
    assert replay.status_code == 409
    assert _count(sv) == 1


def test_a_new_device_may_answer_but_a_forged_post_may_not(sv: SurveiWorld) -> None:
    assert post_answer(Client(), sv.url).status_code == 302
    assert post_answer(Client(), sv.url).status_code == 302
    # a post without the device cookie and form token (a script replaying the body)
    bare = Client().post(sv.url, answers())
    assert bare.status_code == 400
    assert "cookie" in bare.content.decode()
    # a form token issued to another device
    thief, victim = Client(), Client()
    token = open_form(victim, sv.url)
    thief.get(sv.url)
    stolen = thief.post(sv.url, {**answers(), "form_token": token})
    assert stolen.status_code == 400
    assert _count(sv) == 2


def test_bad_input_is_refused_whole(sv: SurveiWorld) -> None:
    client = Client()
    token = open_form(client, sv.url)
    missing = answers()
    del missing["spkp4"]
    response = client.post(sv.url, {**missing, "spak2": "7", "form_token": token})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Mohon jawab setiap pernyataan" in body  # spkp4 missing
    assert "antara 1 dan 6" in body  # spak2 = 7
    assert 'value="5" checked' in body  # the other answers are kept in the form
    for bad in ({"spkp1": "0"}, {"spkp1": "abc"}, {"usia": "99"}):
        assert client.post(sv.url, {**answers(), **bad, "form_token": token}).status_code == 400
    # the honeypot, filled by a bot
    assert client.post(sv.url, {**answers(), "form_token": token, "situs_web": "http://spam"}).status_code == 400
    assert _count(sv) == 0


def test_closed_or_unknown_survey(sv: SurveiWorld) -> None:
    assert Client().get("/s/tidak-ada/").status_code == 404
    client = Client()
    token = open_form(client, sv.url)
    with scope(sv.world.instansi_a.pk):
        sv.survei.status = SurveiStatus.CLOSED
        sv.survei.save()
    page = client.get(sv.url)
    assert "tidak sedang dibuka" in page.content.decode()
    assert "form_token" not in page.content.decode()
    client.post(sv.url, {**answers(), "form_token": token})
    assert _count(sv) == 0
    # and the service refuses a period that is over even when the row still says "open"
    with scope(sv.world.instansi_a.pk):
        sv.survei.status = SurveiStatus.OPEN
        sv.survei.save()
        late = timezone.localdate() + datetime.timedelta(days=30)
        try:
            services.respons_submit(survei=sv.survei, layanan=sv.layanan, device_id="x", answers=answers(), today=late)
        except services.SurveiNotOpen:
            pass
        else:
            raise AssertionError("a survey past its period accepted an answer")
    assert _count(sv) == 0


def test_rate_limit_per_address(sv: SurveiWorld, settings) -> None:
    settings.ZI_SURVEI_RATE = "3/h"
    near, far = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    statuses = []
    for _ in range(4):
        token = open_form(near, sv.url)
        # a new device each time (cookies cleared) from the same address
        response = near.post(sv.url, {**answers(), "form_token": token})
        statuses.append(response.status_code)
        near.cookies.clear()
    assert statuses == [302, 302, 302, 429]
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    assert _count(sv) == 3
    # another address is not affected
    assert post_answer(far, sv.url).status_code == 302


def test_page_views_are_limited_too(sv: SurveiWorld, settings) -> None:
    settings.ZI_SURVEI_VIEW_RATE = "2/m"
    client = Client(REMOTE_ADDR="10.3.3.3")
    assert [client.get(sv.url).status_code for _ in range(3)] == [200, 200, 429]


def test_logged_in_staff_of_another_instansi_answers_in_the_right_instansi(sv: SurveiWorld, login) -> None:
    """The page opens the service's own scope: a member of instansi B may answer A's survey."""
    assert post_answer(login(sv.world.dodi), sv.url).status_code == 302
    assert _count(sv) == 1
