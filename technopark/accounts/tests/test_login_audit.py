from __future__ import annotations

from django.urls import reverse

from conftest import PASSWORD
from technopark.core.models import AuditLog


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_failed_login_is_recorded_with_the_address(make_user, client):
    make_user("known@example.test")
    response = client.post(
        reverse("account_login"), {"login": "known@example.test", "password": "wrong"}, REMOTE_ADDR="203.0.113.77"
    )
    assert response.status_code == 200
    record = AuditLog.objects.get(action="accounts.login.failed")
    assert record.actor_label == "known@example.test"
    assert record.ip == "203.0.113.77"
    assert record.data == {"known_account": True}


def test_repeated_failed_logins_are_throttled_and_recorded(make_user, client):
    make_user("target@example.test")
    for _ in range(5):
        _login(client, "target@example.test", "wrong")
    response = _login(client, "target@example.test", PASSWORD)
    assert not response.wsgi_request.user.is_authenticated
    assert AuditLog.objects.filter(action="accounts.login.throttled", actor_label="target@example.test").exists()
    assert AuditLog.objects.filter(action="accounts.login.failed").count() == 5


def test_a_successful_login_and_logout_are_recorded(make_user, client):
    user = make_user("ok@example.test")
    response = _login(client, "ok@example.test", PASSWORD)
    assert response.status_code == 302
    client.post(reverse("account_logout"))
    actions = list(AuditLog.objects.filter(actor=user).values_list("action", flat=True).order_by("id"))
    assert actions == ["accounts.login.succeeded", "accounts.logout"]


def test_staff_with_an_authenticator_must_enter_a_code_after_the_password(make_user, client):
    make_user("m@example.test", "methodologist")
    response = _login(client, "m@example.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated
