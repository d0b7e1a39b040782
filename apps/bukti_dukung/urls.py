from django.urls import path

from apps.bukti_dukung import views

app_name = "bukti_dukung"

urlpatterns = [
    path("<uuid:public_id>/unduh/", views.download, name="download"),
    path("<uuid:public_id>/pratinjau/", views.preview, name="preview"),
]
