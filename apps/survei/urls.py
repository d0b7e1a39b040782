from django.urls import path

from apps.survei import views

app_name = "survei"

urlpatterns = [
    path("", views.survei_list, name="survei-list"),
    path("baru/", views.survei_create, name="survei-create"),
    path("<uuid:public_id>/", views.survei_detail, name="survei-detail"),
    path("<uuid:public_id>/tutup/", views.survei_close, name="survei-close"),
    path("<uuid:public_id>/buka/", views.survei_reopen, name="survei-reopen"),
    path("<uuid:public_id>/laporan/", views.survei_report, name="survei-report"),
    path("<uuid:public_id>/ekspor/<str:fmt>/", views.survei_export, name="survei-export"),
    path("unit/<uuid:public_id>/", views.unit_detail, name="unit-detail"),
    path("unit/<uuid:public_id>/layanan/", views.layanan_create, name="layanan-create"),
    path("layanan/<uuid:public_id>/aktif/", views.layanan_toggle, name="layanan-toggle"),
    path("layanan/<uuid:public_id>/poster/", views.layanan_poster, name="layanan-poster"),
]
