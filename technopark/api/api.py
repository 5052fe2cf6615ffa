"""The public API at /api/v1/: one NinjaAPI that mounts each app's router.

Every error is JSON ``{"detail": "...", "code": "..."}`` with a 4xx status; bad input never becomes
a 5xx. Callers authenticate with a personal token (``Authorization: Bearer …``) or the browser
session; public endpoints also answer anonymous callers.
"""

from __future__ import annotations

import logging
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.operation import Operation

from technopark.accounts.api import router as accounts_router
from technopark.api.auth import PUBLIC
from technopark.api.parser import NulCharacterError, TextParser
from technopark.core.errors import DomainError
from technopark.core.locking import RowsBusy, is_collision
from technopark.events.api import router as events_router
from technopark.labs.api import router as labs_router
from technopark.network.api import router as network_router
from technopark.people.api import router as people_router
from technopark.portal.api import router as portal_router
from technopark.projects.api import router as projects_router

logger = logging.getLogger(__name__)

# Swagger UI sets inline style attributes; scripts stay restricted to our own files on this page too.
_docs_csp = csp_update({"style-src": [UNSAFE_INLINE]})

# What every error answer looks like, and when each status can come: the exception handlers below answer
# them for any operation, so the document lists them per operation by what the operation takes and does.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in the caller's language"},
        "code": {"type": "string", "description": "A stable name of the rule or error"},
        "field": {"type": "string", "description": "The field the refusal is about, when there is one"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "422: each invalid field"},
    },
}
ERROR_STATUSES = {
    "400": "A rule of the platform refuses the request; `code` names it",
    "401": "Authentication required, or the token is not valid",
    "403": "Not allowed: the role does not permit it, staff without the second factor (`mfa_required`), or a "
    "session write without the CSRF token",
    "404": "No such object, or the caller may not see it",
    "409": "The object is no longer in the state the request expects (already done, changed meanwhile)",
    "413": "The request body is larger than the platform accepts",
    "422": "Invalid input: `errors` names each field",
    "503": "Busy for a moment (another write holds the same rows): send the same request again (`Retry-After`)",
}
WRITES = ("post", "put", "patch", "delete")


