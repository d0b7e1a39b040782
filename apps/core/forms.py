"""Form helpers shared by every app's HTML views."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, PermissionDeniedError

# The page of a yearly feature before the instansi opened its first year (rencana aksi, pencanangan,
# pengusulan).
NO_YEAR = _("No year has been opened yet.")


def apply_service_error(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal beside the field it names (or at the top of the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc)
    else:
        form.add_error(None, str(exc))


def run_service[T](
    form: forms.BaseForm, call: Callable[[], T], *, reraise: tuple[type[Exception], ...] = ()
) -> T | None:
    """Call one service for a form view: a refusal lands on the form and None comes back; a
    permission refusal is a 403. Exceptions in ``reraise`` (e.g. a version conflict the view shows
    itself) are left to the caller."""
    try:
        return call()
    except reraise:
        raise
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        apply_service_error(form, exc)
        return None


def run_action[T](request: HttpRequest, call: Callable[[], T]) -> T | None:
    """Call one service for a one-button action (no form): a refusal becomes an error message on
    the next page and None comes back; a permission refusal is a 403."""
    try:
        return call()
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, str(exc))
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []
