from django.urls import path

from apps.nasional import views

app_name = "nasional"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pengusulan/", views.pengusulan_list, name="pengusulan-list"),
    path("pengusulan/<uuid:public_id>/", views.pengusulan_detail, name="pengusulan-detail"),
    path("unit-kerja/<uuid:public_id>/", views.unit_detail, name="unit-detail"),
]
