"""/aduan/ — the public complaint form about a unit holding WBK/WBBM (no login)."""

from django.urls import path

from apps.pemantauan import views

app_name = "aduan"

urlpatterns = [path("<uuid:public_id>/", views.public_complaint, name="public-complaint")]
