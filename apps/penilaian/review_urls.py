"""URLs of the TPI review and its set-up (merged into ``apps/penilaian/urls.py``, app_name "penilaian")."""

from django.urls import URLPattern, path

from apps.penilaian import review_views as views

urlpatterns: list[URLPattern] = [
    # Set-up by the admin ZI.
    path("tpi/tingkat/", views.tpi_tiers, name="tpi-tiers"),
    path("tpi/penugasan/", views.tpi_assignments, name="tpi-assignments"),
    path("tpi/penugasan/<uuid:public_id>/hapus/", views.tpi_assignment_delete, name="tpi-assignment-delete"),
    # The reviewer's queue.
    path("telaah/", views.review_list, name="review-list"),
    path("telaah/pengembalian/<uuid:public_id>/terima/", views.review_accept, name="review-accept"),
    # One penilaian under review. The summary and the fixed-name actions come before the section
    # pattern, whose ``<slug:section>`` would otherwise take their names.
    path("<uuid:public_id>/telaah/", views.review_summary, name="review-summary"),
    path("<uuid:public_id>/telaah/kirim-kembali/", views.review_send_back, name="review-send-back"),
    path("<uuid:public_id>/telaah/selesai/", views.review_complete, name="review-complete"),
    path(
        "<uuid:public_id>/telaah/kembalikan-kosong/",
        views.review_return_unanswered,
        name="review-return-unanswered",
    ),
    path("<uuid:public_id>/telaah/salin/", views.review_copy, name="review-copy"),
    path("<uuid:public_id>/telaah/rekomendasi/", views.review_recommend, name="review-recommend"),
    path("<uuid:public_id>/telaah/soal/<int:soal_id>/", views.review_save, name="review-save"),
    path("<uuid:public_id>/telaah/soal/<int:soal_id>/kembalikan/", views.review_return, name="review-return"),
    path("<uuid:public_id>/telaah/<slug:section>/", views.review_section, name="review"),
]
