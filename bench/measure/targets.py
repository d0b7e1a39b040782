"""Set-up: who looks at what. The pages and endpoints measured, with the sessions and tokens they need."""

from __future__ import annotations

import http.client
import json
import secrets
import statistics
import time
from typing import Any
from urllib.parse import urlsplit

from measure.config import PORT
from measure.load import Measure, Target, get_once


def prepare() -> tuple[list[Target], dict[str, Any]]:

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.pengusulan.models import Pengusulan
    from apps.penilaian.models import Penilaian
    from apps.portalrb.services import portalrb_token_issue
    from apps.tenancy.models import Instansi, Membership
    from apps.tenancy.scope import scope
    from apps.tpn.services import api_token_issue
    from apps.unit_kerja.models import UnitKerja

    largest = Instansi.objects.order_by("id").first()
    small = Instansi.objects.order_by("-id").first()

    def cookie_for(user: User) -> str:
        client = Client()
        client.force_login(user)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def member(instansi: Instansi | None, role: str) -> Membership:
        return (
            Membership.objects.select_related("user", "unit")
            .filter(instansi=instansi, role=role)
            .order_by("id")
            .first()
        )

    with scope(largest.pk):
        # A leaf unit deep in the largest instansi's tree, one that is proposed (for PortalRB).
        proposal = Pengusulan.objects.filter(instansi=largest).select_related("unit").order_by("-id").first()
        unit = proposal.unit
        penilaian = Penilaian.objects.get(instansi=largest, unit=unit)
        tim_kerja = Membership.objects.select_related("user").get(instansi=largest, unit=unit, role="tim_kerja")
        portalrb_token = portalrb_token_issue(instansi=largest, actor=None).raw
        units_largest = UnitKerja.objects.filter(instansi=largest).count()
    with scope(small.pk):
        units_small = UnitKerja.objects.filter(instansi=small).count()
    tpi = member(largest, "tpi")
    admin_largest = member(largest, "admin_zi")
    admin_small = member(small, "admin_zi")
    national = member(None, "tpn_evaluator")
    api_token = api_token_issue(user=national.user, name=f"bench {time.time():.0f}").raw

    unit_cookie = cookie_for(tim_kerja.user)
    with scope(largest.pk):
        context_autosave = autosave_context(largest, cookie_for)
    # Two floors: the same stack and view without a session (what Django and the view cost), and with
    # the unit's logged-in session (what being logged in adds: session, user, memberships, MFA rule).
    noop = Target("noop", "Floor, anonymous: /sehat/ (same stack, no session)", reverse("core:health"), "floor")
    floor = Target(
        "floor", "Floor: /sehat/ (same stack, logged in)", reverse("core:health"), "floor", {"Cookie": unit_cookie}
    )
    targets = [
        noop,
        floor,
        Target(
            "unit_dashboard",
            "Unit dashboard (tim kerja)",
            reverse("core:dashboard"),
            "dashboard",
            {"Cookie": unit_cookie},
        ),
        Target(
            "worksheet",
            "LKE worksheet (section pemenuhan-1, in self-assessment)",
            reverse(
                "penilaian:worksheet",
                kwargs={"public_id": context_autosave["penilaian"].public_id, "section": "pemenuhan-1"},
            ),
            "html",
            {"Cookie": context_autosave["cookie"]},
        ),
        Target(
            "tpi_review",
            "TPI review (section pemenuhan-1)",
            reverse("penilaian:review", kwargs={"public_id": penilaian.public_id, "section": "pemenuhan-1"}),
            "html",
            {"Cookie": cookie_for(tpi.user)},
        ),
        Target(
            "heatmap_largest",
            f"Monitoring heatmap, largest instansi ({units_largest} units)",
            reverse("rencana_aksi:heatmap"),
            "dashboard",
            {"Cookie": cookie_for(admin_largest.user)},
        ),
        Target(
            "heatmap_small",
            f"Monitoring heatmap, small instansi ({units_small} units)",
            reverse("rencana_aksi:heatmap"),
            "dashboard",
            {"Cookie": cookie_for(admin_small.user)},
        ),
        Target(
            "national",
            "National dashboard",
            reverse("nasional:dashboard"),
            "dashboard",
            {"Cookie": cookie_for(national.user)},
        ),
        Target(
            "portalrb",
            "PortalRB jawaban-unit",
            reverse("portalrb_api:jawaban-unit", kwargs={"unit_id": str(unit.public_id)}),
            "api",
            {"Authorization": f"Bearer {portalrb_token}"},
        ),
    ]
    # /api/v1/ proposal list: the first page and the last page reached by following the cursor.
    api_headers = {"Authorization": f"Bearer {api_token}"}
    first_path = reverse("api_v1:pengusulan-list")
    targets.append(Target("api_first", "/api/v1/ proposal list, first page", first_path, "api", api_headers))
    context = {
        "autosave": context_autosave,
        "largest": largest,
        "small": small,
        "penilaian": penilaian,
        "admin_largest": admin_largest,
        "admin_small": admin_small,
        "units_largest": units_largest,
        "units_small": units_small,
        "api_headers": api_headers,
        "first_path": first_path,
        "json": json,
    }
    return targets, context


