from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from technopark.accounts.access import second_factor_step


def second_factor(request: HttpRequest) -> dict[str, Any]:
    """Why a centre-staff login sees no staff pages yet (base.html): ``"enrol"``, ``"verify"`` or empty."""
    return {"second_factor_step": SimpleLazyObject(lambda: second_factor_step(getattr(request, "user", None)) or "")}
