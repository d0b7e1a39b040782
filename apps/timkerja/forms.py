"""Forms of the tim kerja pages: shape only; the services decide every rule (a member of the unit,
the pokja's area, one coordinator per pokja) so the message is the same everywhere. ``PegawaiForm``
and ``pegawai_field`` serve every form of the unit's pages that names a pegawai."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.utils import get_blank_choice_label
from django.utils.translation import gettext_lazy as _

from apps.lke.models import Area
from apps.timkerja.models import Peran
from apps.unit_kerja.forms import DateInput, PegawaiChoiceField
from apps.unit_kerja.models import Pegawai

AREA_OPTIONAL = [("", _("— none —")), *Area.choices]


def pegawai_field(label: Any, *, required: bool = False) -> PegawaiChoiceField:
    return PegawaiChoiceField(
        label=label, queryset=Pegawai.objects.none(), to_field_name="public_id", required=required
    )


class PegawaiForm(forms.Form):
    """Any pegawai of the instansi is accepted by the field (so that one of another unit reaches
    the service and gets its clear message); only the unit's own are offered."""

    pegawai_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, pegawai_all: QuerySet[Pegawai], pegawai_unit: QuerySet[Pegawai], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", get_blank_choice_label())] + [(p.public_id, f"{p.name} ({p.nip})") for p in pegawai_unit]
        for name in self.pegawai_fields:
            field = self.fields[name]
            field.queryset = pegawai_all  # type: ignore[attr-defined]
            field.widget.choices = choices  # type: ignore[attr-defined]


class SKForm(forms.Form):
    sk_number = forms.CharField(label=_("SK number"), max_length=100, required=False)
    sk_date = forms.DateField(label=_("SK date"), widget=DateInput(), required=False)
    file = forms.FileField(label=_("SK file (PDF or image)"), required=False)


class AnggotaForm(PegawaiForm):
    pegawai_fields = ("pegawai",)

    pegawai = pegawai_field(_("Pegawai"))
    peran = forms.ChoiceField(label=_("Role"), choices=Peran.choices)
    area = forms.TypedChoiceField(
        label=_("Area of the pokja"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )


class AgenForm(PegawaiForm):
    pegawai_fields = ("pegawai",)

    pegawai = pegawai_field(_("Change agent"))


class PerubahanForm(forms.Form):
    title = forms.CharField(label=_("Change made"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    integrated = forms.BooleanField(label=_("Integrated into the management system"), required=False)
    description = forms.CharField(label=_("Description"), required=False)
