from django.urls import path

from apps.pendampingan.views import asistensi, diagnosis, index, konsultasi, timkerja

app_name = "pendampingan"

U = "unit/<uuid:public_id>/<int:tahun>/"

urlpatterns = [
    path("", index.index, name="index"),
    path("tpi/", konsultasi.tpi_inbox, name="tpi-inbox"),
    path("tpi/tanya-tpn/", konsultasi.tpn_question_create, name="tpn-question-create"),
    path("nasional/", konsultasi.tpn_list, name="tpn-list"),
    path("nasional/<uuid:public_id>/", konsultasi.tpn_detail, name="tpn-detail"),
    path(U, diagnosis.hub, name="hub"),
    path(U + "layanan/", diagnosis.layanan_add, name="layanan-add"),
    path(U + "isu/", diagnosis.isu_add, name="isu-add"),
    path(U + "risiko/", diagnosis.risiko_create, name="risiko-create"),
    path(U + "tim/", timkerja.tim, name="tim"),
    path(U + "tim/sk/", timkerja.tim_sk, name="tim-sk"),
    path(U + "tim/anggota/", timkerja.anggota_add, name="anggota-add"),
    path(U + "tim/agen/", timkerja.agen_add, name="agen-add"),
    path(U + "konsultasi/", konsultasi.konsultasi_list, name="konsultasi-list"),
    path(U + "konsultasi/baru/", konsultasi.konsultasi_create, name="konsultasi-create"),
    path(U + "asistensi/", asistensi.asistensi_list, name="asistensi-list"),
    path("risiko/<uuid:public_id>/", diagnosis.risiko_update, name="risiko-update"),
    path("risiko/<uuid:public_id>/hapus/", diagnosis.risiko_delete, name="risiko-delete"),
    path("layanan/<uuid:public_id>/hapus/", diagnosis.layanan_delete, name="layanan-delete"),
    path("isu/<uuid:public_id>/hapus/", diagnosis.isu_delete, name="isu-delete"),
    path("risiko/<uuid:public_id>/pulihkan/", diagnosis.risiko_restore, name="risiko-restore"),
    path("isu/<uuid:public_id>/pulihkan/", diagnosis.isu_restore, name="isu-restore"),
    path("anggota/<uuid:public_id>/pulihkan/", timkerja.anggota_restore, name="anggota-restore"),
    path("agen/<uuid:public_id>/pulihkan/", timkerja.agen_restore, name="agen-restore"),
    path("perubahan/<uuid:public_id>/pulihkan/", timkerja.perubahan_restore, name="perubahan-restore"),
    path("layanan/<uuid:public_id>/pulihkan/", diagnosis.layanan_restore, name="layanan-restore"),
    path("anggota/<uuid:public_id>/hapus/", timkerja.anggota_remove, name="anggota-remove"),
    path("agen/<uuid:public_id>/hapus/", timkerja.agen_remove, name="agen-remove"),
    path("agen/<uuid:public_id>/perubahan/", timkerja.perubahan_add, name="perubahan-add"),
    path("perubahan/<uuid:public_id>/hapus/", timkerja.perubahan_delete, name="perubahan-delete"),
    path("konsultasi/<uuid:public_id>/", konsultasi.konsultasi_detail, name="konsultasi-detail"),
    path("konsultasi/<uuid:public_id>/balas/", konsultasi.konsultasi_reply, name="konsultasi-reply"),
    path("konsultasi/<uuid:public_id>/tutup/", konsultasi.konsultasi_close, name="konsultasi-close"),
    path("asistensi/<uuid:public_id>/", asistensi.asistensi_detail, name="asistensi-detail"),
    path("asistensi/<uuid:public_id>/tindak-lanjut/", asistensi.tindak_lanjut_add, name="tindak-lanjut-add"),
    path("tindak-lanjut/<uuid:public_id>/selesai/", asistensi.tindak_lanjut_done, name="tindak-lanjut-done"),
]
