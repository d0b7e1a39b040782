"""Forms of the pendampingan pages (threads, asistensi): shape only; the services decide every rule
(an owner of the unit, a due date, a closed thread) so the message is the same everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.timkerja.forms import PegawaiForm, pegawai_field
from apps.unit_kerja.forms import DateInput
from apps.unit_kerja.models import Pegawai


class KonsultasiForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    soal = forms.IntegerField(label=_("LKE soal (number, optional)"), required=False, min_value=1)
    kegiatan = forms.UUIDField(required=False, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Attachments (PDF, PNG, JPEG, XLSX, DOCX)"), required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Attachments (PDF, PNG, JPEG, XLSX, DOCX)"), required=False)


class TpnQuestionForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AsistensiForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees of the unit"),
        queryset=Pegawai.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(label=_("Other attendees (TPI and guests)"), required=False)
    topics = forms.CharField(label=_("Topics"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, pegawai_unit: QuerySet[Pegawai], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = pegawai_unit  # type: ignore[attr-defined]


class TindakLanjutForm(PegawaiForm):
    pegawai_fields = ("owner",)

    description = forms.CharField(label=_("Follow-up action"), max_length=500, required=False)
    owner = pegawai_field(_("Owner"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)


class DoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False)
