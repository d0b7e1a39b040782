"""Forms of the unit's worksheet. They check only the shape of what was typed; the services decide.

Every soal's form carries the prefix ``s<soal number>`` so that many forms live on one page with
unique ids and names (``s88-answer``), which also lets the derived-percentage preview read the
numbers typed into several forms at once.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.scanning import scan_upload
from apps.lke.models import Soal
from apps.penilaian.models import Jawaban
from apps.tenancy.models import Membership

CHOOSE_OPTION = _("Choose one of the options.")
WHOLE_NUMBER = _("Enter a whole number of 0 or more.")
VALUE_0_4 = _("Enter a value from 0 to 4 (for example 3.25).")
NOTE_MAX = 10_000
_WHOLE = re.compile(r"^\d{1,9}$")
# Digits with one optional decimal comma or point: never an exponent ("1e0"), a sign or "NaN".
_DECIMAL = re.compile(r"^\d{1,3}(?:[.,]\d{1,4})?$")


def soal_prefix(soal: Soal) -> str:
    return f"s{soal.portalrb_soal_id}"


class JawabanForm(forms.Form):
    """The unit's answer to one soal: answer, note, evidence link, and the version it was loaded at."""

    answer = forms.CharField(label=_("Answer"), required=False, max_length=20)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_link = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, soal: Soal, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", soal_prefix(soal))
        super().__init__(*args, **kwargs)
        self.soal = soal
        if soal.answer_type == "JUMLAH":
            self.fields["answer"].widget = forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"})
            self.fields["answer"].label = _("Number")
        elif soal.answer_type == "NILAI_0_4":
            self.fields["answer"].widget = forms.NumberInput(
                attrs={"min": 0, "max": 4, "step": "0.01", "inputmode": "decimal"}
            )
            self.fields["answer"].label = _("Value (0–4)")

    @staticmethod
    def initial_for(row: Jawaban | None) -> dict[str, Any]:
        if row is None:
            return {"answer": "", "note": "", "evidence_link": "", "version": 0}
        return {
            "answer": row.answer or "",
            "note": row.note,
            "evidence_link": row.evidence_link,
            "version": row.version,
        }

    def clean_answer(self) -> str:
        raw = (self.cleaned_data.get("answer") or "").strip()
        if raw == "":
            return ""
        kind = self.soal.answer_type
        if self.soal.options:
            keys = {str(o["key"]).casefold(): str(o["key"]) for o in self.soal.options}
            if raw.casefold() not in keys:
                raise ValidationError(CHOOSE_OPTION, code="unknown_option")
            return keys[raw.casefold()]
        if kind == "JUMLAH":
            if not _WHOLE.match(raw):
                raise ValidationError(WHOLE_NUMBER, code="not_whole_number")
            return str(int(raw))
        if kind == "NILAI_0_4":
            if not _DECIMAL.match(raw):
                raise ValidationError(VALUE_0_4, code="out_of_range")
            try:
                value = Decimal(raw.replace(",", "."))
            except InvalidOperation as exc:
                raise ValidationError(VALUE_0_4, code="out_of_range") from exc
            if not value.is_finite() or value < 0 or value > 4:
                raise ValidationError(VALUE_0_4, code="out_of_range")
            return raw.replace(",", ".")
        return raw

    def answer_or_none(self) -> str | None:
        return self.cleaned_data["answer"] or None


class EvidenceUploadForm(forms.Form):
    """A new evidence file for one soal (type, size and content are checked by the evidence store)."""

    file = forms.FileField(label=_("New evidence file"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)

    def __init__(self, *args: Any, soal: Soal, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"{soal_prefix(soal)}-up")
        super().__init__(*args, **kwargs)


class BuktiChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: BuktiDukung) -> str:
        return f"{obj.original_name} ({obj.get_kind_display()}, {date_format(obj.created_at, 'j M Y')})"


class EvidenceAttachForm(forms.Form):
    """Pick a file already in the instansi's evidence store."""

    bukti = BuktiChoiceField(
        label=_("File from the evidence store"),
        queryset=BuktiDukung.objects.none(),
        to_field_name="public_id",
        empty_label=_("— choose a file —"),
    )

    def __init__(
        self, *args: Any, soal: Soal, queryset: QuerySet[BuktiDukung], offered: list[BuktiDukung], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"{soal_prefix(soal)}-pick")
        super().__init__(*args, **kwargs)
        field = cast(BuktiChoiceField, self.fields["bukti"])
        field.queryset = queryset
        # Offer the latest files only; any file of the instansi still validates.
        field.choices = [("", field.empty_label), *((b.public_id, field.label_from_instance(b)) for b in offered)]


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.name or obj.user.email
        return f"{name} — {obj.get_role_display()}" + (f" ({obj.unit.name})" if obj.unit_id else "")


class AreaAssignForm(forms.Form):
    """Give a pokja member responsibility for an area perubahan (1–6) or the hasil part (7)."""

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    assignee = MembershipChoiceField(
        label=_("Member of the tim kerja"), queryset=Membership.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args: Any, areas: list[tuple[int, str]], members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(number, f"{number}. {name}" if number < 7 else name) for number, name in areas]
        field = cast(MembershipChoiceField, self.fields["assignee"])
        field.queryset = Membership.objects.filter(pk__in=[m.pk for m in members]).select_related("user", "unit")
        field.choices = [("", field.empty_label), *((m.public_id, field.label_from_instance(m)) for m in members)]


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled LKE workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        scan_upload(file)  # ClamAV before the workbook is parsed (a no-op when scanning is off)
        return file


class WorkbookConfirmForm(forms.Form):
    """The previewed changes, signed, carried to the confirmation."""

    payload = forms.CharField(widget=forms.HiddenInput)
