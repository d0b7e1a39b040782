"""/pemantauan/ — monitoring after the predikat (issue 17)."""

from django.urls import path

from apps.pemantauan import views

app_name = "pemantauan"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("evaluasi/", views.evaluate, name="evaluate"),
    path("unit/<uuid:public_id>/pengaduan/", views.pengaduan_record, name="pengaduan-record"),
    path("unit/<uuid:public_id>/usulan-pencabutan/", views.usulan_create, name="usulan-create"),
    path("nasional/", views.national_list, name="national-list"),
    path("nasional/<uuid:public_id>/", views.national_detail, name="national-detail"),
]
