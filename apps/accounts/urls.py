from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa-wajib/", views.mfa_required, name="mfa-required"),
    path("profil/", views.profile, name="profile"),
    path("undangan/<uuid:public_id>/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("undangan-peran/", views.consent_list, name="consent-list"),
    path("undangan-peran/<uuid:public_id>/", views.consent_answer, name="consent-answer"),
    path("orang/", views.people_list, name="people-list"),
    path("orang/undang/", views.membership_invite, name="membership-invite"),
    path("orang/<uuid:public_id>/", views.membership_update, name="membership-update"),
    path("orang/<uuid:public_id>/nonaktifkan/", views.membership_deactivate, name="membership-deactivate"),
    path("orang/<uuid:public_id>/kirim-ulang/", views.invitation_resend, name="invitation-resend"),
]
