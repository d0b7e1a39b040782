from django.urls import path

from apps.pendampingan import views

app_name = "pendampingan"

U = "unit/<uuid:public_id>/<int:tahun>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("tpi/", views.tpi_inbox, name="tpi-inbox"),
    path("tpi/tanya-tpn/", views.tpn_question_create, name="tpn-question-create"),
    path("nasional/", views.tpn_list, name="tpn-list"),
    path("nasional/<uuid:public_id>/", views.tpn_detail, name="tpn-detail"),
    path(U, views.hub, name="hub"),
    path(U + "layanan/", views.layanan_add, name="layanan-add"),
    path(U + "isu/", views.isu_add, name="isu-add"),
    path(U + "risiko/", views.risiko_create, name="risiko-create"),
    path(U + "tim/", views.tim, name="tim"),
    path(U + "tim/sk/", views.tim_sk, name="tim-sk"),
    path(U + "tim/anggota/", views.anggota_add, name="anggota-add"),
    path(U + "tim/agen/", views.agen_add, name="agen-add"),
    path(U + "konsultasi/", views.konsultasi_list, name="konsultasi-list"),
    path(U + "konsultasi/baru/", views.konsultasi_create, name="konsultasi-create"),
    path(U + "asistensi/", views.asistensi_list, name="asistensi-list"),
    path("risiko/<uuid:public_id>/", views.risiko_update, name="risiko-update"),
    path("risiko/<uuid:public_id>/hapus/", views.risiko_delete, name="risiko-delete"),
    path("layanan/<uuid:public_id>/hapus/", views.layanan_delete, name="layanan-delete"),
    path("isu/<uuid:public_id>/hapus/", views.isu_delete, name="isu-delete"),
    path("risiko/<uuid:public_id>/pulihkan/", views.risiko_restore, name="risiko-restore"),
    path("isu/<uuid:public_id>/pulihkan/", views.isu_restore, name="isu-restore"),
    path("anggota/<uuid:public_id>/pulihkan/", views.anggota_restore, name="anggota-restore"),
    path("agen/<uuid:public_id>/pulihkan/", views.agen_restore, name="agen-restore"),
    path("perubahan/<uuid:public_id>/pulihkan/", views.perubahan_restore, name="perubahan-restore"),
    path("layanan/<uuid:public_id>/pulihkan/", views.layanan_restore, name="layanan-restore"),
    path("anggota/<uuid:public_id>/hapus/", views.anggota_remove, name="anggota-remove"),
    path("agen/<uuid:public_id>/hapus/", views.agen_remove, name="agen-remove"),
    path("agen/<uuid:public_id>/perubahan/", views.perubahan_add, name="perubahan-add"),
    path("perubahan/<uuid:public_id>/hapus/", views.perubahan_delete, name="perubahan-delete"),
    path("konsultasi/<uuid:public_id>/", views.konsultasi_detail, name="konsultasi-detail"),
    path("konsultasi/<uuid:public_id>/balas/", views.konsultasi_reply, name="konsultasi-reply"),
    path("konsultasi/<uuid:public_id>/tutup/", views.konsultasi_close, name="konsultasi-close"),
    path("asistensi/<uuid:public_id>/", views.asistensi_detail, name="asistensi-detail"),
    path("asistensi/<uuid:public_id>/tindak-lanjut/", views.tindak_lanjut_add, name="tindak-lanjut-add"),
    path("tindak-lanjut/<uuid:public_id>/selesai/", views.tindak_lanjut_done, name="tindak-lanjut-done"),
]
