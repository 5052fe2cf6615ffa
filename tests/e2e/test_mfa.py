"""Centre staff must enrol an authenticator app before any staff page, and then sign in with its codes."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import sign_in_with_password, sign_out, submit, totp_code

pytestmark = [pytest.mark.e2e]


def test_a_methodologist_without_an_authenticator_enrols_one_before_opening_staff_pages(page, site, make_user):
    from conftest import PASSWORD

    make_user("method.ist@example.test", "methodologist", mfa=False)

    sign_in_with_password(page, "method.ist@example.test", PASSWORD)
    assert page.url.endswith("/accounts/profile/")
    assert page.locator("main .second-factor-notice").is_visible(), "every page says why staff pages are missing"

    page.goto("/staff/news/")
    warning = page.locator("main .messages .message--warning")
    assert warning.is_visible(), "staff without an authenticator are told to enrol"
    if "/accounts/reauthenticate/" in page.url:
        # allauth asks for the password again before a change of sign-in methods, even right after signing in.
        assert "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F" in page.url
        page.fill("#id_password", PASSWORD)
        submit(page)
    assert page.url.endswith("/accounts/2fa/totp/activate/"), "staff without an authenticator are sent to enrol"

    secret = page.locator("#authenticator_secret").input_value()
    assert secret, "the page shows the secret for typing into an app"
    enrolment_code = totp_code(secret)
    page.fill("#id_code", enrolment_code)
    submit(page)
    if "/accounts/2fa/recovery-codes/" in page.url:
        assert page.locator("#recovery_codes").input_value().strip(), "the recovery codes are shown once"

    page.goto("/staff/news/")
    assert page.url.endswith("/staff/news/"), "the code that set the app up counts as using it: the page opens"
    assert page.locator("main h1").is_visible()
    assert page.locator("main .second-factor-notice").count() == 0

    sign_out(page)

    sign_in_with_password(page, "method.ist@example.test", PASSWORD)
    assert page.url.endswith("/accounts/2fa/authenticate/"), "the password alone is not enough any more"
    page.fill("#id_code", totp_code(secret, not_one_of={enrolment_code}))
    submit(page)
    assert page.url.endswith("/accounts/profile/")

    page.goto("/staff/news/")
    assert page.url.endswith("/staff/news/")
