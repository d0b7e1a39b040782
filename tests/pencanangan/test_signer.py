"""The signer is the person (issue 17): every signing path records the pegawai linked to the
signing account or link and no other; an account linked to someone else's roster entry cannot sign
in their name; the pegawai's dashboard shows their own pact."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.audit.models import AuditEvent
from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.pencanangan import services
from apps.pencanangan.models import PaktaIntegritas, SignMethod
from apps.pencanangan.services import NOT_YOUR_ROSTER_ENTRY
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Pegawai
from apps.unit_kerja.services.roster import (
    PEGAWAI_ACCOUNT_NAME_MISMATCH,
    PEGAWAI_ACCOUNT_TAKEN,
    pegawai_account_link,
    pegawai_create,
)
from apps.unit_kerja.validators import same_person_name
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory
from tests.pencanangan.conftest import PaktaWorld

pytestmark = pytest.mark.django_db


def assert_signed_by_its_pegawai(pakta: PaktaIntegritas) -> None:
    """The invariant: the record, its text and its audit row name the pegawai it belongs to."""
    pegawai = pakta.pegawai
    assert (pakta.name, pakta.nip) == (pegawai.name, pegawai.nip)
    assert pegawai.name in pakta.text
    assert pegawai.nip in pakta.text
    if pakta.method == SignMethod.PASSWORD:
        assert pakta.signed_by_id == pegawai.user_id
        assert same_person_name(pakta.signed_by.name, pegawai.name)
    audit = AuditEvent.unscoped.get(verb="pakta.sign", object_id=str(pakta.public_id))
    assert audit.after["pegawai"] == str(pegawai.public_id)
    assert (audit.after["name"], audit.after["nip"]) == (pegawai.name, pegawai.nip)


def test_every_signing_path_records_the_pegawai_of_the_account_or_link(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    by_link, by_scan = pakta.pegawai[3], pakta.pegawai[4]
    with in_scope(pakta.world.instansi_a):
        mine = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        link = services.signing_link_create(actor=ani, pegawai=by_link, cycle=pakta.cycle)
        scan = services.pakta_scan_upload(
            actor=ani,
            cycle=pakta.cycle,
            nip=by_scan.nip,
            file=SimpleUploadedFile("p.pdf", minimal_pdf("Pakta"), "application/pdf"),
        )
    linked = services.pakta_sign_with_link(token=link.token, nip=by_link.nip, confirm=True)
    assert mine.pegawai == pakta.sari_pegawai
    assert mine.name == "Sari Wulandari"
    assert linked.pegawai == by_link
    assert scan.pegawai == by_scan
    with in_scope(pakta.world.instansi_a):
        for signed in (mine, linked, scan):
            assert_signed_by_its_pegawai(
                PaktaIntegritas.objects.select_related("pegawai", "signed_by").get(pk=signed.pk)
            )


def test_an_account_linked_to_someone_elses_entry_cannot_sign_in_their_name(pakta: PaktaWorld, in_scope) -> None:
    """The demo bug: Dewi's login was linked to Dedi Lestari's roster entry, and her pact named Dedi."""
    dedi = pakta.pegawai[5]
    Pegawai.unscoped.filter(pk=dedi.pk).update(name="Dedi Lestari")
    dewi = UserFactory(email="dewi@alfa.go.id", name="Dewi Anggraini")
    Pegawai.unscoped.filter(pk=dedi.pk).update(user=dewi)  # the wrong link, written behind the services' back
    membership = MembershipFactory(
        user=dewi, instansi=pakta.world.instansi_a, unit=pakta.world.unit_a1, role=Role.PEGAWAI
    )
    with in_scope(pakta.world.instansi_a), pytest.raises(ValidationError) as refused:
        services.pakta_sign_with_password(actor=membership, cycle=pakta.cycle, password=PASSWORD, confirm=True)
    assert refused.value.messages == [
        str(NOT_YOUR_ROSTER_ENTRY) % {"account": "Dewi Anggraini", "pegawai": "Dedi Lestari"}
    ]
    assert not PaktaIntegritas.unscoped.filter(pegawai=dedi).exists()

    # The page says so instead of showing Dedi's pact to sign, and a POST records nothing.
    client = Client()
    client.force_login(dewi)
    page = client.get("/pencanangan/pakta-saya/")
    assert page.status_code == 200
    assert b"data-not-self" in page.content
    assert b"Dedi Lestari" not in page.content
    assert client.post("/pencanangan/pakta-saya/", {"confirm": "on", "password": PASSWORD}).status_code == 400
    assert not PaktaIntegritas.unscoped.filter(pegawai=dedi).exists()


def test_linking_an_account_needs_the_same_person_and_one_entry(pakta: PaktaWorld, in_scope) -> None:
    admin = Membership.objects.get(user=pakta.world.citra)  # admin ZI of A
    dewi = UserFactory(email="dewi@alfa.go.id", name="Dewi Anggraini, S.H.")
    MembershipFactory(user=dewi, instansi=pakta.world.instansi_a, unit=pakta.world.unit_a1, role=Role.PEGAWAI)
    other = pakta.pegawai[6]
    with in_scope(pakta.world.instansi_a):
        with pytest.raises(ValidationError) as refused:
            pegawai_account_link(actor=admin, pegawai=other, user=dewi)
        assert refused.value.message_dict["user"] == [
            str(PEGAWAI_ACCOUNT_NAME_MISMATCH) % {"account": "Dewi Anggraini, S.H.", "pegawai": other.name}
        ]
        own = pegawai_create(actor=admin, unit=pakta.world.unit_a1, nip="199203052018012001", name="Dr. Dewi Anggraini")
        pegawai_account_link(actor=admin, pegawai=own, user=dewi)
        audit = AuditEvent.objects.get(verb="pegawai.account_link", object_id=str(own.public_id))
        assert (audit.before, audit.after) == ({"user": None}, {"user": "dewi@alfa.go.id"})
        twin = pegawai_create(actor=admin, unit=pakta.world.unit_a1, nip="199203052018012002", name="Dewi Anggraini")
        with pytest.raises(ValidationError) as taken:
            pegawai_account_link(actor=admin, pegawai=twin, user=dewi)
        assert taken.value.message_dict["user"] == [str(PEGAWAI_ACCOUNT_TAKEN) % {"other": str(own)}]
    assert Pegawai.unscoped.get(pk=own.pk).user == dewi
    assert Pegawai.unscoped.get(pk=twin.pk).user is None


def test_the_pegawai_dashboard_shows_their_own_pakta_and_its_pdf(pakta: PaktaWorld, in_scope) -> None:
    client = Client()
    client.force_login(pakta.sari)
    before = client.get("/dasbor/")
    assert b'data-my-pakta="unsigned"' in before.content
    assert b"Sari Wulandari" in before.content
    assert pakta.sari_pegawai.nip.encode() in before.content
    with in_scope(pakta.world.instansi_a):
        signed = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
    after = client.get("/dasbor/")
    assert b'data-my-pakta="signed"' in after.content
    pdf_url = f"/pencanangan/pakta/{signed.public_id}/pdf/"
    assert pdf_url.encode() in after.content
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    # Someone without a roster entry (the operator) sees no such panel.
    client.force_login(pakta.world.ani)
    assert b"data-my-pakta" not in client.get("/dasbor/").content


@pytest.mark.parametrize(
    ("account", "roster", "same"),
    [
        ("Dr. Hendra Wijaya", "Hendra Wijaya", True),
        ("hendra wijaya, S.H., M.H.", "Ir. Hendra  Wijaya", True),
        ("Dewi Anggraini", "Dedi Lestari", False),
        ("Dewi", "Dewi Anggraini", False),
        ("", "", False),
    ],
)
def test_names_are_compared_without_titles(account: str, roster: str, same: bool) -> None:
    assert same_person_name(account, roster) is same
