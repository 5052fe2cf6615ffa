from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

_url = URLValidator(schemes=["http", "https"])


def validate_site_link(value: str) -> None:
    """A link staff may put on a page: a path of this site (``/news/``) or an http(s) address.

    Anything else (``javascript:``, ``data:``, protocol-relative ``//host``) is refused.
    """
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        if any(ch.isspace() for ch in value):
            raise ValidationError(_("A link cannot contain spaces."), code="invalid_link")
        return
    try:
        _url(value)
    except ValidationError as exc:
        raise ValidationError(
            _("Enter a page of this site starting with / or a full web address starting with https:// or http://."),
            code="invalid_link",
        ) from exc
