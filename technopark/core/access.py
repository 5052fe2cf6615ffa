"""Access helpers shared by every app's ``access.py``.

"Missing" and "forbidden" look the same to the caller: an object the user may not see raises
`Http404`, exactly as one that does not exist, but the refusal is recorded in the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from technopark.core.services import log_action

if TYPE_CHECKING:
    # django-stubs resolves these aliases to AUTH_USER_MODEL, so core names the user model
    # without importing the app that defines it.
    from django.contrib.auth.models import _AnyUser

M = TypeVar("M", bound=models.Model)


def deny(user: _AnyUser | None, *, target: models.Model | None = None, reason: str = "") -> NoReturn:
    """Record a refused access to ``target`` and raise `Http404`, as if it did not exist.

    Refusals that may be visible (a page only staff can open) raise `PermissionDenied` instead; the
    403 they become is recorded by `RequestContextMiddleware`.
    """
    log_action(
        target,
        "core.access.denied",
        actor=user if getattr(user, "is_authenticated", False) else None,
        data={"reason": reason} if reason else {},
    )
    raise Http404


def get_visible_or_404(visible: models.QuerySet[M], *, user: _AnyUser | None, **lookup: Any) -> M:
    """Return the one object of ``visible`` matching ``lookup``.

    ``visible`` is the queryset the user may see. When the object exists but is outside it, the
    refusal is audited and the user gets the same 404 as for a missing object.
    """
    try:
        return visible.get(**lookup)
    except ObjectDoesNotExist:
        hidden = visible.model._default_manager.filter(**lookup).first()
        if hidden is not None:
            deny(user, target=hidden, reason="not visible")
        raise Http404 from None
