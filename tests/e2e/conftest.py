"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

No browser is ever downloaded. The executable is ``$CHROMIUM`` or ``/usr/bin/chromium``; when it is
missing every test here is skipped with the reason, so ``make test`` passes on machines without it.

Scope of the browser: one Chromium per run of this package (``scope="package"``), not per session.
While Playwright's sync API is started, the test thread has a running asyncio loop, which would
break any later non-browser test that calls ``asyncio.run`` (pytest-django runs the tests without a
database after these). Package scope closes the browser as soon as the last browser test is done.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Long enough for a cold first request on a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def chromium_executable() -> str | None:
    """The Chromium to drive, or None when there is none (the tests are then skipped)."""
    configured = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    path = configured if os.sep in configured else shutil.which(configured)
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return path
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        configured = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        pytest.skip(f"Chromium not found at {configured}; set CHROMIUM to the browser's executable")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """allauth's login rate limits live in the (process-wide) cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def site(live_server: Any) -> Any:
    """The live server, with the reference rows that data migrations create in place.

    Browser tests commit (the server runs in another thread), so the database is emptied after each
    one, reference data included; they are put back here before every test by running the same
    data-migration functions, which are idempotent.
    """
    import importlib

    from django.apps import apps

    for module, function in [
        ("technopark.network.migrations.0002_districts", "create"),
        ("technopark.portal.migrations.0002_home_texts", "create_blocks"),
        ("technopark.labs.migrations.0002_centre_labs_and_no_overlap", "add_labs"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
    return live_server


@pytest.fixture
def new_context(browser: Any, site: Any) -> Iterator[Callable[..., Any]]:
    """Make browser contexts (cookie jars) against the live server; all closed after the test."""
    contexts: list[Any] = []

    def _new(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, base_url=site.url, locale="ru-RU", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    """A desktop-sized tab (1280×900)."""
    return new_context(DESKTOP).new_page()


@pytest.fixture
def phone_page(new_context: Callable[..., Any]) -> Any:
    """A phone-sized tab (390×844) with touch."""
    return new_context(PHONE, has_touch=True, is_mobile=True).new_page()


@pytest.fixture
def sign_in_browser(new_context: Callable[..., Any], site: Any) -> Callable[..., Any]:
    """A tab already signed in as ``user``: a session made with Django's test client, copied as a cookie.

    The sign-in form (and its second step) has tests of its own; other tests skip it this way.
    """
    from django.conf import settings
    from django.test import Client

    def _sign_in(user: Any, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        client = Client()
        client.force_login(user)
        context = new_context(viewport, **options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": site.url,
                }
            ]
        )
        return context.new_page()

    return _sign_in
