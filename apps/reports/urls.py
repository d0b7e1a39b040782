from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list_view, name="report-list"),
    path("buat/", views.report_create, name="report-create"),
    path("<uuid:public_id>/", views.report_detail, name="report-detail"),
    path("<uuid:public_id>/status/", views.report_status, name="report-status"),
    path("<uuid:public_id>/unduh/", views.report_download, name="report-download"),
]
