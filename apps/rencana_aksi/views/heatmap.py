"""The instansi-wide heatmap of the rencana aksi (keyset pages) and its XLSX export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.audit.services import audit_download
from apps.core.forms import NO_YEAR
from apps.lke.models import Area
from apps.rencana_aksi import exports, selectors
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.decorators import capability_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja
from zi.db.replica import replica_reads

# -----------------------------------------------------------------------------
# Instansi-wide heatmap and export
# -----------------------------------------------------------------------------


@require_GET
@capability_required(Cap.RENCANA_AKSI_MONITOR)
@replica_reads
def heatmap(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return render(request, "rencana_aksi/no_year.html", {"message": NO_YEAR})
    # Keyset pages in tree order (?setelah= / ?sebelum= a unit): the largest instansi's page costs
    # what a small one's does; the XLSX export still carries every unit.
    after = _heatmap_anchor(actor, request.GET.get("setelah"))
    before = None if after is not None else _heatmap_anchor(actor, request.GET.get("sebelum"))
    page = selectors.heatmap_page(
        instansi=actor.instansi_id, cycle=cycle, after=after, before=before, size=selectors.HEATMAP_PAGE
    )
    # The links and cell classes are built here once per row (one reverse, plain string joins):
    # the template's per-cell {% url %} and {% widthratio %} made the largest instansi's page slow.
    for row in page.rows:
        link = (
            reverse("rencana_aksi:rencana-detail", kwargs={"public_id": row.rencana.public_id}) if row.rencana else ""
        )
        row.link = link  # type: ignore[attr-defined]
        row.tds = [  # type: ignore[attr-defined]
            (
                cell,
                "ra-heat-none" if cell is None else f"ra-heat-{round(cell / 25)}",
                f"{link}?area={area}" if link else "",
            )
            for area, cell in enumerate(row.cells, start=1)
        ]
    return render(
        request,
        "rencana_aksi/heatmap.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"),
            "rows": page.rows,
            "page": page,
            "areas": Area.choices,
        },
    )


def _heatmap_anchor(actor: Membership, raw: str | None) -> UnitKerja | None:
    """The unit a heatmap page starts after (or ends before); a malformed or foreign id is 404."""
    if not raw:
        return None
    return get_in_scope_or_404(UnitKerja, actor, raw)


@require_GET
@capability_required(Cap.RENCANA_AKSI_MONITOR)
@replica_reads
def heatmap_export(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return redirect("rencana_aksi:heatmap")
    content = exports.heatmap_xlsx(rows=selectors.heatmap(instansi=actor.instansi_id, cycle=cycle), cycle=cycle)
    audit_download(actor=actor, verb="rencana_aksi.heatmap_export", obj=cycle)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rencana-aksi-{cycle.tahun}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
