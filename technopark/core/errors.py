"""The base of every business-rule error the platform raises.

Services raise a subclass of `DomainError` with a translatable message; views turn it into a form
error or a message, the API into a JSON 4xx. It is never a 500.
"""

from __future__ import annotations

from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A rule refused the operation. ``code`` is stable for API clients, ``message`` is for people."""

    code = "domain_error"
    status = 400

    def __init__(self, message: StrOrPromise, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message: StrOrPromise = message
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(DomainError):
    """The operation collides with the current state (already done, used up, changed meanwhile)."""

    code = "conflict"
    status = 409
