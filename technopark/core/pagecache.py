"""Rendered public pages kept in each worker's memory, for visitors who are not signed in.

The home page and the news list are what most visitors open, and they are the same for every
anonymous visitor in a language. Rendering them costs several times more than answering a trivial
request, so each worker process keeps the rendered bytes, keyed by path, language and the content
revision of the area (`ContentRevision`, raised by every write in the same transaction). The
revision is read from the database at most once a second per process, so a published news item
reaches every worker within about a second; nothing stale survives a revision change, and the
database stays the only source of truth. Signed-in users (who may see drafts and their own menu)
and requests carrying messages always get a freshly rendered page.

Pages that show children's names and photos by consent depend on the ``consents`` revision as well
(``also=``). That one is read from the database on every request, never through the per-process second:
a withdrawn consent hides the name on the very next anonymous request, whichever process answers it
(one indexed query a request; issue 12, item 17).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from technopark.core.models import ContentRevision

MAX_PAGES = 256
REVISION_TTL_SECONDS = 1.0

_lock = threading.Lock()
_pages: OrderedDict[tuple[str, str, str, int], tuple[bytes, int, list[tuple[str, str]]]] = OrderedDict()
_revisions: dict[str, tuple[float, int]] = {}


def current_revision(key: str) -> int:
    """The revision of ``key``, re-read from the database at most once per REVISION_TTL_SECONDS."""
    now = time.monotonic()
    cached = _revisions.get(key)
    if cached is not None and now - cached[0] < REVISION_TTL_SECONDS:
        return cached[1]
    number = ContentRevision.objects.filter(key=key).values_list("number", flat=True).first() or 0
    _revisions[key] = (now, number)
    return number


def fresh_revisions(keys: tuple[str, ...]) -> tuple[int, ...]:
    """The revisions of ``keys`` as the database has them now, in one query (0 for one never raised)."""
    if not keys:
        return ()
    numbers = dict(ContentRevision.objects.filter(key__in=keys).values_list("key", "number"))
    return tuple(numbers.get(key, 0) for key in keys)


def clear() -> None:
    """Forget every cached page and revision (tests)."""
    with _lock:
        _pages.clear()
        _revisions.clear()


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def cache_anonymous_page(
    revision_key: str, *, daily: bool = False, minutes: int | None = None, also: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's 200 responses to anonymous visitors from memory until ``revision_key`` changes.

    ``daily``: also until the date in Minsk changes, for pages that depend on today (what is upcoming).
    ``minutes``: also at most that long, for pages that depend on the time of day (what is free now).
    ``also``: further revisions the page depends on (``"consents"`` for pages that show names by consent),
    read fresh on every request (`fresh_revisions`): what may be shown about a child changes at once.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key: tuple[Any, ...] = (
                revision_key,
                request.get_full_path(),
                get_language() or "",
                current_revision(revision_key),
                *fresh_revisions(also),
            )
            if daily:
                key += (timezone.localdate().isoformat(),)
            if minutes:
                key += (int(time.time() // (60 * minutes)),)
            with _lock:
                hit = _pages.get(key)
                if hit is not None:
                    _pages.move_to_end(key)
            if hit is not None:
                content, status, headers = hit
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                entry = (response.content, response.status_code, list(response.items()))
                with _lock:
                    _pages[key] = entry
                    while len(_pages) > MAX_PAGES:
                        _pages.popitem(last=False)
            return response

        return wrapped

    return decorator
