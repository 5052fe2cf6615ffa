"""The site's header and footer (base.html), rendered once per kind of page and kept in each process.

Every page extends base.html. Its header (a dozen ``{% url %}`` and translations, the staff menu, the
language switch) and footer cost about half of a signed-in page's server time (bench/README.md, "Labs"),
yet they are the same for every request of one language, role set and menu section. So each process keeps
their rendered HTML under exactly what they depend on, and a request only puts in what is its own: the
CSRF token of the sign-out form and the current page's address in each language of the switch. The
HTML is byte for byte what the templates render (`core/tests/test_chrome.py`).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix, translate_url
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

# Far more than (languages × role sets × menu sections) on a real site; a bound against surprises.
MAX_ENTRIES = 512

# Placeholders cannot occur in rendered HTML (a NUL byte) and survive autoescaping as safe strings.
CSRF_PLACEHOLDER = mark_safe("\x00csrf\x00")

_lock = threading.Lock()
_header: dict[tuple[Any, ...], str] = {}
_footer: dict[tuple[Any, ...], str] = {}


def _language_placeholder(code: str) -> SafeString:
    return mark_safe(f"\x00lang:{code}\x00")


@receiver(setting_changed)
def clear(**kwargs: Any) -> None:
    """Forget the kept HTML (tests that change the centre, languages or URLs)."""
    with _lock:
        _header.clear()
        _footer.clear()
    _translated_path.cache_clear()


def _keep(store: dict[tuple[Any, ...], str], key: tuple[Any, ...], html: str) -> None:
    with _lock:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = html


def current_sections(request: HttpRequest | None) -> tuple[str, ...]:
    """The menu items that point at the page shown (``aria-current``)."""
    path = request.path if request is not None else ""
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None else None
    staff = "/staff/" in path
    rules = (
        ("news", url_name in ("news-list", "news-detail")),
        ("events", "/events/" in path and not staff and "/events/my/" not in path),
        ("labs", "/labs/" in path and not staff and "/labs/my/" not in path),
        ("projects", "/projects/" in path),
        ("network", "/network/" in path and not staff),
        ("my-registrations", "/events/my/" in path),
        ("my-bookings", "/labs/my/" in path),
        ("people", "/people/" in path),
        ("profile", url_name == "profile"),
    )
    return tuple(name for name, applies in rules if applies)


def current_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def language_links(path: str, *, url: Any = None) -> list[dict[str, Any]]:
    """``path`` in every interface language, for the language switch (``url`` overrides the address)."""
    current = current_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"].capitalize(),
            "url": translate_url(path, code) if url is None else url(code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@functools.lru_cache(maxsize=1024)
def _translated_path(active_language: str | None, path: str, code: str) -> str:
    """`translate_url` of a path without its query: it resolves the path anew (a walk over the URL
    patterns) for every language, on every page. The result depends on the path, the language asked for
    and the active one (the prefix of `i18n_patterns`); bounded, as paths come from visitors."""
    return translate_url(path, code)


def _translated(full_path: str, code: str) -> str:
    """``full_path`` in language ``code``: exactly `translate_url(full_path, code)`, the query kept."""
    path, question, query = full_path.partition("?")
    return _translated_path(get_language(), path, code) + question + query


def header(context: Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    authenticated = bool(getattr(user, "is_authenticated", False))
    centre = context.get("centre") or {}
    # The staff menu follows from the roles alone (`portal.context_processors.navigation`).
    roles: tuple[bool, frozenset[str]] | None = (
        (getattr(user, "is_active", False), getattr(user, "roles", frozenset())) if authenticated else None
    )
    sections = current_sections(request)
    key = (get_language(), get_script_prefix(), authenticated, roles, sections, centre.get("name", ""))
    html = _header.get(key)
    if html is None:
        html = (
            get_template("core/components/site_header.html")
            .render(
                {
                    "authenticated": authenticated,
                    "centre": centre,
                    "current": sections,
                    "staff_menu": context.get("staff_menu"),
                    "langs": language_links("", url=_language_placeholder),
                    "csrf_input": CSRF_PLACEHOLDER,
                }
            )
            .rstrip("\n")
        )
        _keep(_header, key, html)
    if authenticated:
        html = html.replace(CSRF_PLACEHOLDER, CsrfTokenNode().render(context))
    path = request.get_full_path() if request is not None else "/"
    for code, _name in settings.LANGUAGES:
        html = html.replace(_language_placeholder(code), conditional_escape(_translated(path, code)))
    return mark_safe(html)  # rendered by the template; only escaped values put in


def footer(context: Context) -> SafeString:
    centre = context.get("centre") or {}
    key = (get_language(), get_script_prefix(), tuple(sorted(centre.items())))
    html = _footer.get(key)
    if html is None:
        html = get_template("core/components/site_footer.html").render({"centre": centre}).rstrip("\n")
        _keep(_footer, key, html)
    return mark_safe(html)
