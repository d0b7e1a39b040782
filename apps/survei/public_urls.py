"""The public answering page (no login): ``/s/<token>/`` of a service's link or QR poster."""

from django.urls import path

from apps.survei import public_views

app_name = "survei_public"

urlpatterns = [
    path("<str:token>/", public_views.answer, name="answer"),
    path("<str:token>/terima-kasih/", public_views.thanks, name="thanks"),
]
