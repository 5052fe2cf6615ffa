from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext

from technopark.core.bounds import QueryValueError
from technopark.core.context import RequestInfo, client_ip, reset_request_info, set_request_info
from technopark.core.locking import RowsBusy, is_collision
from technopark.core.services import log_action

logger = logging.getLogger(__name__)


class ApiLanguageMiddleware:
    """API responses speak the caller's language (Accept-Language), not the site's default.

    Pages take their language from the URL prefix (/be/, /en/); the API has one URL for everyone,
    so its error messages follow the header instead. Runs after LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class RefuseNulCharactersMiddleware:
    """A page's address whose query holds a NUL character is refused with 400, in the user's language.

    Nobody types one; PostgreSQL can neither store nor compare it, so a view that searches with a raw query
    value would otherwise fail with a 500. Forms refuse it themselves (Django's validator) and the API in
    its own error format (`api.parser`), so only the query strings of pages are checked here. Runs after
    LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")  # a NUL arrives as %00 (no query is parsed here)
        if ("%00" in query or "\x00" in query) and not request.path.startswith("/api/"):
            return HttpResponseBadRequest(
                gettext("The address contains a character that is not allowed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class BadQueryValueMiddleware:
    """A page whose address holds a date or number it cannot use (`core.bounds`) answers 400 in the user's
    language: what the parameter must be, and a link to the page without it.

    The views raise `QueryValueError` from the one parser of the query string; turning it into a page here
    keeps that answer the same on every page. The API answers in its own format (422 from its types).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, QueryValueError):
            return None
        query = request.GET.copy()
        query.pop(exception.field or "", None)
        query.pop("page", None)  # a page number of another selection means nothing
        without = f"{request.path}?{query.urlencode()}" if query else request.path
        context = {
            "status": 400,
            "title": gettext("Bad request"),
            "text": exception.message,
            "retry_url": without,
            "retry_label": gettext("Open the page without it"),
        }
        return render(request, "core/error.html", context, status=400)


class WriteCollisionMiddleware:
    """A write that met another one at the same moment and lost answers 503 in the user's language with a
    link to try again, never a 500: rows another write kept locked beyond the lock timeout (`RowsBusy`, when
    the view did not show it on its form already), a deadlock the database broke, a serialisation failure,
    SQLite's busy timeout (`core.locking.is_collision`). Nothing was saved: the transaction was rolled back.
    The API answers the same in its own format (`api.api`). Runs after LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DatabaseError) and is_collision(exception):
            logger.warning("A write collided with another on %s %s: %s", request.method, request.path, exception)
        elif not isinstance(exception, RowsBusy):
            return None
        context = {
            "status": 503,
            "title": gettext("Try again"),
            "text": RowsBusy().message,
            "retry_url": request.get_full_path(),
            "retry_label": gettext("Open the page again"),
        }
        response = render(request, "core/error.html", context, status=503)
        response["Retry-After"] = "1"
        return response


class RequestContextMiddleware:
    """Make the request's address and user available to `log_action`; record every 403.

    Every refusal with 403 passes through here, whichever view or check raised it, so denied
    accesses reach the audit log from one place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip=client_ip(request.META, settings.TRUSTED_PROXY_COUNT),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            path=request.path,
            method=request.method or "",
            request=request,
        )
        token = set_request_info(info)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                log_action(None, "core.access.denied", data={"path": request.path[:500], "method": info.method})
            return response
        finally:
            reset_request_info(token)
