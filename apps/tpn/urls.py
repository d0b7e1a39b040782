"""/tpn/ — pages of national users: their personal API tokens, and TPN results recorded in the browser."""

from django.urls import path

from apps.tpn import views, web_views

app_name = "tpn"

urlpatterns = [
    path("token-api/", views.token_list, name="token-list"),
    path("token-api/<uuid:public_id>/cabut/", views.token_revoke, name="token-revoke"),
    path("pengusulan/<uuid:public_id>/hasil/", web_views.result_record, name="result-record"),
    path("pengusulan/<uuid:public_id>/jawaban-tpn/", web_views.desk_answers, name="desk-answers"),
]
