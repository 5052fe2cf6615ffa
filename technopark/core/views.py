from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring (CONTRACTS.md)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure is reported, never raised
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(request: HttpRequest, status: int, code: str, title: str, text: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": title, "code": code}, status=status)
    return render(request, "core/error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "forbidden",
        _("Access denied"),
        _("You do not have permission to open this page. If you think this is a mistake, contact the centre."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "not_found",
        _("Page not found"),
        _("There is no such page, or it is not available to you. Check the address or start from the home page."),
    )


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under /api/v1/ that no operation answers: the API's JSON 404, in development too (where
    Django would show its HTML debug page instead of `handler404`)."""
    return page_not_found(request)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error", "code": "server_error"}, status=500)
    # Rendered without context processors or the base template: the failure may be in them.
    return HttpResponse(loader.render_to_string("core/500.html"), status=500)
