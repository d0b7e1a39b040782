from django.urls import path

from apps.lke import views

app_name = "lke"

# A template version is addressed by its year and version, never by a database id.
urlpatterns = [
    path("", views.template_list, name="template-list"),
    path("<int:tahun>/v<int:version>/", views.template_detail, name="template-detail"),
]
