from django.urls import path

from apps.rencana_aksi import views

app_name = "rencana_aksi"

urlpatterns = [
    path("", views.rencana_list, name="rencana-list"),
    path("baru/", views.rencana_create, name="rencana-create"),
    path("frekuensi/", views.frequency_set, name="frequency-set"),
    path("peta/", views.heatmap, name="heatmap"),
    path("peta/ekspor.xlsx", views.heatmap_export, name="heatmap-export"),
    path("templat-impor.xlsx", views.import_template, name="import-template"),
    path("impor/<uuid:public_id>/", views.kegiatan_import_job, name="kegiatan-import-job"),
    path("impor/<uuid:public_id>/status/", views.kegiatan_import_job_status, name="kegiatan-import-job-status"),
    path("<uuid:public_id>/", views.rencana_detail, name="rencana-detail"),
    path("<uuid:public_id>/ajukan/", views.rencana_submit, name="rencana-submit"),
    path("<uuid:public_id>/setujui/", views.rencana_approve, name="rencana-approve"),
    path("<uuid:public_id>/kembalikan/", views.rencana_return, name="rencana-return"),
    path("<uuid:public_id>/ketua-tim/", views.rencana_lead, name="rencana-lead"),
    path("<uuid:public_id>/laporan/", views.rencana_report, name="rencana-report"),
    path("<uuid:public_id>/kegiatan/baru/", views.kegiatan_create, name="kegiatan-create"),
    path("<uuid:public_id>/impor/", views.kegiatan_import, name="kegiatan-import"),
    path("kegiatan/<uuid:public_id>/", views.kegiatan_detail, name="kegiatan-detail"),
    path("kegiatan/<uuid:public_id>/ubah/", views.kegiatan_update, name="kegiatan-update"),
    path("kegiatan/<uuid:public_id>/hapus/", views.kegiatan_delete, name="kegiatan-delete"),
    path("kegiatan/<uuid:public_id>/pulihkan/", views.kegiatan_restore, name="kegiatan-restore"),
    path("kegiatan/<uuid:public_id>/realisasi/", views.realisasi_edit, name="realisasi-edit"),
    path("kegiatan/<uuid:public_id>/ke-lke/", views.kegiatan_evidence_lke, name="kegiatan-evidence-lke"),
    path("realisasi/<uuid:public_id>/", views.realisasi_detail, name="realisasi-detail"),
    path("realisasi/<uuid:public_id>/ajukan/", views.realisasi_submit, name="realisasi-submit"),
    path("realisasi/<uuid:public_id>/verifikasi/", views.realisasi_verify, name="realisasi-verify"),
    path("realisasi/<uuid:public_id>/kembalikan/", views.realisasi_return, name="realisasi-return"),
]
