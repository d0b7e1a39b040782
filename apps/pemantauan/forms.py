from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.pemantauan.models import Saluran
from apps.unit_kerja.forms import DateInput


class PengaduanPublicForm(forms.Form):
    isi = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    pelapor = forms.CharField(label=_("Your name (optional)"), required=False, max_length=150)
    kontak = forms.CharField(label=_("Email or phone to reach you (optional)"), required=False, max_length=150)


class PengaduanForm(PengaduanPublicForm):
    saluran = forms.ChoiceField(label=_("Received through"), choices=Saluran.choices, initial=Saluran.LAPOR)


class UsulanForm(forms.Form):
    alasan = forms.CharField(label=_("Reason for the revocation"), widget=forms.Textarea(attrs={"rows": 4}))
    bukti = MultipleFileField(label=_("Evidence"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("revoke", _("Revoke the predikat")), ("reject", _("Reject the proposal"))]
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    revoked_on = forms.DateField(label=_("Revoked on"), required=False, widget=DateInput())
