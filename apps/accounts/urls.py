from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa-wajib/", views.mfa_required, name="mfa-required"),
]
