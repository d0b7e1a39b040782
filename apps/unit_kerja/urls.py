from django.urls import path

from apps.unit_kerja import views

app_name = "unit_kerja"

urlpatterns = [
    # Unit kerja register
    path("", views.unit_list, name="unit-list"),
    path("baru/", views.unit_create, name="unit-create"),
    path("impor/", views.unit_import, name="unit-import"),
    path("<uuid:public_id>/", views.unit_detail, name="unit-detail"),
    path("<uuid:public_id>/ubah/", views.unit_update, name="unit-update"),
    path("<uuid:public_id>/kepala/", views.unit_set_head, name="unit-head"),
    # Pegawai roster
    path("pegawai/", views.pegawai_list, name="pegawai-list"),
    path("pegawai/baru/", views.pegawai_create, name="pegawai-create"),
    path("pegawai/impor/", views.pegawai_import, name="pegawai-import"),
    path("impor/<uuid:public_id>/", views.import_job_detail, name="import-job"),
    path("impor/<uuid:public_id>/status/", views.import_job_status, name="import-job-status"),
    path("pegawai/<uuid:public_id>/ubah/", views.pegawai_update, name="pegawai-update"),
    path("pegawai/<uuid:public_id>/pindah/", views.pegawai_transfer, name="pegawai-transfer"),
    path("pegawai/<uuid:public_id>/nonaktifkan/", views.pegawai_deactivate, name="pegawai-deactivate"),
    path("pegawai/<uuid:public_id>/akun/", views.pegawai_account, name="pegawai-account"),
    path("pegawai/<uuid:public_id>/akun/lepas/", views.pegawai_account_unlink, name="pegawai-account-unlink"),
    # Years (cycle) with their windows
    path("tahun/", views.cycle_list, name="cycle-list"),
    path("tahun/buka/", views.cycle_create, name="cycle-create"),
    path("tahun/<uuid:public_id>/ubah/", views.cycle_update, name="cycle-update"),
    # Penetapan
    path("penetapan/", views.penetapan_list, name="penetapan-list"),
    path("penetapan/baru/", views.penetapan_create, name="penetapan-create"),
    path("penetapan/<uuid:public_id>/", views.penetapan_detail, name="penetapan-detail"),
    path("penetapan/<uuid:public_id>/ubah/", views.penetapan_update, name="penetapan-update"),
    path("penetapan/<uuid:public_id>/tetapkan/", views.penetapan_designate, name="penetapan-designate"),
]
