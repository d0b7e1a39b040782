from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("pengaturan/", views.notification_preferences, name="preferences"),
    path("<uuid:public_id>/baca/", views.notification_read, name="read"),
    path("gagal/", views.notification_failure_list, name="failures"),
    path("gagal/<uuid:public_id>/kirim-ulang/", views.notification_failure_retry, name="failure-retry"),
]
