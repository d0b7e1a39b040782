"""Forms of the pencanangan pages: shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.core.forms import MultipleFileField
from apps.pencanangan.models import PencananganForm as FormChoice
from apps.unit_kerja.forms import DateInput


class PencananganEditForm(forms.Form):
    version = version_field()
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=FormChoice.choices)
    witnesses = forms.CharField(
        label=_("Witnesses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and institution (e.g. KemenPANRB, KPK, Ombudsman RI)."),
    )
    publication_links = forms.CharField(
        label=_("Publication links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line: news, the unit's social accounts."),
    )
    documents = MultipleFileField(
        label=_("Documents (berita acara, photos)"), required=False, help_text=_("PDF, PNG or JPEG; several at once.")
    )


class SignForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have read the Pakta Integritas above and I agree to it"), required=False)
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, required=False)


class LinkSignForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have read the Pakta Integritas above and I agree to it"), required=False)
    nip = forms.CharField(
        label=_("Your NIP"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Type your 18-digit NIP to confirm that you are the person named above."),
    )


class KomitmenForm(forms.Form):
    confirm = forms.BooleanField(label=_("I make the statement of commitment above"), required=False)
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, required=False)


class ScanForm(forms.Form):
    nip = forms.CharField(label=_("NIP of the pegawai"), max_length=30)
    file = forms.FileField(label=_("Scanned signed pact"), help_text=_("PDF, PNG or JPEG."))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class TextForm(forms.Form):
    version = version_field()  # the text version the form showed
    body = forms.CharField(
        label=_("Text of the Pakta Integritas"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_("Placeholders: {nama}, {nip}, {jabatan}, {unit}, {instansi}, {tahun}."),
    )


class ThresholdForm(forms.Form):
    version = version_field()
    threshold_pct = forms.IntegerField(label=_("Coverage threshold (%)"), min_value=1, max_value=100)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
