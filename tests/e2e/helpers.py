"""Small steps the browser tests share: reading the e-mails the live server sent, submitting forms."""

from __future__ import annotations

import re
import time
from typing import Any


def last_email_to(address: str, *, timeout: float = 10.0) -> Any:
    """The latest e-mail sent to ``address`` by the live server (Django's locmem outbox is shared)."""
    from django.core import mail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if address in message.to:
                return message
        time.sleep(0.05)
    raise AssertionError(f"no e-mail to {address}; outbox has {[m.to for m in mail.outbox]}")


def link_in(message: Any, path_fragment: str) -> str:
    """The first URL in ``message`` whose path contains ``path_fragment``."""
    bodies = [message.body] + [content for content, _mime in getattr(message, "alternatives", [])]
    for body in bodies:
        for url in re.findall(r"https?://[^\s\"'<>]+", body):
            if path_fragment in url:
                return url
    raise AssertionError(f"no link containing {path_fragment!r} in the e-mail:\n{message.body}")


def submit(page: Any) -> None:
    """Press the main form's submit button and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def open_menu_if_collapsed(page: Any) -> None:
    """On a phone the header's links sit behind the menu button."""
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def sign_in_with_password(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    submit(page)


def sign_out(page: Any) -> None:
    open_menu_if_collapsed(page)
    with page.expect_navigation():
        page.locator(".site-header form[action*='/accounts/logout/'] button").click()


def totp_code(secret: str, *, not_one_of: set[str] | frozenset[str] = frozenset()) -> str:
    """The authenticator app's current code: fresh (never one in ``not_one_of``) and not about to expire."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while True:
        now = time.time()
        if 30 - now % 30 > 3:
            code = format_hotp_value(hotp_value(secret, int(now) // 30))
            if code not in not_one_of:
                return code
        time.sleep(0.5)
