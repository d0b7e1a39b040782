"""Pages of the LKE instrument: the imported template versions and one version's tree.

The instrument is global reference data (no tenant rows), readable by any member of an instansi.
A version is addressed by ``<tahun>/v<version>/``, not by a database id.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.lke.excel.layout import SumView, template_tree, workbook_layout
from apps.lke.models import LKETemplate
from apps.lke.scoring import weight_checks
from apps.lke.selectors import template_spec
from apps.tenancy.decorators import instansi_member_required


@require_GET
@instansi_member_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = LKETemplate.objects.order_by("-tahun", "-version")
    return render(request, "lke/template_list.html", {"templates": templates})


@require_GET
@instansi_member_required
def template_detail(request: HttpRequest, tahun: int, version: int) -> HttpResponse:
    template = get_object_or_404(LKETemplate, tahun=tahun, version=version)
    spec = template_spec(template.pk)
    checks = weight_checks(spec)
    context = {
        "template": template,
        "rows": template_tree(spec, workbook_layout(template.pk)),
        "total_check": SumView.of(checks[0]),
        "all_ok": all(check.ok for check in checks),
    }
    return render(request, "lke/template_detail.html", context)
