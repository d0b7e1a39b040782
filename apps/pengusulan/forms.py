"""Forms of the pengusulan pages: shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.core.forms import MultipleFileField
from apps.pengusulan.models import Grade, OpiniBPK, Predikat
from apps.unit_kerja.forms import DateInput


class InstansiEligibilityForm(forms.Form):
    opini_bpk = forms.ChoiceField(label=_("BPK opinion"), choices=OpiniBPK.choices)
    predikat_sakip = forms.ChoiceField(label=_("SAKIP predicate"), choices=Grade.choices)
    indeks_rb = forms.ChoiceField(label=_("RB index grade"), choices=Grade.choices)
    maturitas_spip = forms.IntegerField(label=_("SPIP maturity level"), min_value=1, max_value=5)
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = version_field()


class UnitEligibilityForm(forms.Form):
    is_core_service = forms.BooleanField(label=_("Core service (core layanan) of the instansi"), required=False)
    has_public_impact = forms.BooleanField(label=_("Significant impact on public perception"), required=False)
    tlhp_pct = forms.DecimalField(label=_("TLHP completed (%)"), min_value=0, max_value=100, decimal_places=2)
    lhkpn_pct = forms.DecimalField(label=_("LHKPN compliance (%)"), min_value=0, max_value=100, decimal_places=2)
    lhkasn_pct = forms.DecimalField(label=_("LHKASN compliance (%)"), min_value=0, max_value=100, decimal_places=2)
    zi_started_on = forms.DateField(label=_("ZI building started on"), widget=DateInput())
    sakip_internal = forms.ChoiceField(label=_("Internal SAKIP predicate"), choices=Grade.choices)
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = version_field()


class PengusulanCreateForm(forms.Form):
    predikat = forms.ChoiceField(label=_("Predikat"), choices=Predikat.choices)


class SuratForm(forms.Form):
    number = forms.CharField(label=_("Letter number"), max_length=100)
    date = forms.DateField(label=_("Letter date"), widget=DateInput())
    sptjm_file = forms.FileField(label=_("Signed SPTJM (scan)"), required=False)
    version = version_field()


class SptjmSignForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm the statement above"), required=False)
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, required=False)


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(forms.Form):
    """The confirmation of a proposal: the afirmasi reason, asked only when the final TPI tier
    misses a threshold of an afirmasi unit's predikat."""

    afirmasi_reason = forms.CharField(
        label=_("Why is this afirmasi unit proposed although it misses these thresholds?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
