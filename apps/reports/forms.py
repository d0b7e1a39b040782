"""Shape of a report request: which kind. The kind's own parameters are checked by the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reports.registry import REPORT_KINDS


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(d.kind, d.title) for d in REPORT_KINDS.values()]

    def params(self) -> dict[str, str]:
        """Every other posted field is a parameter of the kind (e.g. ``unit=<public_id>``)."""
        return {key: str(self.data.get(key, "")) for key in self.data if key not in {"kind", "csrfmiddlewaretoken"}}
