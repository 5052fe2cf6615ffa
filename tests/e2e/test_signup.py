"""Signing up, confirming the e-mail address, resetting a forgotten password, and the brake on guessing."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import last_email_to, link_in, sign_in_with_password, sign_out, submit

pytestmark = [pytest.mark.e2e]

NEW_PASSWORD = "a-brand-new-passphrase-2026"


def test_a_visitor_signs_up_confirms_the_email_and_later_resets_a_forgotten_password(page, site):
    email = "new.pupil@example.test"

    page.goto("/accounts/signup/")
    page.fill("#id_last_name", "Новикова")
    page.fill("#id_first_name", "Алеся")
    page.fill("#id_patronymic", "Игоревна")
    page.fill("#id_email", email)
    page.fill("#id_password1", "first-passphrase-of-mine")
    page.fill("#id_password2", "first-passphrase-of-mine")
    submit(page)
    assert page.url.endswith("/accounts/confirm-email/"), "after signing up the visitor is asked to verify the e-mail"
    assert page.locator("main h1").is_visible()

    confirmation = link_in(last_email_to(email), "/accounts/confirm-email/")
    page.goto(confirmation)
    assert email in page.locator("main").inner_text(), "the confirmation page names the address"
    submit(page)

    assert page.url.endswith("/accounts/profile/")
    assert email in page.locator("main").inner_text(), "the visitor is signed in and sees the profile"
    assert page.input_value("#id_last_name") == "Новикова", "the ФИО typed at sign-up is the profile's"

    sign_out(page)
    assert page.locator(".site-header a[href$='/accounts/login/']").count() == 1, "signed out"

    page.goto("/accounts/password/reset/")
    page.fill("#id_email", email)
    submit(page)
    assert page.url.endswith("/accounts/password/reset/done/")

    reset_link = link_in(last_email_to(email), "/accounts/password/reset/key/")
    page.goto(reset_link)
    assert "/accounts/password/reset/key/" in page.url
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/password/reset/key/done/")

    sign_in_with_password(page, email, NEW_PASSWORD)
    assert page.url.endswith("/accounts/profile/")
    assert email in page.locator("main").inner_text()


def test_repeated_wrong_passwords_are_throttled_and_recorded_in_the_audit_log(page, site, make_user):
    from allauth.account.adapter import DefaultAccountAdapter
    from django.utils import translation

    from technopark.core.models import AuditLog

    make_user("guessed@example.test", "student")
    with translation.override("ru"):
        throttled_message = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])

    shown = ""
    for _attempt in range(10):
        sign_in_with_password(page, "guessed@example.test", "not-the-password")
        assert page.url.endswith("/accounts/login/"), "a wrong password never signs in"
        shown = page.locator("main .form-errors").inner_text()
        if throttled_message in shown:
            break
    assert throttled_message in shown, f"no throttling after 10 wrong passwords; the form said: {shown!r}"

    actions = list(AuditLog.objects.filter(actor_label="guessed@example.test").values_list("action", flat=True))
    assert actions.count("accounts.login.failed") >= 1
    assert "accounts.login.throttled" in actions
