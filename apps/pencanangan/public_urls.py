from django.urls import path

from apps.pencanangan import public_views

app_name = "pakta-public"

urlpatterns = [
    path("t/<str:token>/", public_views.sign, name="sign"),
    path("selesai/<str:token>/", public_views.done, name="done"),
    path("unduh/<str:token>/", public_views.download, name="download"),
    path("verifikasi/", public_views.verify, name="verify"),
    path("verifikasi/<str:code>/", public_views.verify_code, name="verify-code"),
]
