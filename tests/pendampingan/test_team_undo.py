"""Issue 21, deletes everywhere: removing a team member or a change agent and deleting a recorded
change ask first, are soft (the row leaves the page, the rights and the LKE suggestions it gave),
come with an "Urungkan" button and can be restored by who may edit the unit: another instansi gets
404, another unit's operator 404, a reader 403. Each step leaves an audit row with its sides."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.pendampingan import suggestions
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan
from apps.timkerja.permissions import pokja_areas
from tests.factories import MembershipFactory, UserFactory
from tests.pendampingan.conftest import PDWorld


def _rows(pd: PDWorld, verb: str) -> list[AuditEvent]:
    with scope(pd.world.instansi_a.pk):
        return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def _other_unit_operator(pd: PDWorld, login: Callable[[User], Client]) -> Client:
    user = UserFactory(email="rudi@alfa.go.id", name="Rudi Biro Umum")
    MembershipFactory(user=user, instansi=pd.world.instansi_a, unit=pd.world.unit_a2, role=Role.TIM_KERJA)
    return login(user)


def _tim_page(client: Client, pd: PDWorld) -> str:
    url = reverse("pendampingan:tim", kwargs={"public_id": pd.world.unit_a1.public_id, "tahun": pd.tahun})
    return client.get(url).content.decode()


def _members_table(page: str) -> str:
    return page.split('id="members-heading"', 1)[1].split("</table>", 1)[0]


def test_a_removed_member_comes_back_with_undo_and_only_for_who_may(
    pd: PDWorld, login: Callable[[User], Client]
) -> None:
    ani = login(pd.world.ani)
    anggota = AnggotaTim.unscoped.get(tim=pd.tim, pegawai=pd.sari)
    page = _tim_page(ani, pd)
    assert "Keluarkan orang ini dari tim? Anda dapat mengurungkannya sesaat setelahnya." in page
    assert "Sari Wulandari" in _members_table(page)

    removed = ani.post(reverse("pendampingan:anggota-remove", kwargs={"public_id": anggota.public_id}), follow=True)
    page = removed.content.decode()
    restore = reverse("pendampingan:anggota-restore", kwargs={"public_id": anggota.public_id})
    assert "“Sari Wulandari (198501012010012001) — Anggota pokja” telah dihapus." in page
    assert f'action="{restore}"' in page  # the undo button in the message
    assert "Sari Wulandari" not in _members_table(page)
    anggota.refresh_from_db()
    assert anggota.deleted_at is not None
    assert anggota.deleted_by == pd.world.ani
    with scope(pd.world.instansi_a.pk):  # the pokja rights went with the seat
        sari = Membership.objects.select_related("unit").get(user=pd.sari_user)
        assert pokja_areas(actor=sari, unit=pd.world.unit_a1, cycle=pd.cycle) == frozenset()

    # Who may not: another instansi (404), another unit's operator (404), a reader (403).
    assert login(pd.world.dodi).post(restore).status_code == 404
    assert _other_unit_operator(pd, login).post(restore).status_code == 404
    assert login(pd.world.evi).post(restore).status_code == 403
    anggota.refresh_from_db()
    assert anggota.deleted_at is not None

    restored = ani.post(restore, follow=True).content.decode()
    assert "“Sari Wulandari (198501012010012001) — Anggota pokja” telah dipulihkan." in restored
    assert "Sari Wulandari" in _members_table(restored)
    anggota.refresh_from_db()
    assert anggota.deleted_at is None
    assert anggota.deleted_by is None
    with scope(pd.world.instansi_a.pk):
        sari = Membership.objects.select_related("unit").get(user=pd.sari_user)
        assert pokja_areas(actor=sari, unit=pd.world.unit_a1, cycle=pd.cycle) == frozenset({1})
    assert ani.post(restore).status_code == 404  # nothing left to restore

    [removal] = _rows(pd, "tim_kerja.anggota_remove")
    assert (removal.before, removal.after) == ({"nip": pd.sari.nip, "peran": "anggota", "area": 1}, None)
    [restoral] = _rows(pd, "tim_kerja.anggota_restore")
    assert (restoral.before, restoral.after) == (None, {"nip": pd.sari.nip, "peran": "anggota", "area": 1})
    assert restoral.actor_id == pd.world.ani.pk


def test_a_removed_seat_can_be_filled_again_and_then_is_not_restored_over_it(
    pd: PDWorld, login: Callable[[User], Client]
) -> None:
    """The unique rules hold among live rows only: a removed ketua does not block naming another;
    bringing the old one back is then refused with a message and nothing changes."""
    ani_actor = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        old = timkerja_services.anggota_add(actor=ani_actor, tim=pd.tim, pegawai=pd.joko, peran="ketua")
        timkerja_services.anggota_remove(actor=ani_actor, anggota=old)
        timkerja_services.anggota_add(actor=ani_actor, tim=pd.tim, pegawai=pd.sari, peran="ketua")
        # The same pegawai in the same role again is fine too once the first row is removed.
        agen = timkerja_services.agen_add(actor=ani_actor, tim=pd.tim, pegawai=pd.joko)
        timkerja_services.agen_remove(actor=ani_actor, agen=agen)
        again = timkerja_services.agen_add(actor=ani_actor, tim=pd.tim, pegawai=pd.joko)
    ani = login(pd.world.ani)
    refused = ani.post(reverse("pendampingan:anggota-restore", kwargs={"public_id": old.public_id}), follow=True)
    assert "Tim sudah punya Ketua; hapus dahulu." in refused.content.decode()
    old.refresh_from_db()
    assert old.deleted_at is not None
    refused = ani.post(reverse("pendampingan:agen-restore", kwargs={"public_id": agen.public_id}), follow=True)
    assert "Pegawai ini sudah menjadi agen perubahan." in refused.content.decode()
    agen.refresh_from_db()
    assert agen.deleted_at is not None
    assert AgenPerubahan.unscoped.filter(tim=pd.tim, pegawai=pd.joko, deleted_at__isnull=True).get() == again
    assert _rows(pd, "tim_kerja.anggota_restore") == []
    assert _rows(pd, "tim_kerja.agen_restore") == []


def test_agents_and_their_changes_leave_and_return_with_the_lke_suggestion(
    pd: PDWorld, login: Callable[[User], Client]
) -> None:
    ani_actor = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        agen = timkerja_services.agen_add(actor=ani_actor, tim=pd.tim, pegawai=pd.joko)
        for day, title in ((2, "Loket daring"), (9, "Antrean elektronik")):
            timkerja_services.perubahan_add(
                actor=ani_actor, agen=agen, title=title, date=datetime.date(pd.tahun, 5, day)
            )
    unit, cycle = pd.world.unit_a1, pd.cycle

    def counted() -> tuple[int, int, int]:
        with scope(pd.world.instansi_a.pk):
            facts = suggestions.unit_facts(unit=unit, cycle=cycle, needs={suggestions.AGENTS})
        return facts.agents, facts.changes, facts.integrated

    assert counted() == (1, 2, 0)
    ani = login(pd.world.ani)
    change = Perubahan.unscoped.get(title="Loket daring")
    page = _tim_page(ani, pd)
    assert "Hapus “Loket daring”? Anda dapat mengurungkannya sesaat setelahnya." in page

    deleted = ani.post(reverse("pendampingan:perubahan-delete", kwargs={"public_id": change.public_id}), follow=True)
    page = deleted.content.decode()
    restore_change = reverse("pendampingan:perubahan-restore", kwargs={"public_id": change.public_id})
    assert "“Loket daring” telah dihapus." in page
    assert f'action="{restore_change}"' in page
    assert "— Loket daring" not in page
    assert counted() == (1, 1, 0)
    assert login(pd.world.dodi).post(restore_change).status_code == 404
    assert _other_unit_operator(pd, login).post(restore_change).status_code == 404
    assert ani.post(restore_change).status_code == 302
    assert "— Loket daring" in _tim_page(ani, pd)
    assert counted() == (1, 2, 0)

    # The agent leaves with their changes, and comes back with them.
    removed = ani.post(reverse("pendampingan:agen-remove", kwargs={"public_id": agen.public_id}), follow=True)
    page = removed.content.decode()
    restore_agen = reverse("pendampingan:agen-restore", kwargs={"public_id": agen.public_id})
    assert "“Joko Susilo (198601012010011002)” telah dihapus." in page
    assert f'action="{restore_agen}"' in page
    assert "Antrean elektronik" not in page
    assert counted() == (0, 0, 0)
    # A change of a removed agent is not brought back on its own.
    with scope(pd.world.instansi_a.pk):
        timkerja_services.perubahan_delete(actor=ani_actor, perubahan=Perubahan.objects.get(title="Antrean elektronik"))
    alone = reverse(
        "pendampingan:perubahan-restore",
        kwargs={"public_id": Perubahan.unscoped.get(title="Antrean elektronik").public_id},
    )
    refused = ani.post(alone, follow=True).content.decode()
    assert "pulihkan agennya terlebih dahulu" in refused
    assert login(pd.world.evi).post(restore_agen).status_code == 403
    assert ani.post(restore_agen).status_code == 302
    assert counted() == (1, 1, 0)
    assert ani.post(alone).status_code == 302
    assert counted() == (1, 2, 0)

    deletes = _rows(pd, "tim_kerja.perubahan_delete")
    assert [row.before["title"] for row in deletes] == ["Loket daring", "Antrean elektronik"]
    assert all(row.after is None for row in deletes)
    restores = _rows(pd, "tim_kerja.perubahan_restore")
    assert [(row.before, row.after["title"]) for row in restores] == [
        (None, "Loket daring"),
        (None, "Antrean elektronik"),
    ]
    [agen_removal] = _rows(pd, "tim_kerja.agen_remove")
    assert (agen_removal.before, agen_removal.after) == ({"nip": pd.joko.nip}, None)
    [agen_restoral] = _rows(pd, "tim_kerja.agen_restore")
    assert (agen_restoral.before, agen_restoral.after) == (None, {"nip": pd.joko.nip})
