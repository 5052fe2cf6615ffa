from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def centre(request: HttpRequest) -> dict[str, Any]:
    """The centre's name and contacts in the current language (configuration, not code)."""
    lang = get_language() or settings.LANGUAGE_CODE
    data = settings.CENTRE

    def pick(key: str) -> str:
        value = data.get(key, "")
        if isinstance(value, dict):
            return str(value.get(lang) or value.get(settings.LANGUAGE_CODE) or "")
        return str(value)

    return {
        "demo_mode": settings.DEMO_MODE,
        "centre": {
            "name": pick("name"),
            "full_name": pick("full_name"),
            "address": pick("address"),
            "phone": pick("phone"),
            "email": pick("email"),
        },
    }
