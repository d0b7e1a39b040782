"""/tpn/ — pages of national users (their personal API tokens)."""

from django.urls import path

from apps.tpn import views

app_name = "tpn"

urlpatterns = [
    path("token-api/", views.token_list, name="token-list"),
    path("token-api/<uuid:public_id>/cabut/", views.token_revoke, name="token-revoke"),
]
