"""/api/v1/ — the national API (KemenPANRB and TPN)."""

from django.urls import path

from apps.pemantauan import api_views as pemantauan_views
from apps.pendampingan import api_views as pendampingan_views
from apps.tpn import api_views as views

app_name = "api_v1"

urlpatterns = [
    path("usulan-pencabutan/", pemantauan_views.UsulanListView.as_view(), name="usulan-pencabutan-list"),
    path(
        "usulan-pencabutan/<uuid:public_id>/keputusan/",
        pemantauan_views.UsulanDecisionView.as_view(),
        name="usulan-pencabutan-keputusan",
    ),
    path("pengusulan/", views.ProposalListView.as_view(), name="pengusulan-list"),
    path("pengusulan/<uuid:public_id>/", views.ProposalDetailView.as_view(), name="pengusulan-detail"),
    path("pengusulan/<uuid:public_id>/jawaban/", views.ProposalAnswersView.as_view(), name="pengusulan-jawaban"),
    path("pengusulan/<uuid:public_id>/hasil/", views.ProposalResultView.as_view(), name="pengusulan-hasil"),
    path(
        "pengusulan/<uuid:public_id>/jawaban-tpn/",
        views.ProposalTPNAnswersView.as_view(),
        name="pengusulan-jawaban-tpn",
    ),
    path("unit/<uuid:public_id>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("instansi/<slug:code>/kuota/", views.InstansiQuotaView.as_view(), name="instansi-kuota"),
    path("batas-pengusulan/<int:tahun>/", views.ProposalDeadlineView.as_view(), name="batas-pengusulan"),
    path("pertanyaan-tpn/", pendampingan_views.QuestionListView.as_view(), name="pertanyaan-tpn-list"),
    path(
        "pertanyaan-tpn/<uuid:public_id>/",
        pendampingan_views.QuestionDetailView.as_view(),
        name="pertanyaan-tpn-detail",
    ),
    path(
        "pertanyaan-tpn/<uuid:public_id>/balasan/",
        pendampingan_views.QuestionReplyView.as_view(),
        name="pertanyaan-tpn-balasan",
    ),
]
