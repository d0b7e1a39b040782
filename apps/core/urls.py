from django.urls import path

from apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("peran/<uuid:public_id>/", views.membership_switch, name="membership-switch"),
    path("sehat/", views.health, name="health"),
    path("ukuran-teks/", views.text_size, name="text-size"),
]
