"""Forms of the staff survey pages: shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.survei.indices import DEFAULT_KONVERSI, Konversi
from apps.unit_kerja.forms import DateInput
from apps.unit_kerja.models import UnitKerja


class SurveiForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit kerja"), queryset=UnitKerja.objects.none(), to_field_name="public_id")
    tahun = forms.IntegerField(label=_("LKE year"), min_value=2020, max_value=2100)
    label = forms.CharField(label=_("Period"), max_length=60, help_text=_("e.g. Semester I"))
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    konversi = forms.ChoiceField(
        label=_("Conversion to the LKE scale (0–4)"), choices=Konversi.choices, initial=DEFAULT_KONVERSI
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["tahun"].initial = timezone.localdate().year


class LayananForm(forms.Form):
    name = forms.CharField(label=_("Service name"), max_length=150)
