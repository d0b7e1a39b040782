"""Forms of the TPI set-up and review pages. They check shape only; every rule lives in ``services``.

Choices are filled by the view from scoped selectors and submit ``public_id`` values, never
integer keys.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from apps.lke.models import Soal
from apps.penilaian.models import Recommendation
from apps.tenancy.models import Membership
from apps.unit_kerja.models import UnitKerja

MAX_TIERS = 3
OPTION_LABEL_CHARS = 90
TIER_NAME_MAX = 100
TIER_NAME_TOO_LONG = _("A tier name has at most %(max)s characters.")


# -----------------------------------------------------------------------------
# Set-up
# -----------------------------------------------------------------------------


class NameListWidget(forms.Widget):
    """Every posted ``names`` value, in order (the page shows three inputs of that name)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if isinstance(data, MultiValueDict):
            return [str(value) for value in data.getlist(name)]
        value = data.get(name)
        return list(value) if isinstance(value, list | tuple) else [] if value is None else [str(value)]


class TierNamesField(forms.Field):
    widget = NameListWidget

    def to_python(self, value: Any) -> list[str]:
        # Blank inputs are unused tiers; how many remain (1–3) is the service's rule.
        return [str(name).strip() for name in (value or []) if str(name).strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for name in value:
            if len(name) > TIER_NAME_MAX:
                raise ValidationError(TIER_NAME_TOO_LONG, code="max_length", params={"max": TIER_NAME_MAX})


class TPITiersForm(forms.Form):
    # Not required here: "no tier at all" is the service's refusal (one message for 0 and for 4).
    names = TierNamesField(label=_("Tier names, from the first to the last"), required=False)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)  # the tiers the form showed

    def slots(self) -> list[str]:
        """What the three inputs show: the posted names, else the initial ones, padded to three."""
        if self.is_bound:
            values = NameListWidget().value_from_datadict(self.data, None, "names")
        else:
            values = list(self.initial.get("names", []))
        return [*values, *[""] * MAX_TIERS][: max(MAX_TIERS, len(values))]


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.name or obj.user.email} ({obj.user.email})"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UnitKerja) -> str:
        return f"{obj.code} — {obj.name}"


class TPIAssignForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit kerja"), queryset=UnitKerja.objects.none(), to_field_name="public_id")
    reviewer = ReviewerChoiceField(label=_("TPI member"), queryset=Membership.objects.none(), to_field_name="public_id")
    level = forms.TypedChoiceField(label=_("Tier"), coerce=int)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[UnitKerja],
        reviewers: QuerySet[Membership],
        tiers: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["reviewer"].queryset = reviewers
        self.fields["level"].choices = [(level, f"{level}. {name}") for level, name in sorted(tiers.items())]


# -----------------------------------------------------------------------------
# Review
# -----------------------------------------------------------------------------


class ReviewAnswerForm(forms.Form):
    """One soal's answer and note at the current TPI tier. ``version`` is the one the page loaded."""

    answer = forms.CharField(label=_("Answer"), required=False, max_length=20)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, soal: Soal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_rv{soal.portalrb_soal_id}_%s")
        super().__init__(*args, **kwargs)
        self.soal = soal
        if soal.options:
            # Option soal: a select of the master's options (the service still validates the key).
            choices = [("", _("— not answered —")), *[(o["key"], _option_label(o)) for o in soal.options]]
            self.fields["answer"] = forms.ChoiceField(label=_("Answer"), required=False, choices=choices)
        else:
            self.fields["answer"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


def _option_label(option: dict[str, Any]) -> str:
    # The master's option texts are whole sentences; the criteria beside the item show them in full.
    label = Truncator(" ".join(str(option.get("label") or "").split())).chars(OPTION_LABEL_CHARS)
    key = str(option["key"])
    return key if not label or label == key else f"{key} — {label}"


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must the unit fix?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, soal: Soal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_rt{soal.portalrb_soal_id}_%s")
        super().__init__(*args, **kwargs)


class CopyBelowForm(forms.Form):
    """Optional ``section``: copy only that section's soal (else every soal)."""

    section = forms.CharField(required=False, max_length=20)


class RecommendationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.Decision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    threshold_reason = forms.CharField(
        label=_("If 'fit' although the score misses a threshold: why (printed in the LHE)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )
