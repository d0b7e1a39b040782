"""Linking a login to its roster entry in the browser (issue 17: the signer is the person).

The admin ZI (and the tim kerja for their own subtree, who manage the roster) link an account of a
member of the instansi to the pegawai of the same name, and unlink it; every refusal is a clear
Indonesian message with nothing changed; each change is audited with the account before and after.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Pegawai
from tests.conftest import World
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db

NOT_MEMBER = "Akun ini bukan anggota aktif instansi ini."


def _url(pegawai: Pegawai, name: str = "pegawai-account") -> str:
    return reverse(f"unit_kerja:{name}", kwargs={"public_id": pegawai.public_id})


def _dewi(world: World, *, instansi=None, email: str = "dewi@alfa.go.id") -> User:
    user = UserFactory(email=email, name="Dewi Anggraini, S.H.")
    MembershipFactory(user=user, instansi=instansi or world.instansi_a, role=Role.PEGAWAI)
    return user


def _linked_user(pegawai: Pegawai) -> User | None:
    return Pegawai.unscoped.select_related("user").get(pk=pegawai.pk).user


def test_the_admin_links_the_persons_login_and_unlinks_it(world: World, login: Login) -> None:
    dewi = _dewi(world)
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Dr. Dewi Anggraini", email="dewi@alfa.go.id")
    client = login(world.citra)
    page = client.get(_url(pegawai)).content.decode()
    assert "Belum ada akun yang ditautkan ke pegawai ini." in page
    assert "dewi@alfa.go.id" in page  # suggested (same name, no roster entry) and prefilled
    response = client.post(_url(pegawai), {"user": "Dewi@Alfa.go.id"}, follow=True)
    assert response.redirect_chain[-1][0] == _url(pegawai)
    assert "Akun dewi@alfa.go.id kini ditautkan ke Dr. Dewi Anggraini." in response.content.decode()
    assert _linked_user(pegawai) == dewi
    link = AuditEvent.unscoped.get(verb="pegawai.account_link", object_id=str(pegawai.public_id))
    assert (link.before, link.after) == ({"user": None}, {"user": "dewi@alfa.go.id"})
    # Unlink: the login is gone from the entry; a second unlink is refused, nothing changes.
    response = client.post(_url(pegawai, "pegawai-account-unlink"), follow=True)
    assert "Akun tidak lagi ditautkan ke Dr. Dewi Anggraini." in response.content.decode()
    assert _linked_user(pegawai) is None
    unlink = AuditEvent.unscoped.get(verb="pegawai.account_unlink", object_id=str(pegawai.public_id))
    assert (unlink.before, unlink.after) == ({"user": "dewi@alfa.go.id"}, {"user": None})
    again = client.post(_url(pegawai, "pegawai-account-unlink"), follow=True)
    assert "Belum ada akun yang ditautkan ke pegawai ini." in again.content.decode()
    assert AuditEvent.unscoped.filter(verb="pegawai.account_unlink").count() == 1


def test_every_wrong_link_is_refused_with_its_reason_and_nothing_changes(world: World, login: Login) -> None:
    dewi = _dewi(world)
    outsider = _dewi(world, instansi=world.instansi_b, email="dewi@beta.go.id")
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini")
    client = login(world.citra)

    def refused(data: dict, target: Pegawai = pegawai) -> str:
        response = client.post(_url(target), data)
        assert response.status_code == 200
        return response.content.decode()

    # An account of another instansi, and an email nobody uses: the same answer.
    assert NOT_MEMBER in refused({"user": outsider.email})
    assert NOT_MEMBER in refused({"user": "tidak.ada@alfa.go.id"})
    # Bad input: no email, not an email.
    assert "Isian ini wajib diisi." in refused({})
    assert "alamat email yang valid" in refused({"user": "bukan email"})
    # Another person's login (the name differs).
    assert "Akun hanya dapat ditautkan ke pegawai pemiliknya." in refused({"user": world.evi.email})
    # A pegawai already linked to an account: unlink first.
    linked = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini", user=world.ani)
    assert "Pegawai ini sudah ditautkan ke akun ani@alfa.go.id." in refused({"user": dewi.email}, linked)
    # An account already linked to another pegawai.
    Pegawai.unscoped.filter(pk=pegawai.pk).update(user=dewi)
    twin = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini")
    assert "Akun ini sudah ditautkan ke pegawai lain" in refused({"user": dewi.email}, twin)
    # A pegawai who has left.
    gone = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini", is_active=False)
    assert "Pegawai ini sudah keluar" in client.get(_url(gone)).content.decode()
    Pegawai.unscoped.filter(pk=pegawai.pk).update(user=None)
    assert "Pegawai ini sudah keluar" in refused({"user": dewi.email}, gone)
    assert _linked_user(linked) == world.ani
    assert _linked_user(twin) is None
    assert _linked_user(gone) is None
    assert not AuditEvent.unscoped.filter(verb__startswith="pegawai.account").exists()


def test_who_may_link(world: World, login: Login) -> None:
    """The roster's managers: the admin ZI, and the tim kerja inside their subtree. A read-only
    member and a TPI are refused (403); the tim kerja of A1 does not see a pegawai of A2 (404)."""
    dewi = _dewi(world)
    in_a1 = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini")
    in_a2 = PegawaiFactory(unit=world.unit_a2, name="Dewi Anggraini")
    for user in (world.evi, world.budi):
        client = login(user)
        assert client.get(_url(in_a1)).status_code == 403
        assert client.post(_url(in_a1), {"user": dewi.email}).status_code == 403
        assert client.post(_url(in_a1, "pegawai-account-unlink")).status_code == 403
    ani = login(world.ani)
    assert ani.get(_url(in_a2)).status_code == 404
    assert ani.post(_url(in_a2), {"user": dewi.email}).status_code == 404
    assert _linked_user(in_a2) is None
    assert ani.get(_url(in_a1)).status_code == 200
    assert ani.post(_url(in_a1), {"user": dewi.email}).status_code == 302
    assert _linked_user(in_a1) == dewi
    # Another instansi's operator: 404, as if it did not exist.
    assert login(world.dodi).post(_url(in_a1, "pegawai-account-unlink")).status_code == 404
    assert _linked_user(in_a1) == dewi


def test_the_roster_pages_lead_to_the_link_page(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Dewi Anggraini")
    for page in (reverse("unit_kerja:pegawai-list"), reverse("unit_kerja:unit-detail", args=[world.unit_a1.public_id])):
        assert f'href="{_url(pegawai)}"' in login(world.citra).get(page).content.decode()
        assert f'href="{_url(pegawai)}"' not in login(world.evi).get(page).content.decode()
