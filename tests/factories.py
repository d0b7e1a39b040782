"""factory_boy factories. A child's instansi always comes from its parent (never mixed graphs)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import User
from apps.tenancy.models import Instansi, InstansiKind, Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja, UnitKind


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.go.id")
    name = factory.Faker("name", locale="id_ID")
    password = factory.django.Password("rahasia-ZI-2026")


class InstansiFactory(DjangoModelFactory[Instansi]):
    class Meta:
        model = Instansi

    code = factory.Sequence(lambda n: f"instansi-{n}")
    name = factory.Sequence(lambda n: f"Kementerian Contoh {n}")
    kind = InstansiKind.KEMENTERIAN


class UnitKerjaFactory(DjangoModelFactory[UnitKerja]):
    class Meta:
        model = UnitKerja

    instansi = factory.LazyAttribute(lambda o: o.parent.instansi if o.parent else InstansiFactory())
    parent = None
    code = factory.Sequence(lambda n: f"UK-{n:04d}")
    name = factory.Sequence(lambda n: f"Unit Kerja {n}")
    kind = UnitKind.ESELON_II

    @classmethod
    def _create(cls, model_class: type[UnitKerja], *args: Any, **kwargs: Any) -> UnitKerja:
        unit = model_class.unscoped.create(*args, **kwargs)
        prefix = unit.parent.path if unit.parent else "/"
        unit.path = f"{prefix}{unit.pk}/"
        unit.depth = unit.parent.depth + 1 if unit.parent else 0
        unit.save(update_fields=["path", "depth"])
        return unit


class PegawaiFactory(DjangoModelFactory[Pegawai]):
    class Meta:
        model = Pegawai

    unit = factory.SubFactory(UnitKerjaFactory)
    instansi = factory.SelfAttribute("unit.instansi")
    nip = factory.Sequence(lambda n: f"19850101201001{1 + n % 2}{n % 1000:03d}")
    name = factory.Faker("name", locale="id_ID")
    position = "Analis Kebijakan"
    rank = "Penata (III/c)"

    @classmethod
    def _create(cls, model_class: type[Pegawai], *args: Any, **kwargs: Any) -> Pegawai:
        return model_class.unscoped.create(*args, **kwargs)


class CycleFactory(DjangoModelFactory[Cycle]):
    class Meta:
        model = Cycle

    instansi = factory.SubFactory(InstansiFactory)
    tahun = 2026
    fill_start = datetime.date(2026, 1, 1)
    fill_end = datetime.date(2026, 3, 31)
    review_start = datetime.date(2026, 4, 1)
    review_end = datetime.date(2026, 4, 30)
    revision_start = datetime.date(2026, 4, 1)
    revision_end = datetime.date(2026, 5, 15)
    proposal_end = datetime.date(2026, 5, 31)

    @classmethod
    def _create(cls, model_class: type[Cycle], *args: Any, **kwargs: Any) -> Cycle:
        return model_class.unscoped.create(*args, **kwargs)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    instansi = factory.LazyAttribute(lambda o: o.unit.instansi if o.unit else InstansiFactory())
    unit = None
    role = Role.VIEWER


# --- unit_kerja: penetapan ------------------------------------------------------------------------


def _cycle_for(instansi: Instansi, tahun: int = 2026) -> Cycle:
    """The instansi's cycle of that year, opened on first use (one cycle per instansi and year)."""
    return Cycle.unscoped.filter(instansi=instansi, tahun=tahun).first() or CycleFactory(instansi=instansi, tahun=tahun)


class PenetapanFactory(DjangoModelFactory):
    """A proposed penetapan (core-service criterion justified) of a unit for its instansi's 2026 cycle."""

    class Meta:
        model = "unit_kerja.Penetapan"

    unit = factory.SubFactory(UnitKerjaFactory)
    instansi = factory.SelfAttribute("unit.instansi")
    cycle = factory.LazyAttribute(lambda o: _cycle_for(o.unit.instansi))
    is_core_service = True
    core_service_reason = "Unit ini memberikan layanan inti instansi kepada masyarakat."

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return model_class.unscoped.create(*args, **kwargs)
