from django import forms
from django.utils.translation import gettext_lazy as _

from apps.tpn.models import Outcome, Stage
from apps.unit_kerja.forms import DateInput


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name (what the token is for)"), max_length=100)


class TPNResultForm(forms.Form):
    """One TPN result recorded in the browser: the same fields as ``POST /api/v1/…/hasil/``."""

    stage = forms.ChoiceField(label=_("Stage"), choices=())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=(), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    decree_number = forms.CharField(label=_("Decree number"), required=False, max_length=100)
    decree_date = forms.DateField(label=_("Decree date"), required=False, widget=DateInput())
    revoked_on = forms.DateField(label=_("Revoked on"), required=False, widget=DateInput())
    override_reason = forms.CharField(
        label=_("Override: why designate although the TPN score is below a threshold"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = Stage.choices
        self.fields["outcome"].choices = [("", "—"), *Outcome.choices]
