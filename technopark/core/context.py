"""Who is asking, from where: set once per request, read by the audit log.

Services write audit records without receiving the request (they are also called from commands,
tasks and the API), so the request's address and agent travel in a context variable, which is safe
for threads and for async code.
"""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str
    path: str
    method: str
    request: Any = None

    @property
    def user(self) -> Any:
        # Read at logging time, not at request start: API token authentication sets the user later.
        return getattr(self.request, "user", None)


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("technopark_request", default=None)


def current_request_info() -> RequestInfo | None:
    return _current.get()


def set_request_info(info: RequestInfo | None) -> contextvars.Token[RequestInfo | None]:
    return _current.set(info)


def reset_request_info(token: contextvars.Token[RequestInfo | None]) -> None:
    _current.reset(token)


def client_ip(meta: dict[str, Any], trusted_proxy_count: int) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the outermost trusted proxy saw.

    The audit log records it and every sign-in rate limit counts it (`accounts.adapter`), so that behind
    the README's proxy each visitor has limits of their own. X-Forwarded-For is only believed for as many
    hops as there are trusted proxies; a client can put anything at its start.
    """
    if trusted_proxy_count > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= trusted_proxy_count:
            try:
                return str(ipaddress.ip_address(forwarded[-trusted_proxy_count]))
            except ValueError:
                pass  # not an address a proxy writes: fall back to the peer's
    return meta.get("REMOTE_ADDR") or None


def site_url(request: HttpRequest) -> str:
    """The address links in documents point at: the configured `SITE_URL` in production; in development the
    address the person opened the site at (another port or host than the default `127.0.0.1:8000`)."""
    if settings.DEBUG:
        return request.build_absolute_uri("/").rstrip("/")
    return str(settings.SITE_URL)
