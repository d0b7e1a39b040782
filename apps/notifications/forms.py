"""The notification settings form: shape only; at least one channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NO_CHANNEL = _("Choose at least one way to be told: by email or in the app.")


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("By email"), required=False)
    in_app = forms.BooleanField(label=_("In the app"), required=False)
    email_digest = forms.TypedChoiceField(
        label=_("Emails"),
        choices=[("0", _("One email per notice, at once")), ("1", _("One email a day listing them (digest)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("in_app"):
            raise ValidationError(NO_CHANNEL, code="no_channel")
        return cleaned
