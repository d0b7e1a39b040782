"""manage.py zi_create_user: national users and the first admin of an instansi, with a working link."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.accounts.conftest import INVITATION_LINK
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zona-Integritas-2026!"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("zi_create_user", *args, stdout=out)
    return out.getvalue()


def test_national_user_gets_a_printed_link_that_sets_the_password(world: World) -> None:
    output = run("evaluator@menpan.go.id", "--name", "Tim TPN", "--role", Role.TPN_EVALUATOR)
    membership = Membership.objects.get(user__email="evaluator@menpan.go.id")
    assert (membership.instansi_id, membership.role) == (None, Role.TPN_EVALUATOR)
    match = INVITATION_LINK.search(output)
    assert match, output
    client = Client()
    response = client.post(urlsplit(match.group(0)).path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(email="evaluator@menpan.go.id").check_password(NEW_PASSWORD)
    client.post(reverse("account_login"), {"login": "evaluator@menpan.go.id", "password": NEW_PASSWORD})
    # A national role must enrol two-factor authentication before anything else.
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("accounts:mfa-required")


def test_instansi_admin(world: World) -> None:
    output = run("admin@beta.go.id", "--name", "Admin Beta", "--instansi", "kota-b", "--role", Role.ADMIN_ZI)
    assert "Pemerintah Kota Beta" in output
    assert INVITATION_LINK.search(output)
    assert Membership.objects.filter(
        user__email="admin@beta.go.id", instansi=world.instansi_b, role=Role.ADMIN_ZI
    ).exists()


def test_existing_account_gets_the_role_but_no_link(world: World) -> None:
    output = run(world.dodi.email, "--instansi", "kota-b", "--role", Role.ADMIN_ZI)
    assert not INVITATION_LINK.search(output)
    world.dodi.refresh_from_db()
    assert world.dodi.check_password(PASSWORD)
    assert world.dodi.memberships.filter(role=Role.ADMIN_ZI, instansi=world.instansi_b).exists()


@pytest.mark.parametrize(
    "args",
    [
        ("x@b.go.id", "--role", Role.ADMIN_ZI),  # admin without instansi
        ("x@b.go.id", "--role", Role.TPN_EVALUATOR, "--instansi", "kota-b"),  # national with instansi
        ("x@b.go.id", "--role", Role.ADMIN_ZI, "--instansi", "tidak-ada"),  # unknown instansi
    ],
)
def test_refusals_create_nothing(world: World, args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        run(*args)
    assert not User.objects.filter(email="x@b.go.id").exists()


def test_only_national_and_admin_roles(world: World) -> None:
    with pytest.raises(CommandError):
        run("x@b.go.id", "--role", Role.TIM_KERJA, "--instansi", "kota-b")
    assert not User.objects.filter(email="x@b.go.id").exists()


def test_the_same_role_twice_is_refused(world: World) -> None:
    run("tpn@menpan.go.id", "--role", Role.TPN_EVALUATOR)
    with pytest.raises(CommandError):
        run("tpn@menpan.go.id", "--role", Role.TPN_EVALUATOR)
    assert Membership.objects.filter(user__email="tpn@menpan.go.id").count() == 1
