"""URLs of the penilaian app, mounted under /penilaian/: the unit's worksheet (self-assessment), and
the TPI review and its set-up (``apps.penilaian.views.worksheet`` and ``.review``)."""

from django.urls import URLPattern, path

from apps.penilaian.views import review, worksheet

app_name = "penilaian"

worksheet_urlpatterns: list[URLPattern] = [
    path("", worksheet.penilaian_list, name="penilaian-list"),
    path("tahun/<uuid:public_id>/buka/", worksheet.penilaian_open, name="penilaian-open"),
    path("<uuid:public_id>/", worksheet.penilaian_detail, name="penilaian-detail"),
    path("<uuid:public_id>/kirim/", worksheet.penilaian_submit, name="penilaian-submit"),
    path("<uuid:public_id>/pembagian-area/", worksheet.area_assign, name="area-assign"),
    path(
        "<uuid:public_id>/pembagian-area/<uuid:assignment_id>/hapus/",
        worksheet.area_unassign,
        name="area-unassign",
    ),
    path("<uuid:public_id>/lke/pratinjau/", worksheet.worksheet_preview, name="worksheet-preview"),
    # Without a section: the first part with items to fix, else the first part (notification links).
    path("<uuid:public_id>/lke/", worksheet.worksheet_start, name="worksheet"),
    path("<uuid:public_id>/lke/<slug:section>/", worksheet.worksheet_section, name="worksheet"),
    path("<uuid:public_id>/soal/<int:soal_id>/", worksheet.jawaban_save, name="jawaban-save"),
    path("<uuid:public_id>/soal/<int:soal_id>/bukti/unggah/", worksheet.evidence_upload, name="evidence-upload"),
    path("<uuid:public_id>/soal/<int:soal_id>/bukti/pilih/", worksheet.evidence_attach, name="evidence-attach"),
    path(
        "<uuid:public_id>/soal/<int:soal_id>/bukti/<uuid:bukti_id>/lepas/",
        worksheet.evidence_detach,
        name="evidence-detach",
    ),
    path("<uuid:public_id>/excel/", worksheet.workbook_export, name="workbook-export"),
    path("<uuid:public_id>/excel/impor/", worksheet.workbook_import, name="workbook-import"),
]

review_urlpatterns: list[URLPattern] = [
    # Set-up by the admin ZI.
    path("tpi/tingkat/", review.tpi_tiers, name="tpi-tiers"),
    path("tpi/penugasan/", review.tpi_assignments, name="tpi-assignments"),
    path("tpi/penugasan/<uuid:public_id>/hapus/", review.tpi_assignment_delete, name="tpi-assignment-delete"),
    # The reviewer's queue.
    path("telaah/", review.review_list, name="review-list"),
    path("telaah/pengembalian/<uuid:public_id>/terima/", review.review_accept, name="review-accept"),
    # One penilaian under review. The summary and the fixed-name actions come before the section
    # pattern, whose ``<slug:section>`` would otherwise take their names.
    path("<uuid:public_id>/telaah/", review.review_summary, name="review-summary"),
    path("<uuid:public_id>/telaah/kirim-kembali/", review.review_send_back, name="review-send-back"),
    path("<uuid:public_id>/telaah/selesai/", review.review_complete, name="review-complete"),
    path(
        "<uuid:public_id>/telaah/kembalikan-kosong/",
        review.review_return_unanswered,
        name="review-return-unanswered",
    ),
    path("<uuid:public_id>/telaah/salin/", review.review_copy, name="review-copy"),
    path("<uuid:public_id>/telaah/rekomendasi/", review.review_recommend, name="review-recommend"),
    path("<uuid:public_id>/telaah/soal/<int:soal_id>/", review.review_save, name="review-save"),
    path("<uuid:public_id>/telaah/soal/<int:soal_id>/kembalikan/", review.review_return, name="review-return"),
    path("<uuid:public_id>/telaah/<slug:section>/", review.review_section, name="review"),
]

urlpatterns = [*worksheet_urlpatterns, *review_urlpatterns]
