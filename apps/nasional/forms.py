"""The national pages' filters. Shape only: a value that is not a choice is reported beside the
field and ignored, so a bad link never breaks the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.nasional.selectors import PROVINCE_CHOICES, STAGE_CHOICES
from apps.pengusulan.models import Predikat
from apps.tenancy.models import InstansiKind

_ANY = [("", _("All"))]


class ProposalFilterForm(forms.Form):
    tahun = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    predikat = forms.ChoiceField(label=_("Predikat"), required=False, choices=_ANY + list(Predikat.choices))
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_ANY + STAGE_CHOICES)
    instansi_kind = forms.ChoiceField(
        label=_("Instansi kind"), required=False, choices=_ANY + list(InstansiKind.choices)
    )
    province = forms.ChoiceField(label=_("Province"), required=False, choices=_ANY + PROVINCE_CHOICES)

    def __init__(self, *args: Any, years: list[int], stages: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [(str(y), str(y)) for y in years]
        if stages is not None:
            self.fields["stage"].choices = _ANY + stages

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty values (an invalid field is absent from ``cleaned_data``)."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class YearForm(forms.Form):
    tahun = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [(str(y), str(y)) for y in years]
