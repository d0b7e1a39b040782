"""Forms of the rencana aksi pages: shape only; the services decide every rule (deadline in the
year, PIC of the unit, progress ≤ 100 %, a reason on an approved plan) so the message is the same
from the form and from the import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.utils import get_blank_choice_label
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.core.forms import MultipleFileField
from apps.diagnosis.models import IsuStrategis, Risiko
from apps.lke.models import Area, Soal
from apps.rencana_aksi.models import Frekuensi
from apps.unit_kerja.forms import DateInput, PegawaiChoiceField, UnitChoiceField
from apps.unit_kerja.models import Pegawai, UnitKerja

MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class SoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Soal) -> str:
        area = f"{obj.node.area} · " if obj.node.area else ""
        return f"{area}{obj.portalrb_soal_id}. {obj.text[:90]}"


class PlanCreateForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit kerja"), queryset=UnitKerja.objects.none(), to_field_name="public_id")
    copy = forms.BooleanField(label=_("Copy the kegiatan of last year's plan"), required=False)

    def __init__(self, *args: Any, units: QuerySet[UnitKerja], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class FrequencyForm(forms.Form):
    frekuensi = forms.ChoiceField(label=_("Monitoring frequency"), choices=Frekuensi.choices)


class KegiatanForm(forms.Form):
    version = version_field()
    area = forms.TypedChoiceField(label=_("Area perubahan"), choices=Area.choices, coerce=int)
    description = forms.CharField(label=_("Kegiatan"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    output = forms.CharField(label=_("Output"), max_length=300)
    indicator = forms.CharField(label=_("Indicator"), max_length=300)
    target_value = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    target_unit = forms.CharField(label=_("Target unit"), max_length=50, help_text=_("e.g. %, dokumen, kali"))
    pic = PegawaiChoiceField(label=_("PIC"), queryset=Pegawai.objects.none(), to_field_name="public_id")
    months = forms.TypedMultipleChoiceField(
        label=_("Schedule (months)"), choices=MONTH_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    budget = forms.DecimalField(label=_("Budget (Rp, optional)"), max_digits=16, decimal_places=0, required=False)
    soal = SoalChoiceField(
        label=_("LKE soal supported (optional)"),
        queryset=Soal.objects.none(),
        to_field_name="portalrb_soal_id",
        required=False,
    )
    risiko = forms.ModelChoiceField(
        label=_("Risk it answers (optional)"),
        queryset=Risiko.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("From the unit's diagnosis of this year."),
    )
    isu = forms.ModelChoiceField(
        label=_("Strategic issue it answers (optional)"),
        queryset=IsuStrategis.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the plan is already approved: the change opens a new revision."),
    )

    def __init__(
        self,
        *args: Any,
        pegawai_all: QuerySet[Pegawai],
        pegawai_unit: QuerySet[Pegawai],
        soal: QuerySet[Soal],
        risiko: QuerySet[Risiko] | None = None,
        isu: QuerySet[IsuStrategis] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if risiko is not None:
            self.fields["risiko"].queryset = risiko
        if isu is not None:
            self.fields["isu"].queryset = isu
        # Any pegawai of the instansi is accepted by the field, so that one of another unit reaches
        # the service and gets its clear message; only the unit's own are offered.
        pic = self.fields["pic"]
        pic.queryset = pegawai_all
        pic.widget.choices = [("", get_blank_choice_label())] + [
            (p.public_id, f"{p.name} ({p.nip})") for p in pegawai_unit
        ]
        self.fields["soal"].queryset = soal


class RealisasiForm(forms.Form):
    version = version_field()
    periode = forms.ChoiceField(label=_("Period"))
    progress = forms.IntegerField(label=_("Progress (%)"))
    value = forms.DecimalField(label=_("Realised value"), max_digits=14, decimal_places=2, required=False, min_value=0)
    narrative = forms.CharField(label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Evidence files (PDF, PNG, JPEG, XLSX, DOCX)"), required=False)

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = [(p, p) for p in periods]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LeadForm(forms.Form):
    lead = forms.ChoiceField(label=_("Tim kerja lead"), required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("— none —"))] + [(str(u.public_id), u.name or u.email) for u in members]


class EvidenceToLkeForm(forms.Form):
    bukti = forms.UUIDField()


class KegiatanImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the plan is already approved: the import opens a new revision."),
    )
