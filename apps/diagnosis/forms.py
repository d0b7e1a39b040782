"""Forms of the diagnosis pages: shape only; the services decide every rule (an owner of the unit,
scores from 1 to 5) so the message is the same everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.diagnosis.models import RisikoJenis
from apps.timkerja.forms import AREA_OPTIONAL, PegawaiForm, pegawai_field

SCALE = [(i, str(i)) for i in range(1, 6)]


def _choice(label: Any, choices: Any, *, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, required=required, empty_value=None)


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LayananForm(forms.Form):
    name = forms.CharField(label=_("Core service"), max_length=200, required=False)
    volume = forms.IntegerField(label=_("Yearly volume"), required=False)
    description = forms.CharField(label=_("Description"), required=False)


class IsuForm(forms.Form):
    title = forms.CharField(label=_("Strategic issue"), max_length=300, required=False)
    area = forms.TypedChoiceField(
        label=_("Area perubahan"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency (1–5)"), choices=SCALE, coerce=int, required=False, empty_value=None
    )
    impact = forms.TypedChoiceField(
        label=_("Impact (1–5)"), choices=SCALE, coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(label=_("Description"), required=False)


class RisikoForm(PegawaiForm):
    pegawai_fields = ("owner",)

    jenis = forms.ChoiceField(label=_("Kind"), choices=RisikoJenis.choices)
    title = forms.CharField(label=_("Risk"), max_length=300, required=False)
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    likelihood = _choice(_("Likelihood (1–5)"), SCALE, required=True)
    impact = _choice(_("Impact (1–5)"), SCALE, required=True)
    owner = pegawai_field(_("Risk owner"))
    mitigation = forms.CharField(label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.TypedChoiceField(
        label=_("Area perubahan"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )
