"""Who may see and do what with logins and roles, the second factor of centre staff, and the gate in
front of every staff page.

DOMAIN.md rule 11: until a staff login has used its second factor, it reaches no more personal data than a
student's. `apply_second_factor_rule` is that rule, in one place: `accounts.middleware` applies it to the
signed-in login of every request, which then acts with the roles of a non-staff login, so every app's
access rules see a non-staff user without knowing of the rule. Staff pages are guarded by `staff_required`,
which sends such a login to set up or use its authenticator app; the API refuses it
(`api.auth`, `SecondFactorRequired`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard, TypeVar

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from technopark.accounts.models import ApiToken, User
from technopark.accounts.roles import Role
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.core.errors import DomainError

V = TypeVar("V", bound=Callable[..., HttpResponse])
U = TypeVar("U", bound=AnyUser)


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a view that `login_required` or `staff_required` already guards."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class SecondFactorRequired(DomainError):
    """A centre-staff login reached the API without its second factor (DOMAIN.md rule 11)."""

    status = 403
    code = "mfa_required"

    def __init__(self) -> None:
        super().__init__(
            gettext_lazy(
                "Centre staff use the API only after two-factor authentication: sign in on the site with a code "
                "from your authenticator app, or use a token issued after doing so."
            )
        )


def session_used_second_factor(request: HttpRequest, user: User) -> bool:
    """True when this session has used ``user``'s second factor: at sign-in, when asked again later
    (allauth records both), or by setting up the authenticator app with a code from it (`receivers`)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def note_second_factor_set_up(request: HttpRequest, authenticator: Authenticator) -> None:
    """Setting up an authenticator app takes a code from it: this session has used the second factor, as
    if it had signed in with it (allauth records only codes entered at sign-in and when asked again)."""
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        record_authentication(request, authenticator.user, "mfa", id=authenticator.pk, type=authenticator.type)


def apply_second_factor_rule(request: HttpRequest, user: U) -> U:
    """DOMAIN.md rule 11, for the signed-in login of ``request``; returns ``user``.

    With `MFA_REQUIRED_FOR_STAFF` on, a login that holds a centre-staff role acts, for the whole request,
    with its other roles only (`User.awaiting_second_factor`) unless it has an authenticator app and this
    session has used it. Applied once per login object; `accounts.middleware` calls it for every request.
    """
    if not isinstance(user, User) or user.second_factor_checked:
        return user
    user.second_factor_checked = True
    if not settings.MFA_REQUIRED_FOR_STAFF or not user.holds_staff_role:
        return user
    if not (session_used_second_factor(request, user) and has_totp(user)):
        user.withhold_staff_roles()
    return user


def second_factor_step(user: AnyUser | None) -> str | None:
    """What a login that awaits its second factor must do before staff pages open: ``"enrol"`` an
    authenticator app, or ``"verify"`` with a code from the one it has; None for every other login."""
    if not isinstance(user, User) or not user.awaiting_second_factor:
        return None
    return "verify" if has_totp(user) else "enrol"


def redirect_to_second_factor(request: HttpRequest, *, next_url: str | None = None) -> HttpResponse:
    """Send a staff login that awaits its second factor to set up its authenticator app, or to enter a
    code from it and come back (to ``next_url``, by default the page asked for), saying why."""
    if second_factor_step(request.user) == "verify":
        messages.warning(
            request, _("Enter a code from your authenticator app: staff pages open only after two-factor sign-in.")
        )
        query = urlencode({"next": next_url or request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return redirect_to_mfa_enrolment(request)


def redirect_to_mfa_enrolment(request: HttpRequest) -> HttpResponse:
    """Send staff without an authenticator app to set one up, saying why."""
    messages.warning(request, _("Centre staff must set up two-factor authentication before opening staff pages."))
    return redirect("mfa_activate_totp")


def may_act_as(user: AnyUser, *roles: str) -> TypeGuard[User]:
    """True when ``user`` holds one of ``roles``; administrators may do everything. Staff roles count only
    once the login has used its second factor (`apply_second_factor_rule`)."""
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR, *roles)


def _would_act_as(user: User, roles: tuple[str, ...]) -> bool:
    """`may_act_as` by the roles ``user`` holds, staff roles withheld from this request included."""
    return user.is_active and bool(user.held_roles & {Role.ADMINISTRATOR, *roles})


def staff_required(*roles: str) -> Callable[[V], V]:
    """Guard a view: signed in, holding one of ``roles`` (or administrator), second factor used.

    Anonymous users go to the sign-in page; a signed-in user without the role gets 403 (recorded by
    the audit middleware); centre staff whose session has not used the second factor are sent to set up
    their authenticator app or to enter a code from it first.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = apply_second_factor_rule(request, request.user)
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_act_as(user, *roles):
                if user.awaiting_second_factor and _would_act_as(user, roles):
                    return redirect_to_second_factor(request)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def visible_users(user: AnyUser) -> QuerySet[User]:
    """Logins ``user`` may manage: all of them for administrators, none for anyone else."""
    if may_act_as(user):
        return User.objects.all()
    return User.objects.none()


def access_user(user: AnyUser, user_id: int, *, for_write: bool = False) -> User:
    """The login ``user_id`` if ``user`` may manage it; `Http404` otherwise (audited)."""
    return get_visible_or_404(visible_users(user), user=user, pk=user_id)


def may_view_audit(user: AnyUser) -> bool:
    return may_act_as(user)


# --- Personal API tokens ------------------------------------------------------------------------


def may_issue_api_token(user: User, *, second_factor: bool) -> bool:
    """Any login may have API tokens; a centre-staff login's only when issued after its second factor
    (``second_factor``: the session used it, or the operator checked it has an authenticator app), so that
    a token never reaches what the password alone may not (DOMAIN.md rule 11)."""
    return second_factor or not (settings.MFA_REQUIRED_FOR_STAFF and user.holds_staff_role)


def visible_api_tokens(user: AnyUser) -> QuerySet[ApiToken]:
    """Tokens ``user`` may see and revoke: their own; an administrator's, every login's."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    if may_act_as(user):
        return ApiToken.objects.all()
    return ApiToken.objects.filter(user_id=user.pk)


def access_api_token(user: AnyUser, token_id: int, *, for_write: bool = False) -> ApiToken:
    """The token ``token_id`` if ``user`` may see it (`visible_api_tokens`); `Http404` otherwise (audited)."""
    return get_visible_or_404(visible_api_tokens(user).select_related("user"), user=user, pk=token_id)
