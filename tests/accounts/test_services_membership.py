"""apps.accounts.services: invitations, role changes, deactivation and the last-admin rule."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from apps.accounts import services
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError
from apps.notifications.models import Channel, Notification
from apps.outbox.services import outbox_relay_one
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Role
from tests.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actor_of(world: World, user: User) -> Membership:
    return Membership.objects.get(user=user, instansi=world.instansi_a)


def invite(world: World, **overrides: object) -> Membership:
    data: dict[str, object] = {"email": "Fajar@Alfa.go.id", "name": "Fajar Nugroho", "role": Role.VIEWER}
    data.update(overrides)
    return services.membership_invite(actor=actor_of(world, world.citra), **data)  # type: ignore[arg-type]


def audit_verbs(instansi: Instansi, in_scope: Callable) -> list[str]:
    with in_scope(instansi):
        return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


# -----------------------------------------------------------------------------
# membership_invite
# -----------------------------------------------------------------------------


def test_invite_creates_account_without_password_membership_audit_and_email(world: World, in_scope) -> None:
    membership = invite(world, role=Role.TIM_KERJA, unit=world.unit_a2)
    user = membership.user
    assert user.email == "fajar@alfa.go.id"  # normalised
    assert user.name == "Fajar Nugroho"
    assert not user.has_usable_password()
    assert (membership.instansi_id, membership.role, membership.unit_id) == (
        world.instansi_a.pk,
        Role.TIM_KERJA,
        world.unit_a2.pk,
    )
    assert audit_verbs(world.instansi_a, in_scope) == ["membership.invite"]
    with in_scope(world.instansi_a):
        notification = Notification.objects.get(recipient=user)
    assert notification.channel == Channel.EMAIL
    assert notification.kind == services.INVITATION_KIND
    assert "/akun/undangan/" in notification.body
    assert "Kementerian Alfa" in notification.subject


def test_existing_account_gets_a_new_membership_not_a_second_account(world: World) -> None:
    membership = invite(world, email="DODI@beta.go.id", name="Someone Else", role=Role.TPI)
    assert membership.user == world.dodi
    assert User.objects.filter(email="dodi@beta.go.id").count() == 1
    assert world.dodi.memberships.count() == 2
    world.dodi.refresh_from_db()
    assert world.dodi.name == "Dodi Pratama"  # an existing name is not overwritten by the inviter
    assert world.dodi.has_usable_password()


def test_existing_account_gets_a_login_link_not_a_set_password_link(world: World, in_scope) -> None:
    invite(world, email=world.evi.email, role=Role.TPI)
    with in_scope(world.instansi_a):
        body = Notification.objects.get(recipient=world.evi).body
    assert "/akun/undangan/" not in body
    assert "/akun/login/" in body


def test_a_disabled_account_is_not_given_a_role(world: World) -> None:
    disabled = UserFactory(email="nonaktif@alfa.go.id", is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        invite(world, email=disabled.email)
    assert excinfo.value.message_dict == {"email": [str(services.ACCOUNT_DISABLED)]}
    assert not disabled.memberships.exists()


def test_same_role_and_unit_twice_is_refused_and_nothing_saved(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        invite(world, email=world.ani.email, role=Role.TIM_KERJA, unit=world.unit_a1)
    assert excinfo.value.message_dict == {"email": [str(services.MEMBERSHIP_DUPLICATE)]}
    assert world.ani.memberships.count() == 1


def test_same_person_another_unit_is_a_new_membership(world: World) -> None:
    membership = invite(world, email=world.ani.email, role=Role.TIM_KERJA, unit=world.unit_a2)
    assert membership.user == world.ani
    assert world.ani.memberships.filter(is_active=True).count() == 2


@pytest.mark.parametrize("role", [Role.KEMENPANRB_ADMIN, Role.TPN_EVALUATOR])
def test_national_role_is_refused(world: World, role: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        invite(world, role=role)
    assert excinfo.value.message_dict == {"role": [str(services.NATIONAL_ROLE_NOT_ALLOWED)]}
    assert not User.objects.filter(email="fajar@alfa.go.id").exists()


def test_unit_of_another_instansi_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        invite(world, role=Role.TIM_KERJA, unit=world.unit_b1)
    assert excinfo.value.message_dict == {"unit": [str(services.UNIT_OTHER_INSTANSI)]}
    assert not User.objects.filter(email="fajar@alfa.go.id").exists()


@pytest.mark.parametrize("role", [Role.PIMPINAN_UNIT, Role.TIM_KERJA, Role.PEGAWAI])
def test_unit_roles_need_a_unit(world: World, role: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        invite(world, role=role)
    assert excinfo.value.message_dict == {"unit": [str(services.UNIT_REQUIRED)]}


def test_instansi_wide_roles_take_no_unit(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        invite(world, role=Role.TPI, unit=world.unit_a1)
    assert excinfo.value.message_dict == {"unit": [str(services.UNIT_NOT_APPLICABLE)]}


@pytest.mark.parametrize("persona", ["ani", "budi", "evi"])
def test_only_people_managers_invite(world: World, persona: str) -> None:
    actor = actor_of(world, getattr(world, persona))
    with pytest.raises(PermissionDeniedError):
        services.membership_invite(actor=actor, email="x@alfa.go.id", name="X", role=Role.VIEWER)
    assert not User.objects.filter(email="x@alfa.go.id").exists()


def test_invitation_email_leaves_on_commit(
    world: World, django_capture_on_commit_callbacks, deliver_emails, in_scope
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(world)
    # The email task is enqueued only once the invitation is committed (the other callbacks drop the
    # invitee's cached principal again after the commit: apps/accounts/principal.py).
    relays = [c for c in callbacks if getattr(c, "func", None) is outbox_relay_one]
    assert len(relays) == 1
    assert mail.outbox == []
    assert deliver_emails(world.instansi_a) == 1
    assert mail.outbox[0].to == ["fajar@alfa.go.id"]


# -----------------------------------------------------------------------------
# membership_change_role
# -----------------------------------------------------------------------------


def test_change_role_and_unit_is_audited_with_before_and_after(world: World, in_scope) -> None:
    membership = actor_of(world, world.ani)
    changed = services.membership_change_role(
        actor=actor_of(world, world.citra), membership=membership, role=Role.PIMPINAN_UNIT, unit=world.unit_a2
    )
    assert (changed.role, changed.unit_id) == (Role.PIMPINAN_UNIT, world.unit_a2.pk)
    with in_scope(world.instansi_a):
        event = AuditEvent.objects.get(verb="membership.change_role")
    assert event.before == {"role": Role.TIM_KERJA, "unit": str(world.unit_a1.public_id)}
    assert event.after == {"role": Role.PIMPINAN_UNIT, "unit": str(world.unit_a2.public_id)}


def test_change_to_the_same_role_is_a_no_op(world: World, in_scope) -> None:
    membership = actor_of(world, world.ani)
    services.membership_change_role(
        actor=actor_of(world, world.citra), membership=membership, role=Role.TIM_KERJA, unit=world.unit_a1
    )
    assert audit_verbs(world.instansi_a, in_scope) == []


def test_change_to_a_role_the_person_already_holds_is_refused(world: World) -> None:
    second = Membership.objects.create(user=world.ani, instansi=world.instansi_a, role=Role.VIEWER)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_change_role(
            actor=actor_of(world, world.citra), membership=second, role=Role.TIM_KERJA, unit=world.unit_a1
        )
    assert excinfo.value.message_dict == {"role": [str(services.MEMBERSHIP_DUPLICATE)]}
    second.refresh_from_db()
    assert second.role == Role.VIEWER


def test_change_role_to_national_is_refused(world: World) -> None:
    membership = actor_of(world, world.evi)
    with pytest.raises(ValidationError):
        services.membership_change_role(
            actor=actor_of(world, world.citra), membership=membership, role=Role.TPN_EVALUATOR
        )
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_change_role_of_another_instansi_is_refused(world: World) -> None:
    foreign = Membership.objects.get(user=world.dodi)
    with pytest.raises(PermissionDeniedError):
        services.membership_change_role(actor=actor_of(world, world.citra), membership=foreign, role=Role.VIEWER)
    foreign.refresh_from_db()
    assert foreign.role == Role.TIM_KERJA


# -----------------------------------------------------------------------------
# The last admin ZI
# -----------------------------------------------------------------------------


def test_last_admin_cannot_be_deactivated(world: World) -> None:
    citra = actor_of(world, world.citra)
    with pytest.raises(services.LastAdminError) as excinfo:
        services.membership_deactivate(actor=citra, membership=citra)
    assert str(excinfo.value) == str(services.LAST_ADMIN)
    citra.refresh_from_db()
    assert citra.is_active


def test_last_admin_cannot_be_moved_to_another_role(world: World) -> None:
    citra = actor_of(world, world.citra)
    with pytest.raises(services.LastAdminError):
        services.membership_change_role(actor=citra, membership=citra, role=Role.VIEWER)
    citra.refresh_from_db()
    assert citra.role == Role.ADMIN_ZI


def test_an_admin_can_leave_when_another_active_admin_remains(world: World, in_scope) -> None:
    second = Membership.objects.create(user=world.budi, instansi=world.instansi_a, role=Role.ADMIN_ZI)
    citra = actor_of(world, world.citra)
    services.membership_deactivate(actor=citra, membership=citra)
    citra.refresh_from_db()
    assert not citra.is_active
    assert audit_verbs(world.instansi_a, in_scope) == ["membership.deactivate"]
    # Now budi is the last one: he cannot remove himself either.
    with pytest.raises(services.LastAdminError):
        services.membership_deactivate(actor=second, membership=second)


def test_an_inactive_account_does_not_count_as_the_remaining_admin(world: World) -> None:
    gone = UserFactory(email="pensiun@alfa.go.id", is_active=False)
    Membership.objects.create(user=gone, instansi=world.instansi_a, role=Role.ADMIN_ZI)
    citra = actor_of(world, world.citra)
    with pytest.raises(services.LastAdminError):
        services.membership_deactivate(actor=citra, membership=citra)


def test_admin_of_another_instansi_does_not_count(world: World) -> None:
    admin_b = UserFactory(email="admin@beta.go.id")
    Membership.objects.create(user=admin_b, instansi=world.instansi_b, role=Role.ADMIN_ZI)
    citra = actor_of(world, world.citra)
    with pytest.raises(services.LastAdminError):
        services.membership_deactivate(actor=citra, membership=citra)


def test_deactivate_keeps_the_account_and_is_idempotent(world: World, in_scope) -> None:
    membership = actor_of(world, world.evi)
    citra = actor_of(world, world.citra)
    services.membership_deactivate(actor=citra, membership=membership)
    services.membership_deactivate(actor=citra, membership=membership)
    membership.refresh_from_db()
    world.evi.refresh_from_db()
    assert not membership.is_active
    assert world.evi.is_active
    assert audit_verbs(world.instansi_a, in_scope) == ["membership.deactivate"]


# -----------------------------------------------------------------------------
# invitation_resend
# -----------------------------------------------------------------------------


def test_resend_sends_a_fresh_link_once_per_minute(world: World, deliver_emails, in_scope) -> None:
    membership = invite(world)
    assert deliver_emails(world.instansi_a) == 1
    citra = actor_of(world, world.citra)
    assert services.invitation_resend(actor=citra, membership=membership) is True
    assert services.invitation_resend(actor=citra, membership=membership) is False  # a double click
    assert deliver_emails(world.instansi_a) == 1
    assert len(mail.outbox) == 2
    assert audit_verbs(world.instansi_a, in_scope) == ["membership.invite", "membership.invitation_resend"]


def test_resend_is_refused_once_the_password_is_set(world: World) -> None:
    with pytest.raises(services.AlreadyActivatedError):
        services.invitation_resend(actor=actor_of(world, world.citra), membership=actor_of(world, world.evi))


def test_resend_for_an_inactive_membership_is_refused(world: World) -> None:
    membership = invite(world)
    membership.is_active = False
    membership.save()
    with pytest.raises(services.MembershipInactiveError):
        services.invitation_resend(actor=actor_of(world, world.citra), membership=membership)


# -----------------------------------------------------------------------------
# membership_bootstrap (zi_create_user)
# -----------------------------------------------------------------------------


def test_bootstrap_national_user_has_no_instansi(world: World) -> None:
    membership = services.membership_bootstrap(email="tpn@menpan.go.id", name="Tim TPN", role=Role.TPN_EVALUATOR)
    assert membership.instansi_id is None
    assert membership.is_national
    assert not membership.user.has_usable_password()


def test_bootstrap_admin_needs_an_instansi_and_is_audited(world: World, in_scope) -> None:
    with pytest.raises(ValidationError):
        services.membership_bootstrap(email="a@b.go.id", name="A", role=Role.ADMIN_ZI)
    membership = services.membership_bootstrap(
        email="admin2@beta.go.id", name="Admin B", role=Role.ADMIN_ZI, instansi=world.instansi_b
    )
    assert membership.instansi_id == world.instansi_b.pk
    assert audit_verbs(world.instansi_b, in_scope) == ["membership.bootstrap"]


def test_bootstrap_refuses_other_roles_and_national_with_instansi(world: World) -> None:
    with pytest.raises(ValidationError):
        services.membership_bootstrap(email="x@b.go.id", name="X", role=Role.TIM_KERJA, instansi=world.instansi_b)
    with pytest.raises(ValidationError):
        services.membership_bootstrap(
            email="x@b.go.id", name="X", role=Role.KEMENPANRB_ADMIN, instansi=world.instansi_b
        )
    assert not User.objects.filter(email="x@b.go.id").exists()


@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one(world: World) -> None:
    """The second removal waits for the first one's lock, then sees it and is refused."""
    second = Membership.objects.create(user=world.budi, instansi=world.instansi_a, role=Role.ADMIN_ZI)
    citra = actor_of(world, world.citra)
    ready = threading.Event()
    first_done = threading.Event()
    outcome: dict[str, object] = {}

    def remove_citra_as_budi() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            ready.set()
            first_done.wait(timeout=10)
            services.membership_deactivate(actor=second, membership=citra)
            outcome["second"] = "removed"
        except services.LastAdminError:
            outcome["second"] = "refused"
        finally:
            connections.close_all()

    other = threading.Thread(target=remove_citra_as_budi)
    other.start()
    assert ready.wait(timeout=10)
    with transaction.atomic():
        services.membership_deactivate(actor=citra, membership=second)
        first_done.set()
        # Hold the transaction open until the other removal is waiting on our row lock.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [outcome["pid"]])
                if cursor.fetchone()[0]:
                    break
        else:
            pytest.fail("the second removal never waited for the lock")
    other.join(timeout=10)
    assert outcome["second"] == "refused"
    assert Membership.objects.filter(instansi=world.instansi_a, role=Role.ADMIN_ZI, is_active=True).count() == 1