def autosave_context(instansi: Any, cookie_for: Any) -> dict[str, Any]:
    """What an autosave POST of one answer needs. The seeded LKE are all with the TPI or done, so one
    unit's LKE of the largest instansi is put back into self-assessment (the run writes into the
    seeded database anyway); its tim kerja answers its first option soal, alternating two answers
    (an unchanged answer would be a no-op save)."""
    from django.urls import reverse
    from django.utils import timezone

    from apps.lke.models import AnswerType
    from apps.penilaian.forms.worksheet import soal_prefix
    from apps.penilaian.models import Jawaban, Penilaian, PenilaianStatus, Tier
    from apps.tenancy.models import Membership

    penilaian = Penilaian.objects.filter(instansi=instansi, status=PenilaianStatus.IN_REVIEW).order_by("id").first()
    Penilaian.objects.filter(pk=penilaian.pk).update(status=PenilaianStatus.DRAFT)
    # The fill window is the app's (Asia/Jakarta's) date, not UTC's: from 17:00 UTC it is tomorrow there.
    today = timezone.localdate()
    type(penilaian.cycle).objects.filter(pk=penilaian.cycle_id).update(
        fill_start=min(penilaian.cycle.fill_start, today), fill_end=max(penilaian.cycle.fill_end, today)
    )
    member = Membership.objects.select_related("user").get(
        instansi=instansi, unit_id=penilaian.unit_id, role="tim_kerja"
    )
    row = (
        Jawaban.objects.filter(
            penilaian=penilaian,
            tier=Tier.UNIT,
            level=0,
            soal__answer_type__in=[AnswerType.YA_TIDAK, AnswerType.ABC, AnswerType.ABCD, AnswerType.ABCDE],
        )
        .select_related("soal")
        .order_by("soal__portalrb_soal_id")
        .first()
    )
    csrf = secrets.token_hex(16)  # Django accepts the unmasked 32-character secret as the token
    cookie = cookie_for(member.user)
    return {
        "path": reverse(
            "penilaian:jawaban-save", kwargs={"public_id": penilaian.public_id, "soal_id": row.soal.portalrb_soal_id}
        ),
        "prefix": soal_prefix(row.soal),
        "penilaian": penilaian,
        "cookie": cookie,
        "version": row.version,
        "answers": [option["key"] for option in row.soal.options][:2],
        "headers": {
            "Cookie": f"{cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    }


def measure_autosave(context: dict[str, Any], rounds: int = 300) -> Measure:
    """An autosave round trip as the worksheet makes it: POST one answer (HTMX), get the item's fragment
    back, read the new version from it and save the other answer next, on one keep-alive connection.
    A reply without a newer version counts as an error."""
    import re
    from urllib.parse import urlencode

    data = context["autosave"]
    prefix = data["prefix"]
    version_re = re.compile(rf'name="{prefix}-version"[^>]*?value="(\d+)"')
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    version, latencies, errors, began = data["version"], [], 0, 0.0
    warm = 10
    for index in range(rounds + warm):
        body = urlencode(
            {
                f"{prefix}-answer": data["answers"][index % 2],
                f"{prefix}-note": "",
                f"{prefix}-evidence_link": "",
                f"{prefix}-version": version,
            }
        )
        if index == warm:
            began = time.perf_counter()
        start = time.perf_counter()
        conn.request("POST", data["path"], body=body, headers=data["headers"])
        response = conn.getresponse()
        reply = response.read().decode()
        elapsed = time.perf_counter() - start
        found = version_re.search(reply)
        saved = response.status == 200 and found is not None and int(found.group(1)) > version
        if found is not None:
            version = int(found.group(1))
        if index >= warm:
            if saved:
                latencies.append(elapsed)
            else:
                errors += 1
    wall = time.perf_counter() - began
    conn.close()
    if len(latencies) < 2:
        raise RuntimeError(f"autosave: {errors} of {rounds} saves failed; last reply {reply[:500]!r}")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Measure(cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, len(latencies) / wall, errors)


def last_page(context: dict[str, Any]) -> tuple[str, int]:
    """Follow the cursor from the first page to the last; returns its path and the page count."""
    json = context["json"]
    path = context["first_path"]
    pages = 1
    while True:
        status, body = get_once(Target("api", "", path, "api", context["api_headers"]))
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
        following = json.loads(body).get("next")
        if not following:
            return path, pages
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
        pages += 1
