"""Forms of the pendampingan pages: shape only; the services decide every rule (owner of the unit,
a member of the unit, a due date, a closed thread) so the message is the same everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.utils import get_blank_choice_label
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.pendampingan.models import Peran, RisikoJenis
from apps.rencana_aksi.models import Area
from apps.unit_kerja.forms import DateInput, PegawaiChoiceField
from apps.unit_kerja.models import Pegawai

SCALE = [(i, str(i)) for i in range(1, 6)]


def _choice(label: Any, choices: Any, *, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, required=required, empty_value=None)


AREA_OPTIONAL = [("", _("— none —")), *Area.choices]


def _pegawai_field(label: Any, *, required: bool = False) -> PegawaiChoiceField:
    return PegawaiChoiceField(
        label=label, queryset=Pegawai.objects.none(), to_field_name="public_id", required=required
    )


class _PegawaiForm(forms.Form):
    """Any pegawai of the instansi is accepted by the field (so that one of another unit reaches
    the service and gets its clear message); only the unit's own are offered."""

    pegawai_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, pegawai_all: QuerySet[Pegawai], pegawai_unit: QuerySet[Pegawai], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", get_blank_choice_label())] + [(p.public_id, f"{p.name} ({p.nip})") for p in pegawai_unit]
        for name in self.pegawai_fields:
            field = self.fields[name]
            field.queryset = pegawai_all  # type: ignore[attr-defined]
            field.widget.choices = choices  # type: ignore[attr-defined]


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LayananForm(forms.Form):
    name = forms.CharField(label=_("Core service"), max_length=200, required=False)
    volume = forms.IntegerField(label=_("Yearly volume"), required=False)
    description = forms.CharField(label=_("Description"), required=False)


class IsuForm(forms.Form):
    title = forms.CharField(label=_("Strategic issue"), max_length=300, required=False)
    area = forms.TypedChoiceField(
        label=_("Area perubahan"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency (1–5)"), choices=SCALE, coerce=int, required=False, empty_value=None
    )
    impact = forms.TypedChoiceField(
        label=_("Impact (1–5)"), choices=SCALE, coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(label=_("Description"), required=False)


class RisikoForm(_PegawaiForm):
    pegawai_fields = ("owner",)

    jenis = forms.ChoiceField(label=_("Kind"), choices=RisikoJenis.choices)
    title = forms.CharField(label=_("Risk"), max_length=300, required=False)
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    likelihood = _choice(_("Likelihood (1–5)"), SCALE, required=True)
    impact = _choice(_("Impact (1–5)"), SCALE, required=True)
    owner = _pegawai_field(_("Risk owner"))
    mitigation = forms.CharField(label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.TypedChoiceField(
        label=_("Area perubahan"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )


class SKForm(forms.Form):
    sk_number = forms.CharField(label=_("SK number"), max_length=100, required=False)
    sk_date = forms.DateField(label=_("SK date"), widget=DateInput(), required=False)
    file = forms.FileField(label=_("SK file (PDF or image)"), required=False)


class AnggotaForm(_PegawaiForm):
    pegawai_fields = ("pegawai",)

    pegawai = _pegawai_field(_("Pegawai"))
    peran = forms.ChoiceField(label=_("Role"), choices=Peran.choices)
    area = forms.TypedChoiceField(
        label=_("Area of the pokja"), choices=AREA_OPTIONAL, coerce=int, required=False, empty_value=None
    )


class AgenForm(_PegawaiForm):
    pegawai_fields = ("pegawai",)

    pegawai = _pegawai_field(_("Change agent"))


class PerubahanForm(forms.Form):
    title = forms.CharField(label=_("Change made"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    integrated = forms.BooleanField(label=_("Integrated into the management system"), required=False)
    description = forms.CharField(label=_("Description"), required=False)


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


class TindakLanjutForm(_PegawaiForm):
    pegawai_fields = ("owner",)

    description = forms.CharField(label=_("Follow-up action"), max_length=500, required=False)
    owner = _pegawai_field(_("Owner"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)


class DoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False)
