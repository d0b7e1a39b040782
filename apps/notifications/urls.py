from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("pengaturan/", views.notification_preferences, name="preferences"),
    path("<uuid:public_id>/baca/", views.notification_read, name="read"),
]
