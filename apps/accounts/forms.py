"""Forms of the people page, the invitation link and the profile. Shape only: rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.accounts.units import unit_choices
from apps.core.concurrency import version_field
from apps.tenancy.models import Instansi
from apps.tenancy.roles import NATIONAL_ROLES, Role

PASSWORDS_DIFFER = _("The two passwords differ. Type the same password twice.")


def instansi_role_choices() -> list[tuple[str, Any]]:
    """Roles an admin ZI can grant: every role except the national ones (no role preselected)."""
    return [("", _("— choose a role —")), *((v, label) for v, label in Role.choices if v not in NATIONAL_ROLES)]


class UnitChoiceField(forms.ModelChoiceField):
    """Units are chosen by public_id: integer keys never leave the server. The queryset is the
    instansi's (``unit_choices``), set when the form is built."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class _RoleUnitFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=instansi_role_choices)
    unit = UnitChoiceField(
        label=_("Unit kerja"),
        queryset=None,
        required=False,
        empty_label=_("— whole instansi —"),
        help_text=_("Required for head of unit, tim kerja and pegawai; leave empty for the other roles."),
    )

    def __init__(self, *args: Any, instansi: Instansi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the admin's own instansi's units can be chosen; anything else is an invalid choice.
        self.fields["unit"].queryset = unit_choices(instansi=instansi)  # type: ignore[attr-defined]


class MembershipInviteForm(_RoleUnitFields):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    name = forms.CharField(label=_("Full name"), max_length=150)

    field_order = ["email", "name", "role", "unit"]


class MembershipUpdateForm(_RoleUnitFields):
    version = version_field()


class InvitationAcceptForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password2") and cleaned["password"] != cleaned["password2"]:
            self.add_error("password2", PASSWORDS_DIFFER)
        return cleaned


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
