"""Pages of the pendampingan: the unit's diagnosis (with priorities), its tim kerja ZI, the
consultation threads with the TPI, the asistensi with follow-up actions, the TPI's inbox and its
questions to TPN, and the national view of those questions.

Thin shells: the id goes through ``access`` first (404 / 403), then one form and one service call;
a refusal is shown beside the form (or as a message for one-button actions) and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VersionConflict, form_after_conflict, version_field
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import apply_service_error, run_action, run_service
from apps.lke.models import Soal
from apps.pendampingan import asistensi as a_services
from apps.pendampingan import konsultasi as k_services
from apps.pendampingan import selectors, services
from apps.pendampingan.access import (
    access_agen,
    access_anggota,
    access_asistensi,
    access_deleted,
    access_isu,
    access_konsultasi,
    access_layanan,
    access_perubahan,
    access_risiko,
    access_tindak_lanjut,
    access_unit_year,
)
from apps.pendampingan.forms import (
    AgenForm,
    AnggotaForm,
    AsistensiForm,
    DoneForm,
    IsuForm,
    KonsultasiForm,
    LayananForm,
    PerubahanForm,
    ReplyForm,
    RisikoForm,
    SKForm,
    TindakLanjutForm,
    TpnQuestionForm,
)
from apps.pendampingan.models import (
    AgenPerubahan,
    AnggotaTim,
    IsuStrategis,
    KonsultasiStatus,
    LayananUtama,
    Perubahan,
    Pihak,
    Risiko,
    TindakLanjutStatus,
)
from apps.pendampingan.permissions import pokja_areas
from apps.rencana_aksi.models import Kegiatan
from apps.rencana_aksi.selectors import lke_template_for, penilaian_for, rencana_for
from apps.tenancy.decorators import capability_required, instansi_member_required, national_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from apps.unit_kerja.selectors import cycle_current, unit_kerja_visible

SAVED = _("Saved.")
DELETED = _("Deleted.")
DELETED_UNDOABLE = _("“%(name)s” was deleted.")
RESTORED = _("“%(name)s” was restored.")
SENT = _("Your message is sent.")
CLOSED = _("The thread is closed.")
DONE = _("The action is marked done.")


def _hub(unit: UnitKerja, cycle: Cycle, tab: str = "pendampingan:hub") -> HttpResponse:
    return redirect(tab, public_id=unit.public_id, tahun=cycle.tahun)


def _pegawai(unit: UnitKerja) -> dict[str, Any]:
    return {
        "pegawai_all": Pegawai.objects.filter(instansi_id=unit.instansi_id),
        "pegawai_unit": Pegawai.objects.filter(instansi_id=unit.instansi_id, unit=unit, is_active=True),
    }


def _base(actor: Membership, unit: UnitKerja, cycle: Cycle, tab: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "cycle": cycle,
        "tab": tab,
        "can_edit": actor.can(Cap.PENDAMPINGAN_EDIT),
        "is_tpi": actor.can(Cap.PENDAMPINGAN_TPI),
        "rencana": rencana_for(unit=unit, tahun=cycle.tahun),
        "penilaian": penilaian_for(unit=unit, cycle=cycle),
        "pokja_areas": sorted(pokja_areas(actor=actor, unit=unit, cycle=cycle)),
    }


# -----------------------------------------------------------------------------
# Index
# -----------------------------------------------------------------------------


@require_GET
@instansi_member_required
def index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycles = list(Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"))
    wanted = request.GET.get("tahun", "")
    cycle = next((c for c in cycles if str(c.tahun) == wanted), None) or cycle_current(instansi=actor.instansi_id)
    cycle = cycle or (cycles[0] if cycles else None)
    units = list(unit_kerja_visible(actor=actor).filter(is_active=True).order_by("path")[:500])
    if not actor.can(Cap.PENDAMPINGAN_VIEW):
        units = [u for u in units if cycle is not None and pokja_areas(actor=actor, unit=u, cycle=cycle)]
        if not units:
            raise PermissionDenied
    return render(request, "pendampingan/index.html", {"cycles": cycles, "cycle": cycle, "units": units})


# -----------------------------------------------------------------------------
# Diagnosis
# -----------------------------------------------------------------------------


@require_GET
@instansi_member_required
def hub(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    return _hub_page(request, actor, unit, cycle)


def _hub_page(
    request: HttpRequest,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    *,
    layanan_form: LayananForm | None = None,
    isu_form: IsuForm | None = None,
) -> HttpResponse:
    """The diagnosis hub; a refused add comes back with its form as typed and the errors beside
    the fields they name (status 400), never as a bare message above a cleared form."""
    diagnosis = selectors.diagnosis_for(unit=unit, cycle=cycle)
    risiko = selectors.risiko_of(diagnosis)
    isu = selectors.isu_of(diagnosis)
    context = _base(actor, unit, cycle, "diagnosis") | {
        "diagnosis": diagnosis,
        "layanan": selectors.layanan_of(diagnosis),
        "priorities": selectors.priorities(risiko=risiko, isu=isu),
        "layanan_form": layanan_form or LayananForm(prefix="layanan"),
        "isu_form": isu_form or IsuForm(prefix="isu"),
    }
    refused = any(f is not None and f.errors for f in (layanan_form, isu_form))
    return render(request, "pendampingan/hub.html", context, status=400 if refused else 200)


def _diagnosis(actor: Membership, unit: UnitKerja, cycle: Cycle) -> Any:
    return services.diagnosis_get_or_create(actor=actor, unit=unit, cycle=cycle)


@require_POST
@instansi_member_required
def layanan_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = LayananForm(request.POST, prefix="layanan")
    if not form.is_valid():
        return _hub_page(request, actor, unit, cycle, layanan_form=form)
    c = form.cleaned_data
    saved = run_service(
        form,
        lambda: services.layanan_add(
            actor=actor,
            diagnosis=_diagnosis(actor, unit, cycle),
            name=c.get("name", ""),
            volume=c.get("volume"),
            description=c.get("description", ""),
        ),
    )
    if saved is None:
        return _hub_page(request, actor, unit, cycle, layanan_form=form)
    messages.success(request, SAVED)
    return _hub(unit, cycle)


@require_POST
@instansi_member_required
def isu_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = IsuForm(request.POST, prefix="isu")
    if not form.is_valid():
        return _hub_page(request, actor, unit, cycle, isu_form=form)
    c = form.cleaned_data
    saved = run_service(
        form,
        lambda: services.isu_add(
            actor=actor,
            diagnosis=_diagnosis(actor, unit, cycle),
            title=c.get("title", ""),
            urgency=c.get("urgency"),
            impact=c.get("impact"),
            area=c.get("area"),
            description=c.get("description", ""),
        ),
    )
    if saved is None:
        return _hub_page(request, actor, unit, cycle, isu_form=form)
    messages.success(request, SAVED)
    return _hub(unit, cycle)


def _risiko_data(form: RisikoForm) -> services.RisikoData:
    c = form.cleaned_data
    return services.RisikoData(
        jenis=c["jenis"],
        title=c.get("title", ""),
        cause=c.get("cause", ""),
        likelihood=c.get("likelihood"),
        impact=c.get("impact"),
        owner=c.get("owner"),
        mitigation=c.get("mitigation", ""),
        area=c.get("area"),
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def risiko_create(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    if not actor.can(Cap.PENDAMPINGAN_EDIT):
        raise PermissionDenied
    form = RisikoForm(request.POST or None, **_pegawai(unit))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.risiko_save(
                actor=actor, diagnosis=_diagnosis(actor, unit, cycle), data=_risiko_data(form)
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle)
    return render(request, "pendampingan/risiko_form.html", {"form": form, "unit": unit, "cycle": cycle})


def _risiko_update_form(data: Any, unit: UnitKerja, **kwargs: Any) -> RisikoForm:
    """The risk form for a change: it also carries the version it was built from."""
    form = RisikoForm(data, **kwargs, **_pegawai(unit))
    form.fields["version"] = version_field()
    return form


@require_http_methods(["GET", "POST"])
@instansi_member_required
def risiko_update(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_risiko(actor, public_id)
    unit, cycle = risiko.diagnosis.unit, risiko.diagnosis.cycle
    initial = {
        "jenis": risiko.jenis,
        "title": risiko.title,
        "cause": risiko.cause,
        "likelihood": risiko.likelihood,
        "impact": risiko.impact,
        "owner": risiko.owner.public_id,
        "mitigation": risiko.mitigation,
        "area": risiko.area,
        "version": risiko.version,
    }
    form = _risiko_update_form(request.POST or None, unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = run_service(
                form,
                lambda: services.risiko_save(
                    actor=actor,
                    diagnosis=risiko.diagnosis,
                    data=_risiko_data(form),
                    risiko=risiko,
                    version=form.cleaned_data["version"],
                ),
                reraise=(VersionConflict,),
            )
        except VersionConflict:
            current = Risiko.objects.get(pk=risiko.pk).version
            form = form_after_conflict(lambda data: _risiko_update_form(data, unit), request, current)
            saved = None
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle)
    return render(
        request, "pendampingan/risiko_form.html", {"form": form, "unit": unit, "cycle": cycle, "risiko": risiko}
    )


def _delete(
    request: HttpRequest,
    obj: Any,
    call: Callable[[], Any],
    unit: UnitKerja,
    cycle: Cycle,
    tab: str,
    *,
    restore: str | None = None,
) -> Any:
    if run_action(request, lambda: call() or True):
        if restore is None:
            messages.success(request, DELETED)
        else:
            # The message carries its undo (templates/partials/messages.html renders the button).
            url = reverse(restore, kwargs={"public_id": obj.public_id})
            messages.success(request, DELETED_UNDOABLE % {"name": str(obj)}, extra_tags=f"zi-undo={url}")
    return _hub(unit, cycle, tab)


def _restore(
    request: HttpRequest, obj: Any, call: Callable[[], Any], tim: Any = None, tab: str = "pendampingan:hub"
) -> HttpResponse:
    """Restore, say so, and go back to the page the row was deleted from (the diagnosis hub, or the
    team page when ``tim`` is given)."""
    where = tim if tim is not None else obj.diagnosis
    if run_action(request, lambda: call() or True):
        messages.success(request, RESTORED % {"name": str(obj)})
    return _hub(where.unit, where.cycle, tab)


@require_POST
@instansi_member_required
def risiko_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_deleted(Risiko, actor, public_id)
    return _restore(request, risiko, lambda: services.risiko_restore(actor=actor, risiko=risiko))


@require_POST
@instansi_member_required
def layanan_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_deleted(LayananUtama, actor, public_id)
    return _restore(request, layanan, lambda: services.layanan_restore(actor=actor, layanan=layanan))


@require_POST
@instansi_member_required
def anggota_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    anggota = access_deleted(AnggotaTim, actor, public_id, "tim.unit")
    return _restore(
        request,
        anggota,
        lambda: services.anggota_restore(actor=actor, anggota=anggota),
        anggota.tim,
        "pendampingan:tim",
    )


@require_POST
@instansi_member_required
def agen_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_deleted(AgenPerubahan, actor, public_id, "tim.unit")
    return _restore(request, agen, lambda: services.agen_restore(actor=actor, agen=agen), agen.tim, "pendampingan:tim")


@require_POST
@instansi_member_required
def perubahan_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    perubahan = access_deleted(Perubahan, actor, public_id, "agen.tim.unit")
    return _restore(
        request,
        perubahan,
        lambda: services.perubahan_restore(actor=actor, perubahan=perubahan),
        perubahan.agen.tim,
        "pendampingan:tim",
    )


@require_POST
@instansi_member_required
def isu_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    isu = access_deleted(IsuStrategis, actor, public_id)
    return _restore(request, isu, lambda: services.isu_restore(actor=actor, isu=isu))


@require_POST
@instansi_member_required
def risiko_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_risiko(actor, public_id)
    d = risiko.diagnosis
    return _delete(
        request,
        risiko,
        lambda: services.risiko_delete(actor=actor, risiko=risiko),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:risiko-restore",
    )


@require_POST
@instansi_member_required
def layanan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_layanan(actor, public_id)
    d = layanan.diagnosis
    return _delete(
        request,
        layanan,
        lambda: services.layanan_delete(actor=actor, layanan=layanan),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:layanan-restore",
    )


@require_POST
@instansi_member_required
def isu_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    isu = access_isu(actor, public_id)
    d = isu.diagnosis
    return _delete(
        request,
        isu,
        lambda: services.isu_delete(actor=actor, isu=isu),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:isu-restore",
    )


# -----------------------------------------------------------------------------
# Tim kerja ZI
# -----------------------------------------------------------------------------


def _render_tim(
    request: HttpRequest, unit: UnitKerja, cycle: Cycle, forms: dict[str, Any] | None = None
) -> HttpResponse:
    actor = request_actor(request)
    tim = selectors.tim_for(unit=unit, cycle=cycle)
    pegawai = _pegawai(unit)
    context = _base(actor, unit, cycle, "tim") | {
        "tim": tim,
        "anggota": selectors.anggota_of(tim),
        "agen": selectors.agen_of(tim),
        "sk_form": SKForm(prefix="sk", initial={"sk_number": tim.sk_number, "sk_date": tim.sk_date} if tim else None),
        "anggota_form": AnggotaForm(prefix="anggota", **pegawai),
        "agen_form": AgenForm(prefix="agen", **pegawai),
        "perubahan_form": PerubahanForm(prefix="perubahan"),
    }
    context.update(forms or {})
    return render(request, "pendampingan/tim.html", context, status=400 if forms else 200)


@require_GET
@instansi_member_required
def tim(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    unit, cycle = access_unit_year(request_actor(request), public_id, tahun)
    return _render_tim(request, unit, cycle)


def _tim_obj(actor: Membership, unit: UnitKerja, cycle: Cycle) -> Any:
    return services.tim_kerja_get_or_create(actor=actor, unit=unit, cycle=cycle)


@require_POST
@instansi_member_required
def tim_sk(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = SKForm(request.POST, request.FILES, prefix="sk")
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.tim_kerja_sk_set(
                actor=actor,
                tim=_tim_obj(actor, unit, cycle),
                sk_number=c.get("sk_number", ""),
                sk_date=c.get("sk_date"),
                file=c.get("file"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"sk_form": form})


@require_POST
@instansi_member_required
def anggota_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AnggotaForm(request.POST, prefix="anggota", **_pegawai(unit))
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.anggota_add(
                actor=actor,
                tim=_tim_obj(actor, unit, cycle),
                pegawai=c.get("pegawai"),
                peran=c["peran"],
                area=c.get("area"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"anggota_form": form})


@require_POST
@instansi_member_required
def anggota_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    anggota = access_anggota(actor, public_id)
    t = anggota.tim
    return _delete(
        request,
        anggota,
        lambda: services.anggota_remove(actor=actor, anggota=anggota),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:anggota-restore",
    )


@require_POST
@instansi_member_required
def agen_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AgenForm(request.POST, prefix="agen", **_pegawai(unit))
    if form.is_valid():
        saved = run_service(
            form,
            lambda: services.agen_add(
                actor=actor, tim=_tim_obj(actor, unit, cycle), pegawai=form.cleaned_data.get("pegawai")
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"agen_form": form})


@require_POST
@instansi_member_required
def agen_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_agen(actor, public_id)
    t = agen.tim
    return _delete(
        request,
        agen,
        lambda: services.agen_remove(actor=actor, agen=agen),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:agen-restore",
    )


@require_POST
@instansi_member_required
def perubahan_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_agen(actor, public_id)
    t = agen.tim
    form = PerubahanForm(request.POST, prefix="perubahan")
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.perubahan_add(
                actor=actor,
                agen=agen,
                title=c.get("title", ""),
                date=c.get("date"),
                description=c.get("description", ""),
                integrated=bool(c.get("integrated")),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(t.unit, t.cycle, "pendampingan:tim")
    return _render_tim(request, t.unit, t.cycle, {"perubahan_form": form, "perubahan_agen": agen})


@require_POST
@instansi_member_required
def perubahan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    perubahan = access_perubahan(actor, public_id)
    t = perubahan.agen.tim
    return _delete(
        request,
        perubahan,
        lambda: services.perubahan_delete(actor=actor, perubahan=perubahan),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:perubahan-restore",
    )


# -----------------------------------------------------------------------------
# Consultation threads
# -----------------------------------------------------------------------------


@require_GET
@instansi_member_required
def konsultasi_list(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    context = _base(actor, unit, cycle, "konsultasi") | {
        "threads": list(selectors.konsultasi_for_unit(unit=unit, cycle=cycle)[:200]),
        "can_ask": k_services.unit_side_allowed(actor, unit, cycle),
    }
    return render(request, "pendampingan/konsultasi_list.html", context)


@require_http_methods(["GET", "POST"])
@instansi_member_required
def konsultasi_create(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    if not k_services.unit_side_allowed(actor, unit, cycle):
        raise PermissionDenied
    initial = {"soal": request.GET.get("soal") or None, "kegiatan": request.GET.get("kegiatan") or None}
    form = KonsultasiForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        soal = None
        if c.get("soal"):
            template = lke_template_for(cycle.tahun)
            soal = Soal.objects.filter(template=template, portalrb_soal_id=c["soal"]).first() if template else None
            if soal is None:
                form.add_error("soal", _("There is no such soal in the LKE of this year."))
        kegiatan = None
        if c.get("kegiatan"):
            kegiatan = Kegiatan.objects.filter(instansi_id=actor.instansi_id, public_id=c["kegiatan"]).first()
            if kegiatan is None:
                raise Http404
        if not form.errors:
            thread = run_service(
                form,
                lambda: k_services.konsultasi_start(
                    actor=actor,
                    unit=unit,
                    cycle=cycle,
                    subject=c.get("subject", ""),
                    body=c.get("body", ""),
                    soal=soal,
                    kegiatan=kegiatan,
                    files=c.get("files") or [],
                ),
            )
            if thread is not None:
                messages.success(request, SENT)
                return redirect("pendampingan:konsultasi-detail", public_id=thread.public_id)
    context = _base(actor, unit, cycle, "konsultasi") | {"form": form}
    return render(request, "pendampingan/konsultasi_form.html", context)


def _render_thread(request: HttpRequest, konsultasi: Any, form: ReplyForm | None = None) -> HttpResponse:
    actor = request_actor(request)
    side = k_services.side_of(actor, konsultasi)
    context = {
        "konsultasi": konsultasi,
        "pesan": list(k_services.messages_of(konsultasi)),
        "side": side,
        "can_reply": side is not None and konsultasi.status != KonsultasiStatus.CLOSED,
        "form": form or ReplyForm(),
        "unit": konsultasi.unit,
        "cycle": konsultasi.cycle,
    }
    return render(request, "pendampingan/konsultasi_detail.html", context, status=400 if form else 200)


@require_GET
@instansi_member_required
def konsultasi_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_thread(request, access_konsultasi(request_actor(request), public_id))


@require_POST
@instansi_member_required
def konsultasi_reply(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    konsultasi = access_konsultasi(actor, public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        c = form.cleaned_data
        sent = run_service(
            form,
            lambda: k_services.konsultasi_reply(
                actor=actor, konsultasi=konsultasi, body=c.get("body", ""), files=c.get("files") or []
            ),
        )
        if sent is not None:
            messages.success(request, SENT)
            return redirect("pendampingan:konsultasi-detail", public_id=konsultasi.public_id)
    return _render_thread(request, konsultasi, form)


@require_POST
@instansi_member_required
def konsultasi_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    konsultasi = access_konsultasi(actor, public_id)
    if run_action(request, lambda: k_services.konsultasi_close(actor=actor, konsultasi=konsultasi)):
        messages.success(request, CLOSED)
    return redirect("pendampingan:konsultasi-detail", public_id=konsultasi.public_id)


@require_GET
@capability_required(Cap.PENDAMPINGAN_TPI)
def tpi_inbox(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status") or None
    if status not in {None, *KonsultasiStatus.values}:
        status = None
    threads = list(selectors.konsultasi_for_tpi(actor=actor, status=status)[:300])
    return render(
        request,
        "pendampingan/tpi_inbox.html",
        {"threads": threads, "status": status, "statuses": KonsultasiStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PENDAMPINGAN_TPI)
def tpn_question_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = cycle_current(instansi=actor.instansi_id)
    form = TpnQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if cycle is None:
            form.add_error(None, _("No year has been opened yet."))
        else:
            thread = run_service(
                form,
                lambda: k_services.tpn_question_start(
                    actor=actor,
                    cycle=cycle,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data.get("body", ""),
                ),
            )
            if thread is not None:
                messages.success(request, SENT)
                return redirect("pendampingan:konsultasi-detail", public_id=thread.public_id)
    return render(request, "pendampingan/tpn_form.html", {"form": form})


# -----------------------------------------------------------------------------
# Asistensi
# -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@instansi_member_required
def asistensi_list(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AsistensiForm(request.POST or None, pegawai_unit=_pegawai(unit)["pegawai_unit"])
    if request.method == "POST":
        if not actor.can(Cap.PENDAMPINGAN_TPI):
            raise PermissionDenied
        if form.is_valid():
            c = form.cleaned_data
            saved = run_service(
                form,
                lambda: a_services.asistensi_create(
                    actor=actor,
                    unit=unit,
                    cycle=cycle,
                    date=c.get("date"),
                    topics=c.get("topics", ""),
                    notes=c.get("notes", ""),
                    attendees=list(c.get("attendees") or []),
                    other_attendees=c.get("other_attendees", ""),
                ),
            )
            if saved is not None:
                messages.success(request, SAVED)
                return redirect("pendampingan:asistensi-detail", public_id=saved.public_id)
    context = _base(actor, unit, cycle, "asistensi") | {
        "sessions": list(selectors.asistensi_for_unit(unit=unit, cycle=cycle)),
        "form": form,
    }
    return render(request, "pendampingan/asistensi_list.html", context, status=400 if form.errors else 200)


def _render_asistensi(request: HttpRequest, asistensi: Any, form: Any = None) -> HttpResponse:
    actor = request_actor(request)
    actions = selectors.tindak_lanjut_of(asistensi)
    context = {
        "asistensi": asistensi,
        "unit": asistensi.unit,
        "cycle": asistensi.cycle,
        "actions": [(a, a_services.can_mark_done(actor, a)) for a in actions],
        "attendees": list(asistensi.attendees.order_by("name")),
        "is_tpi": actor.can(Cap.PENDAMPINGAN_TPI),
        "form": form or TindakLanjutForm(**_pegawai(asistensi.unit)),
        "done_form": DoneForm(),
        "DONE": TindakLanjutStatus.DONE,
    }
    return render(request, "pendampingan/asistensi_detail.html", context, status=400 if form else 200)


@require_GET
@instansi_member_required
def asistensi_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_asistensi(request, access_asistensi(request_actor(request), public_id))


@require_POST
@instansi_member_required
def tindak_lanjut_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    asistensi = access_asistensi(actor, public_id)
    if not actor.can(Cap.PENDAMPINGAN_TPI):
        raise PermissionDenied
    form = TindakLanjutForm(request.POST, **_pegawai(asistensi.unit))
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: a_services.tindak_lanjut_add(
                actor=actor,
                asistensi=asistensi,
                description=c.get("description", ""),
                owner=c.get("owner"),
                due_date=c.get("due_date"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return redirect("pendampingan:asistensi-detail", public_id=asistensi.public_id)
    return _render_asistensi(request, asistensi, form)


@require_POST
@instansi_member_required
def tindak_lanjut_done(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    action = access_tindak_lanjut(actor, public_id)
    form = DoneForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if run_action(request, lambda: a_services.tindak_lanjut_done(actor=actor, action=action, note=note)):
        messages.success(request, DONE)
    return redirect("pendampingan:asistensi-detail", public_id=action.asistensi.public_id)


# -----------------------------------------------------------------------------
# National view: the TPI's questions to KemenPANRB / TPN (read across instansi, answer)
# -----------------------------------------------------------------------------


@require_GET
@national_required
def tpn_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in {None, *KonsultasiStatus.values}:
        status = None
    threads = list(selectors.national_tpn_questions(status=status)[:300])
    return render(
        request,
        "pendampingan/national_list.html",
        {"threads": threads, "status": status, "statuses": KonsultasiStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@national_required
def tpn_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    from apps.tenancy.scope import scope

    actor = request_actor(request)
    konsultasi = selectors.national_tpn_question(public_id)
    if konsultasi is None:
        raise Http404
    can_answer = actor.can(Cap.TPN_EVALUATE) and konsultasi.status != KonsultasiStatus.CLOSED
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not actor.can(Cap.TPN_EVALUATE):
            raise PermissionDenied
        if form.is_valid():
            with scope(konsultasi.instansi_id):
                try:
                    k_services.konsultasi_reply(actor=actor, konsultasi=konsultasi, body=form.cleaned_data["body"])
                except PermissionDeniedError as exc:
                    raise PermissionDenied from exc
                except (ValidationError, DomainError) as exc:
                    apply_service_error(form, exc)
                else:
                    messages.success(request, SENT)
                    return redirect(reverse("pendampingan:tpn-detail", kwargs={"public_id": konsultasi.public_id}))
    return render(
        request,
        "pendampingan/national_detail.html",
        {
            "konsultasi": konsultasi,
            "pesan": selectors.national_messages(konsultasi),
            "form": form,
            "can_answer": can_answer,
            "TPN": Pihak.TPN,
        },
        status=400 if form.errors else 200,
    )
