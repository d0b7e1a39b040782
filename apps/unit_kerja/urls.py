from django.urls import path

from apps.unit_kerja.views import cycles, imports, penetapan, roster, units

app_name = "unit_kerja"

urlpatterns = [
    # Unit kerja register
    path("", units.unit_list, name="unit-list"),
    path("baru/", units.unit_create, name="unit-create"),
    path("impor/", imports.unit_import, name="unit-import"),
    path("<uuid:public_id>/", units.unit_detail, name="unit-detail"),
    path("<uuid:public_id>/ubah/", units.unit_update, name="unit-update"),
    path("<uuid:public_id>/kepala/", units.unit_set_head, name="unit-head"),
    # Pegawai roster
    path("pegawai/", roster.pegawai_list, name="pegawai-list"),
    path("pegawai/baru/", roster.pegawai_create, name="pegawai-create"),
    path("pegawai/impor/", imports.pegawai_import, name="pegawai-import"),
    path("impor/<uuid:public_id>/", imports.import_job_detail, name="import-job"),
    path("impor/<uuid:public_id>/status/", imports.import_job_status, name="import-job-status"),
    path("pegawai/<uuid:public_id>/ubah/", roster.pegawai_update, name="pegawai-update"),
    path("pegawai/<uuid:public_id>/pindah/", roster.pegawai_transfer, name="pegawai-transfer"),
    path("pegawai/<uuid:public_id>/nonaktifkan/", roster.pegawai_deactivate, name="pegawai-deactivate"),
    path("pegawai/<uuid:public_id>/akun/", roster.pegawai_account, name="pegawai-account"),
    path("pegawai/<uuid:public_id>/akun/lepas/", roster.pegawai_account_unlink, name="pegawai-account-unlink"),
    # Years (cycle) with their windows
    path("tahun/", cycles.cycle_list, name="cycle-list"),
    path("tahun/buka/", cycles.cycle_create, name="cycle-create"),
    path("tahun/<uuid:public_id>/ubah/", cycles.cycle_update, name="cycle-update"),
    # Penetapan
    path("penetapan/", penetapan.penetapan_list, name="penetapan-list"),
    path("penetapan/baru/", penetapan.penetapan_create, name="penetapan-create"),
    path("penetapan/<uuid:public_id>/", penetapan.penetapan_detail, name="penetapan-detail"),
    path("penetapan/<uuid:public_id>/ubah/", penetapan.penetapan_update, name="penetapan-update"),
    path("penetapan/<uuid:public_id>/tetapkan/", penetapan.penetapan_designate, name="penetapan-designate"),
]
