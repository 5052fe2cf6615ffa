"""The second-factor rule of centre staff (DOMAIN.md rule 11), applied to every request's login."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from technopark.accounts.access import apply_second_factor_rule
from technopark.accounts.models import User


class SecondFactorMiddleware:
    """Right after Django's `AuthenticationMiddleware`: the signed-in login, still read only when asked
    for, comes with `apply_second_factor_rule` applied, so that every app's access rules, the templates
    and the API see the roles it may act with in this request. Its answers of this request start empty
    (`User.request_memo`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: _request_user(request))  # type: ignore[assignment]
        return self.get_response(request)


def _request_user(request: HttpRequest) -> User | AnonymousUser:
    user = apply_second_factor_rule(request, get_user(request))
    if isinstance(user, User):
        user.start_request_memo()  # the login of this request only (`User.request_memo`)
    return user
