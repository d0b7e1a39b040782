"""Expected failures raised by services, with a translated message and a stable code.

Views turn them into a message beside the form; the API turns them into its error body.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation. Nothing was changed."""

    code = "domain_error"
    default_message = _("The operation is not allowed.")

    def __init__(self, message: object | None = None, *, code: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    default_message = _("This step is not allowed in the current status.")


class WindowClosed(DomainError):
    code = "window_closed"
    default_message = _("The date window for this step is closed.")


class ConflictError(DomainError):
    code = "conflict"
    default_message = _("Someone else changed this record meanwhile. Reload and try again.")