def error_statuses(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, by what it takes (parameters, a body) and whether it writes."""
    parameters = operation.get("parameters", [])
    statuses = ["401", "403"]
    if parameters or "requestBody" in operation:
        statuses.append("404")  # the object in the path, or one the body or the query names by id or code
    if method in WRITES:
        statuses += ["400", "409", "503"]
    elif any(parameter["in"] == "query" for parameter in parameters):
        statuses.append("400")  # a rule about the values asked for (a range too long, an end before a start)
    if "requestBody" in operation:
        statuses.append("413")
    if parameters or "requestBody" in operation:
        statuses.append("422")
    return sorted(statuses)


class TechnoparkAPI(NinjaAPI):
    """The NinjaAPI whose document also lists, for every operation, the error answers it can give, and keeps
    the operation ids clients were generated from."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The people endpoints were network's until decision 0007: their operation ids stay as they were, for
        # the clients partners generated from the schema.
        module = operation.view_func.__module__
        if module == "technopark.people.api":
            module = "technopark.network.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in document["paths"].values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(method, operation):
                    responses.setdefault(
                        status,
                        {
                            "description": ERROR_STATUSES[status],
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    )
        return document


api = TechnoparkAPI(
    title="Технопрорыв API",
    version="1",
    description=(
        "API of the children's technopark platform. Authenticate with `Authorization: Bearer <token>` "
        "(a token from *My account → API tokens*, `/accounts/tokens/`) or with the browser session; centre "
        'staff only after two-factor sign-in (`403`, `"code": "mfa_required"`). Lists are '
        'paginated with `limit` and `offset` and return `{"items": [...], "count": N}`. Errors are '
        '`{"detail": "...", "code": "..."}`. Dates are `YYYY-MM-DD` from 2000-01-01 to 2100-12-31; date-times '
        "carry their offset from UTC (`2026-06-01T10:00:00+03:00` or `…Z`), and one without is refused with 422 "
        "rather than guessed; ids and numbers fit a 64-bit integer. Invalid input is a 422 naming the fields."
    ),
    urls_namespace="api",
    auth=PUBLIC,
    docs_decorator=_docs_csp,
    parser=TextParser(),
)


def _error(request: HttpRequest, status: int, code: str, detail: Any, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def _is_anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return not getattr(user, "is_authenticated", False)


@api.exception_handler(ValidationError)
def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [".".join(str(part) for part in err.get("loc", [])) for err in exc.errors]
    detail = _("Invalid input: %(fields)s") % {"fields": ", ".join(f for f in fields if f) or _("request body")}
    errors = [{"loc": err.get("loc"), "msg": err.get("msg"), "type": err.get("type")} for err in exc.errors]
    return _error(request, 422, "invalid", detail, errors=errors)


@api.exception_handler(DjangoValidationError)
def _on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", "; ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if exc.status_code == 403:
        return _error(request, 403, "csrf_failed", str(exc))
    return _error(request, 401, "not_authenticated", _("Authentication required: a valid token or session."))


@api.exception_handler(Throttled)
def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _error(request, 429, "throttled", _("Too many requests. Try again later."))


@api.exception_handler(NulCharacterError)
def _on_nul_character(request: HttpRequest, exc: NulCharacterError) -> HttpResponse:
    fields = [".".join(str(part) for part in location) for location in exc.locations]
    detail = _("Invalid input: %(fields)s") % {"fields": ", ".join(fields)}
    message = str(ProhibitNullCharactersValidator.message)
    errors = [{"loc": list(location), "msg": message, "type": "null_character"} for location in exc.locations]
    return _error(request, 422, "invalid", detail, errors=errors)


@api.exception_handler(RequestDataTooBig)
def _on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    detail = _("The request is too large: at most %(limit)s MB.") % {"limit": limit}
    return _error(request, 413, "too_large", detail)


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NulCharacterError):  # Ninja wraps what the body's parser raises
        return _on_nul_character(request, exc.__cause__)
    codes = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(PermissionDenied)
def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if _is_anonymous(request):
        return _error(request, 401, "not_authenticated", _("Authentication required: a valid token or session."))
    return _error(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(DomainError)
def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra = {"field": exc.field} if exc.field else {}
    response = _error(request, exc.status, exc.code, str(exc.message), **extra)
    if exc.status == 503:  # busy for a moment (`core.locking.RowsBusy`): the same request may be sent again
        response["Retry-After"] = "1"
    return response


@api.exception_handler(DatabaseError)
def _on_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # A write that met another at the same moment and lost is refused like rows kept busy, never a 500.
    if is_collision(exc):
        logger.warning("A write collided with another on %s %s: %s", request.method, request.path, exc)
        return _on_domain_error(request, RowsBusy())
    return _on_unexpected(request, exc)


@api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: logged with its traceback, answered without internals.
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", _("Internal server error."))


class ApiIndex(Schema):
    name: str
    version: str
    openapi: str
    docs: str
    resources: dict[str, str]


@api.get("/", response=ApiIndex, summary="API index", tags=["meta"])
def index(request: HttpRequest) -> dict[str, Any]:
    """Where things are: the OpenAPI document, the interactive docs and the resources."""
    return {
        "name": api.title,
        "version": api.version,
        "openapi": reverse("api:openapi-json"),
        "docs": reverse("api:openapi-view"),
        "resources": {
            "news": reverse("api:news-list"),
            "institutions": reverse("api:institution-list"),
            "districts": reverse("api:district-list"),
            "agreements": reverse("api:agreement-list"),
            "events": reverse("api:event-list"),
            "labs": reverse("api:lab-list"),
            "equipment": reverse("api:equipment-list"),
            "me": reverse("api:me"),
        },
    }


api.add_router("/", portal_router)
api.add_router("/", accounts_router)
api.add_router("/", network_router)
api.add_router("/", people_router)
api.add_router("/", events_router)
api.add_router("/", labs_router)
api.add_router("/", projects_router)
