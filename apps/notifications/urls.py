from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("<uuid:public_id>/baca/", views.notification_read, name="read"),
]
