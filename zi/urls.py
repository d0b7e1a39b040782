"""URL map: HTML pages per app, allauth under /akun/, the APIs under /api/."""

from django.contrib import admin
from django.urls import include, path

from apps.accounts.admin_login import admin_login
from apps.accounts.views import set_language

# The platform admin signs in through allauth (lockout, MFA): see apps/accounts/admin_login.py.
admin.site.login = admin_login  # type: ignore[method-assign]  # the documented way to swap the admin login

urlpatterns = [
    # The machine clients first: the resolver tries patterns in order and descends every "" include,
    # and PortalRB's pulls are the most frequent requests (issue 22).
    path("api/portalrb/", include("apps.portalrb.urls")),
    path("api/v1/", include("apps.tpn.api_urls")),
    path("", include("apps.core.urls")),
    path("akun/", include("allauth.urls")),
    path("akun/", include("apps.accounts.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("audit/", include("apps.audit.urls")),
    path("unit-kerja/", include("apps.unit_kerja.urls")),
    path("bukti-dukung/", include("apps.bukti_dukung.urls")),
    path("notifikasi/", include("apps.notifications.urls")),
    path("laporan/", include("apps.reports.urls")),
    path("lke/", include("apps.lke.urls")),
    path("penilaian/", include("apps.penilaian.urls")),
    path("pengusulan/", include("apps.pengusulan.urls")),
    path("portalrb/", include("apps.portalrb.web_urls")),
    path("nasional/", include("apps.nasional.urls")),
    path("pendampingan/", include("apps.pendampingan.urls")),
    path("pencanangan/", include("apps.pencanangan.urls")),
    path("pakta/", include("apps.pencanangan.public_urls")),
    path("survei/", include("apps.survei.urls")),
    path("s/", include("apps.survei.public_urls")),
    path("rencana-aksi/", include("apps.rencana_aksi.urls")),
    path("pemantauan/", include("apps.pemantauan.urls")),
    path("aduan/", include("apps.pemantauan.public_urls")),
    path("tpn/", include("apps.tpn.urls")),
    path("api/", include("apps.api.urls")),
    path("admin-platform/", admin.site.urls),
]

handler400 = "apps.core.views.bad_request"
handler404 = "apps.core.views.page_not_found"
handler403 = "apps.core.views.permission_denied"
handler500 = "apps.core.views.server_error"
