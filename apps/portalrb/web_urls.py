"""/portalrb/ — the admin ZI's PortalRB page, and the signed evidence pages for evaluators."""

from django.urls import path

from apps.portalrb import web_views

app_name = "portalrb"

urlpatterns = [
    path("", web_views.overview, name="overview"),
    path("token/", web_views.token_issue, name="token-issue"),
    path("token/cabut/", web_views.token_revoke, name="token-revoke"),
    path("pratinjau/<uuid:unit_public_id>/", web_views.unit_preview, name="unit-preview"),
    path("log/", web_views.fetch_list, name="fetch-list"),
    path("bukti/<str:token>/", web_views.bukti, name="bukti"),
    path("bukti/<str:token>/<uuid:bukti_id>/", web_views.bukti_file, name="bukti-file"),
]
