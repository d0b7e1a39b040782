from django.urls import path

from apps.pengusulan import views

app_name = "pengusulan"

urlpatterns = [
    path("", views.pengusulan_list, name="pengusulan-list"),
    path("syarat/", views.eligibility, name="eligibility"),
    path("syarat/unit/<uuid:public_id>/", views.eligibility_unit, name="eligibility-unit"),
    path("predikat/", views.predikat_list, name="predikat-list"),
    path("surat/", views.surat_edit, name="surat-edit"),
    path("surat/<uuid:public_id>/sptjm/", views.surat_sign, name="surat-sign"),
    path("surat/<uuid:public_id>/pdf/", views.surat_pdf, name="surat-pdf"),
    path("usulkan/<uuid:public_id>/", views.pengusulan_create, name="pengusulan-create"),
    path("<uuid:public_id>/", views.pengusulan_detail, name="pengusulan-detail"),
    path("<uuid:public_id>/ajukan/", views.pengusulan_submit, name="pengusulan-submit"),
    path("<uuid:public_id>/koreksi/", views.pengusulan_correct, name="pengusulan-correct"),
    path("<uuid:public_id>/tarik/", views.pengusulan_withdraw, name="pengusulan-withdraw"),
]
