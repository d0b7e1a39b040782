"""Form helpers shared by every app's HTML views."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from apps.core.errors import DomainError


def apply_service_error(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal beside the field it names (or at the top of the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc)
    else:
        form.add_error(None, str(exc))
