"""URLs of the unit worksheet (self-assessment), mounted under /penilaian/."""

from django.urls import URLPattern, path

from apps.penilaian import worksheet_views as views

urlpatterns: list[URLPattern] = [
    path("", views.penilaian_list, name="penilaian-list"),
    path("tahun/<uuid:public_id>/buka/", views.penilaian_open, name="penilaian-open"),
    path("<uuid:public_id>/", views.penilaian_detail, name="penilaian-detail"),
    path("<uuid:public_id>/kirim/", views.penilaian_submit, name="penilaian-submit"),
    path("<uuid:public_id>/pembagian-area/", views.area_assign, name="area-assign"),
    path(
        "<uuid:public_id>/pembagian-area/<uuid:assignment_id>/hapus/",
        views.area_unassign,
        name="area-unassign",
    ),
    path("<uuid:public_id>/lke/pratinjau/", views.worksheet_preview, name="worksheet-preview"),
    # Without a section: the first part with items to fix, else the first part (notification links).
    path("<uuid:public_id>/lke/", views.worksheet_start, name="worksheet"),
    path("<uuid:public_id>/lke/<slug:section>/", views.worksheet_section, name="worksheet"),
    path("<uuid:public_id>/soal/<int:soal_id>/", views.jawaban_save, name="jawaban-save"),
    path("<uuid:public_id>/soal/<int:soal_id>/bukti/unggah/", views.evidence_upload, name="evidence-upload"),
    path("<uuid:public_id>/soal/<int:soal_id>/bukti/pilih/", views.evidence_attach, name="evidence-attach"),
    path(
        "<uuid:public_id>/soal/<int:soal_id>/bukti/<uuid:bukti_id>/lepas/",
        views.evidence_detach,
        name="evidence-detach",
    ),
    path("<uuid:public_id>/excel/", views.workbook_export, name="workbook-export"),
    path("<uuid:public_id>/excel/impor/", views.workbook_import, name="workbook-import"),
]
