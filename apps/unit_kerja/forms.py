"""Forms of the unit kerja pages. They check shape only; every rule lives in ``services``.

Choice fields are filled from scoped selectors by the view and submit ``public_id`` values, never
integer keys. Django renders ``aria-invalid`` and ``aria-describedby`` for fields with errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.unit_kerja.models import AfirmasiType, Cycle, Pegawai, UnitKerja, UnitKind
from apps.unit_kerja.validators import normalize_nip, validate_nip

_INDENT = "\u00a0" * 3  # option labels cannot be styled; non-breaking spaces show the tree


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked by public_id, shown as "code — name", indented by depth."""

    def label_from_instance(self, obj: UnitKerja) -> str:
        return f"{_INDENT * obj.depth}{obj.code} — {obj.name}"


class PegawaiChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pegawai) -> str:
        return f"{obj.name} ({obj.nip})"


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cycle) -> str:
        return str(obj.tahun)


# -----------------------------------------------------------------------------
# Unit kerja
# -----------------------------------------------------------------------------


class UnitKerjaForm(forms.Form):
    code = forms.CharField(label=_("Unit code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.LAINNYA)
    parent = UnitChoiceField(
        label=_("Parent unit"),
        queryset=UnitKerja.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— none (top level) —"),
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, parent_choices: QuerySet[UnitKerja], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices
        if editing:
            self.fields["version"] = version_field()
        else:
            del self.fields["is_active"]


class UnitHeadForm(forms.Form):
    head = PegawaiChoiceField(
        label=_("Head of unit"),
        queryset=Pegawai.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— nobody —"),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Pegawai], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = candidates


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


# -----------------------------------------------------------------------------
# Pegawai
# -----------------------------------------------------------------------------


class PegawaiForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit kerja"), queryset=UnitKerja.objects.none(), to_field_name="public_id")
    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        help_text=_("18 digits; spaces are ignored."),
        widget=forms.TextInput({"inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position (jabatan)"), max_length=200, required=False)
    rank = forms.CharField(label=_("Rank (pangkat/golongan)"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, unit_choices: QuerySet[UnitKerja] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_choices is None:
            del self.fields["unit"]  # editing: the unit changes only through a transfer
            self.fields["version"] = version_field()
        else:
            self.fields["unit"].queryset = unit_choices

    def clean_nip(self) -> str:
        nip = normalize_nip(self.cleaned_data["nip"])
        validate_nip(nip)
        return nip


class PegawaiTransferForm(forms.Form):
    unit = UnitChoiceField(label=_("New unit"), queryset=UnitKerja.objects.none(), to_field_name="public_id")

    def __init__(self, *args: Any, unit_choices: QuerySet[UnitKerja], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices


class PegawaiAccountForm(forms.Form):
    """The login to link, by its email (the service decides whether it may be linked)."""

    user = forms.EmailField(
        label=_("Account email"),
        max_length=254,
        help_text=_("The email the person signs in with. The account must be a member of this instansi."),
    )


class PegawaiFilterForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit kerja"),
        queryset=UnitKerja.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All units"),
    )
    q = forms.CharField(label=_("NIP or name"), required=False, max_length=100)
    semua = forms.BooleanField(label=_("Include pegawai who left"), required=False)

    def __init__(self, *args: Any, unit_choices: QuerySet[UnitKerja], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices


# -----------------------------------------------------------------------------
# Cycle
# -----------------------------------------------------------------------------


def _date_field(label: Any, *, required: bool) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), required=required)


class CycleForm(forms.Form):
    tahun = forms.IntegerField(label=_("Year"), min_value=2010, max_value=2100)
    fill_start = _date_field(_("Self-assessment opens"), required=False)
    fill_end = _date_field(_("Self-assessment closes"), required=False)
    review_start = _date_field(_("TPI review opens"), required=False)
    review_end = _date_field(_("TPI review closes"), required=False)
    revision_start = _date_field(_("Revision opens"), required=False)
    revision_end = _date_field(_("Revision closes"), required=False)
    proposal_end = _date_field(_("Proposal deadline"), required=False)
    is_open = forms.BooleanField(
        label=_("Open"), required=False, help_text=_("A closed year accepts no more penetapan changes.")
    )

    WINDOW_FIELDS = (
        ("fill_start", "fill_end"),
        ("review_start", "review_end"),
        ("revision_start", "revision_end"),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["tahun"]  # a year is opened once; its number never changes
            for name, field in self.fields.items():
                if name != "is_open":
                    field.required = True
            self.fields["version"] = version_field()
        else:
            del self.fields["is_open"]
            for name, field in self.fields.items():
                if name != "tahun":
                    field.help_text = _("Leave empty for the usual date.")


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


class PenetapanForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit kerja"), queryset=UnitKerja.objects.none(), to_field_name="public_id")
    cycle = CycleChoiceField(label=_("Year"), queryset=Cycle.objects.none(), to_field_name="public_id")
    is_core_service = forms.BooleanField(label=_("Delivers the instansi's core service"), required=False)
    core_service_reason = forms.CharField(
        label=_("Justification (core service)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_high_risk = forms.BooleanField(label=_("High corruption risk"), required=False)
    high_risk_reason = forms.CharField(
        label=_("Justification (corruption risk)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_broad_impact = forms.BooleanField(label=_("Broad public impact"), required=False)
    broad_impact_reason = forms.CharField(
        label=_("Justification (public impact)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    afirmasi_type = forms.ChoiceField(
        label=_("Afirmasi type (Stranas PK)"),
        choices=[("", _("— none —")), *AfirmasiType.choices],
        required=False,
        help_text=_("Only for service units of a regional government."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CRITERIA = (
        ("is_core_service", "core_service_reason"),
        ("is_high_risk", "high_risk_reason"),
        ("is_broad_impact", "broad_impact_reason"),
    )

    def __init__(
        self,
        *args: Any,
        unit_choices: QuerySet[UnitKerja] | None = None,
        cycle_choices: QuerySet[Cycle] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if unit_choices is None or cycle_choices is None:
            # Editing: unit and year are fixed; the version guards against lost updates.
            del self.fields["unit"]
            del self.fields["cycle"]
            self.fields["version"].required = True
        else:
            self.fields["unit"].queryset = unit_choices
            self.fields["cycle"].queryset = cycle_choices
            del self.fields["version"]

    def criteria(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[flag], self[reason]) for flag, reason in self.CRITERIA]


class PenetapanDesignateForm(forms.Form):
    sk_number = forms.CharField(label=_("SK number"), max_length=100)
    sk_date = forms.DateField(label=_("SK date"), widget=DateInput())
    sk_file = forms.FileField(
        label=_("Signed SK (PDF or scan)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/*"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_file:
            self.fields["sk_file"].required = False
            self.fields["sk_file"].help_text = _("Leave empty to keep the SK already uploaded.")
