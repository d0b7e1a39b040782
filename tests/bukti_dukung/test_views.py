"""Evidence downloads go through the checked view: attachment, nosniff, 404 outside the instansi."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World
from tests.isolation.routes.bukti_dukung import PDF, make_bukti


def test_uploader_downloads_as_attachment(world: World, login) -> None:
    bukti = make_bukti(world)
    response = login(world.ani).get(reverse("bukti_dukung:download", args=[bukti.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "rahasia-a.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_preview_is_inline_and_sandboxed(world: World, login) -> None:
    bukti = make_bukti(world)
    response = login(world.ani).get(reverse("bukti_dukung:preview", args=[bukti.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_outsider_gets_404(world: World, login) -> None:
    bukti = make_bukti(world)
    assert login(world.dodi).get(reverse("bukti_dukung:download", args=[bukti.public_id])).status_code == 404


def test_post_is_not_allowed(world: World, login) -> None:
    bukti = make_bukti(world)
    assert login(world.ani).post(reverse("bukti_dukung:download", args=[bukti.public_id])).status_code == 405


def test_missing_file_on_disk_is_404_not_500(world: World, login) -> None:
    bukti = make_bukti(world)
    bukti.file.storage.delete(bukti.file.name)
    assert login(world.ani).get(reverse("bukti_dukung:download", args=[bukti.public_id])).status_code == 404


def test_anonymous_is_sent_to_login(world: World, client) -> None:
    bukti = make_bukti(world)
    response = client.get(reverse("bukti_dukung:download", args=[bukti.public_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
