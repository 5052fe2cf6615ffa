"""Personal API tokens: the owner's page, revocation, expiry, the end of tokens on a new password or a
blocked login, and the second factor a staff token needs (DOMAIN.md rule 11)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from technopark.accounts import services
from technopark.accounts.access import SecondFactorRequired
from technopark.accounts.models import ApiToken
from technopark.core.models import AuditLog

ME = "/api/v1/me"


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _api_status(raw: str) -> int:
    return Client().get(ME, **_bearer(raw)).status_code


@pytest.fixture
def pupil(make_user):
    return make_user("pupil@example.test", "student")


def test_the_owner_issues_a_token_on_the_page_sees_it_once_and_it_works(pupil, client_for):
    client = client_for(pupil)
    response = client.post(reverse("accounts:token-list"), {"name": "Мой скрипт", "days": "30"})
    assert response.status_code == 200
    raw = response.context["issued"]["raw"]
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=pupil)
    assert token.name == "Мой скрипт"
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert _api_status(raw) == 200
    listing = client.get(reverse("accounts:token-list")).content.decode()
    assert raw not in listing and token.prefix in listing
    assert AuditLog.objects.filter(action="api.token.issued", actor=pupil).exists()


def test_the_owner_revokes_a_token_and_it_stops_working(pupil, client_for):
    token, raw = services.issue_api_token(pupil, actor=pupil)
    client = client_for(pupil)
    assert client.post(reverse("accounts:token-revoke", kwargs={"token_id": token.pk})).status_code == 302
    assert _api_status(raw) == 401
    record = AuditLog.objects.get(action="api.token.revoked")
    assert record.actor == pupil and record.data["reason"] == "revoked"


def test_nobody_else_sees_or_revokes_a_token_but_an_administrator(pupil, personas, client_for):
    token, raw = services.issue_api_token(pupil, actor=pupil)
    url = reverse("accounts:token-revoke", kwargs={"token_id": token.pk})
    for persona in ("teacher", "methodologist", "lab_manager", "student"):
        assert client_for(personas[persona]).post(url).status_code == 404
        assert token.prefix not in client_for(personas[persona]).get(reverse("accounts:token-list")).content.decode()
    assert _api_status(raw) == 200

    admin = client_for(personas["administrator"])
    page = admin.get(reverse("accounts:user-detail", kwargs={"user_id": pupil.pk})).content.decode()
    assert token.prefix in page
    response = admin.post(url)
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"user_id": pupil.pk})
    assert _api_status(raw) == 401


def test_an_expired_token_is_refused(pupil):
    token, raw = services.issue_api_token(pupil, actor=pupil, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _api_status(raw) == 401


@pytest.mark.parametrize("days", [0, 181])
def test_a_token_works_for_at_most_180_days(pupil, days):
    with pytest.raises(services.TokenError):
        services.issue_api_token(pupil, actor=pupil, days=days)


def test_tokens_end_when_the_password_is_reset(pupil, client):
    _token, raw = services.issue_api_token(pupil, actor=pupil)
    client.post(reverse("account_reset_password"), {"email": "pupil@example.test"})
    link = re.search(r"https?://[^\s]+/password/reset/key/[^\s]+", mail.outbox[-1].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "a-new-long-password-42", "password2": "a-new-long-password-42"})
    assert response.status_code == 302
    assert _api_status(raw) == 401
    assert AuditLog.objects.get(action="api.token.revoked").data["reason"] == "password_reset"


def test_tokens_end_when_the_password_is_changed_and_the_page_says_so(pupil, client_for):
    _token, raw = services.issue_api_token(pupil, actor=pupil)
    client = client_for(pupil)
    page = client.get(reverse("account_change_password")).content.decode()
    assert "API" in page
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-new-long-password-42", "password2": "a-new-long-password-42"},
    )
    assert response.status_code == 302
    assert _api_status(raw) == 401


def test_tokens_end_when_the_login_is_blocked(pupil, personas):
    _token, raw = services.issue_api_token(pupil, actor=pupil)
    services.set_user_active(pupil, False, actor=personas["administrator"])
    services.set_user_active(pupil, True, actor=personas["administrator"])
    assert _api_status(raw) == 401
    assert AuditLog.objects.get(action="api.token.revoked").data["reason"] == "blocked"


# --- Staff tokens and the second factor ----------------------------------------------------------------


def test_staff_issue_a_token_on_the_page_only_after_the_second_factor(
    personas, client_for, sign_in_without_second_factor
):
    methodologist = personas["methodologist"]
    password_only = sign_in_without_second_factor(Client(), methodologist)
    page = password_only.get(reverse("accounts:token-list"))
    assert page.context["may_issue"] is False
    refused = password_only.post(reverse("accounts:token-list"), {"name": "x", "days": "30"})
    assert refused.status_code == 400
    assert not ApiToken.objects.filter(user=methodologist).exists()

    issued = client_for(methodologist).post(reverse("accounts:token-list"), {"name": "x", "days": "30"})
    token = ApiToken.objects.get(user=methodologist)
    assert token.issued_with_second_factor
    assert Client().get("/api/v1/persons", **_bearer(issued.context["issued"]["raw"])).status_code == 200


def test_a_staff_token_not_issued_after_the_second_factor_is_refused(personas, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False  # issued while the rule was off (the demo), or before tokens knew
    _token, raw = services.issue_api_token(personas["methodologist"], actor=None)
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = Client().get("/api/v1/persons", **_bearer(raw))
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_staff_token_needs_the_second_factor_when_it_is_issued(personas):
    with pytest.raises(SecondFactorRequired):
        services.issue_api_token(personas["lab_manager"], actor=None)


def test_a_token_of_someone_who_becomes_staff_needs_a_new_one(pupil):
    _token, raw = services.issue_api_token(pupil, actor=pupil)
    services.grant_role(pupil, "methodologist", actor=None)
    assert _api_status(raw) == 403


def test_the_command_issues_a_staff_token_only_for_a_login_with_an_authenticator_app(make_user):
    make_user("without.app@example.test", "administrator", mfa=False)
    with pytest.raises(CommandError, match="authenticator app"):
        call_command("issue_api_token", "without.app@example.test")

    staff = make_user("with.app@example.test", "administrator")
    out = StringIO()
    call_command("issue_api_token", "with.app@example.test", "--days", "7", stdout=out)
    token = ApiToken.objects.get(user=staff)
    assert token.issued_with_second_factor
    assert token.expires_at - timezone.now() <= dt.timedelta(days=7)
    assert _api_status(out.getvalue().strip()) == 200
