from django.urls import path

from apps.rencana_aksi.views import heatmap, imports, kegiatan, plans, realisasi

app_name = "rencana_aksi"

urlpatterns = [
    path("", plans.rencana_list, name="rencana-list"),
    path("baru/", plans.rencana_create, name="rencana-create"),
    path("frekuensi/", plans.frequency_set, name="frequency-set"),
    path("peta/", heatmap.heatmap, name="heatmap"),
    path("peta/ekspor.xlsx", heatmap.heatmap_export, name="heatmap-export"),
    path("templat-impor.xlsx", imports.import_template, name="import-template"),
    path("impor/<uuid:public_id>/", imports.kegiatan_import_job, name="kegiatan-import-job"),
    path("impor/<uuid:public_id>/status/", imports.kegiatan_import_job_status, name="kegiatan-import-job-status"),
    path("<uuid:public_id>/", plans.rencana_detail, name="rencana-detail"),
    path("<uuid:public_id>/ajukan/", plans.rencana_submit, name="rencana-submit"),
    path("<uuid:public_id>/setujui/", plans.rencana_approve, name="rencana-approve"),
    path("<uuid:public_id>/kembalikan/", plans.rencana_return, name="rencana-return"),
    path("<uuid:public_id>/ketua-tim/", plans.rencana_lead, name="rencana-lead"),
    path("<uuid:public_id>/laporan/", plans.rencana_report, name="rencana-report"),
    path("<uuid:public_id>/kegiatan/baru/", kegiatan.kegiatan_create, name="kegiatan-create"),
    path("<uuid:public_id>/impor/", imports.kegiatan_import, name="kegiatan-import"),
    path("kegiatan/<uuid:public_id>/", kegiatan.kegiatan_detail, name="kegiatan-detail"),
    path("kegiatan/<uuid:public_id>/ubah/", kegiatan.kegiatan_update, name="kegiatan-update"),
    path("kegiatan/<uuid:public_id>/hapus/", kegiatan.kegiatan_delete, name="kegiatan-delete"),
    path("kegiatan/<uuid:public_id>/pulihkan/", kegiatan.kegiatan_restore, name="kegiatan-restore"),
    path("kegiatan/<uuid:public_id>/realisasi/", realisasi.realisasi_edit, name="realisasi-edit"),
    path("kegiatan/<uuid:public_id>/ke-lke/", kegiatan.kegiatan_evidence_lke, name="kegiatan-evidence-lke"),
    path("realisasi/<uuid:public_id>/", realisasi.realisasi_detail, name="realisasi-detail"),
    path("realisasi/<uuid:public_id>/ajukan/", realisasi.realisasi_submit, name="realisasi-submit"),
    path("realisasi/<uuid:public_id>/verifikasi/", realisasi.realisasi_verify, name="realisasi-verify"),
    path("realisasi/<uuid:public_id>/kembalikan/", realisasi.realisasi_return, name="realisasi-return"),
]
