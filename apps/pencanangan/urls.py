from django.urls import path

from apps.pencanangan import views

app_name = "pencanangan"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("pakta-saya/", views.my_pakta, name="my-pakta"),
    path("teks/", views.pakta_text, name="text"),
    path("unit/<uuid:public_id>/", views.unit_detail, name="unit-detail"),
    path("unit/<uuid:public_id>/ubah/", views.pencanangan_edit, name="pencanangan-edit"),
    path("unit/<uuid:public_id>/komitmen/", views.komitmen_sign, name="komitmen-sign"),
    path("unit/<uuid:public_id>/canangkan/", views.pencanangan_declare, name="declare"),
    path("unit/<uuid:public_id>/pengingat/", views.reminder_round, name="reminder-round"),
    path("unit/<uuid:public_id>/pindaian/", views.scan_upload, name="scan-upload"),
    path("unit/<uuid:public_id>/ekspor.xlsx", views.unit_export, name="unit-export"),
    path("unit/<uuid:public_id>/rekap/", views.unit_rekap, name="unit-rekap"),
    path("pegawai/<uuid:public_id>/tautan/", views.pegawai_link, name="pegawai-link"),
    path("pakta/<uuid:public_id>/", views.pakta_detail, name="pakta-detail"),
    path("pakta/<uuid:public_id>/pdf/", views.pakta_download, name="pakta-pdf"),
    path("pakta/<uuid:public_id>/cabut/", views.pakta_revoke, name="pakta-revoke"),
]
