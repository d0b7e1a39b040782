"""/api/portalrb/ — the base URL an instansi registers in PortalRB."""

from django.urls import path

from apps.portalrb import views

app_name = "portalrb_api"

urlpatterns = [
    path("pengusulan/unit-wbk", views.UnitWBKView.as_view(), name="unit-wbk"),
    path("pengusulan/unit-wbbm", views.UnitWBBMView.as_view(), name="unit-wbbm"),
    path("lke/jawaban-unit/<str:unit_id>", views.JawabanUnitView.as_view(), name="jawaban-unit"),
]
