"""Who may see and do what with logins and roles, and the gate in front of every staff page.

Staff pages are guarded by `staff_required`: the role check, then (for centre staff) the second
factor. Other apps use it for their own staff pages so the MFA rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core.access import get_visible_or_404

V = TypeVar("V", bound=Callable[..., HttpResponse])


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a view that `login_required` or `staff_required` already guards."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_enrolment(user: Any) -> bool:
    """True when ``user`` is centre staff, the rule is on, and no authenticator app is set up yet."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not getattr(user, "is_authenticated", False):
        return False
    return user.is_centre_staff and not has_totp(user)


def redirect_to_mfa_enrolment(request: HttpRequest) -> HttpResponse:
    """Send staff without an authenticator app to set one up, saying why."""
    messages.warning(request, _("Centre staff must set up two-factor authentication before opening staff pages."))
    return redirect("mfa_activate_totp")


def may_act_as(user: Any, *roles: str) -> bool:
    """True when ``user`` holds one of ``roles``; administrators may do everything."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.ADMINISTRATOR, *roles)


def staff_required(*roles: str) -> Callable[[V], V]:
    """Guard a view: signed in, holding one of ``roles`` (or administrator), second factor enrolled.

    Anonymous users go to the sign-in page; a signed-in user without the role gets 403 (recorded by
    the audit middleware); staff without an authenticator app are sent to set it up first.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_act_as(user, *roles):
                raise PermissionDenied
            if needs_mfa_enrolment(user):
                return redirect_to_mfa_enrolment(request)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def visible_users(user: Any) -> QuerySet[User]:
    """Logins ``user`` may manage: all of them for administrators, none for anyone else."""
    if may_act_as(user):
        return User.objects.all()
    return User.objects.none()


def access_user(user: Any, user_id: int, *, for_write: bool = False) -> User:
    """The login ``user_id`` if ``user`` may manage it; `Http404` otherwise (audited)."""
    return get_visible_or_404(visible_users(user), user=user, pk=user_id)


def may_view_audit(user: Any) -> bool:
    return may_act_as(user)
