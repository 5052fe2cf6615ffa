"""Rendered public pages kept in the cache (`core.cache`), for visitors who are not signed in.

The home page and the news list are what most visitors open, and they are the same for every
anonymous visitor in a language. Rendering them costs several times more than answering a trivial
request, so the rendered bytes are kept, keyed by scheme, host, path with its query and language, under
the scopes the page is read from (``("news",)``, ``("lab", 3)``…): a write that changes one of them makes
the page be rendered anew on the next request, whichever process answers it. Signed-in users (who may see
drafts and their own menu) and requests carrying a session or messages always get a freshly rendered page.

Pages that show children's names and photos by consent depend on the ``consents`` scope as well, so a
withdrawn consent hides the name on the very next anonymous request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from technopark.core import cache
from technopark.core.cache import Scope


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def cache_anonymous_page(
    *scopes: Scope | str,
    per: Callable[..., Iterable[Scope | str] | None] | None = None,
    daily: bool = False,
    minutes: int | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's 200 responses to anonymous visitors from the cache until one of ``scopes`` changes.

    ``per``: further scopes from the view's URL arguments (``per=lambda code: [("lab", id_of(code))]``);
    None when there is nothing to cache under (an unknown object: the view answers 404 itself).
    ``daily``: also until the date in Minsk changes, for pages that depend on today (what is upcoming).
    ``minutes``: also at most that long, for pages that depend on the time of day (what is free now).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            depends: list[Scope | str] = list(scopes)
            if per is not None:
                more = per(*args, **kwargs)
                if more is None:
                    return view(request, *args, **kwargs)
                depends.extend(more)
            key: tuple[Any, ...] = (
                "page",
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                get_language() or "",
            )
            if daily:
                key += (timezone.localdate().isoformat(),)
            if minutes:
                key += (int(time.time() // (60 * minutes)),)
            found = cache.lookup(key, depends)
            if found.hit:
                content, status, headers = found.value
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                timeout = 60 * minutes if minutes else (24 * 3600 if daily else cache.DEFAULT_TIMEOUT)
                found.store((response.content, response.status_code, list(response.items())), timeout)
            return response

        return wrapped

    return decorator
