from __future__ import annotations

import pytest
from django.http import Http404

from technopark.core.access import deny, get_visible_or_404
from technopark.core.context import RequestInfo, client_ip, reset_request_info, set_request_info
from technopark.core.models import AuditLog
from technopark.core.services import log_action


def test_log_action_records_actor_target_and_details(make_user):
    actor = make_user("actor@example.test")
    target = make_user("target@example.test")
    entry = log_action(target, "accounts.role.granted", actor=actor, data={"role": "teacher"})
    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.actor_label == "actor@example.test"
    assert entry.target_id == str(target.pk)
    assert entry.target_type.model == "user"
    assert entry.data == {"role": "teacher"}


def test_log_action_takes_address_and_user_from_the_current_request(make_user, rf):
    user = make_user("someone@example.test")
    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox")
    request.user = user
    token = set_request_info(RequestInfo(ip="10.1.2.3", user_agent="Firefox", path="/", method="GET", request=request))
    try:
        entry = log_action(None, "core.test.done")
    finally:
        reset_request_info(token)
    assert entry.actor == user
    assert entry.ip == "10.1.2.3"
    assert entry.user_agent == "Firefox"


def test_a_rolled_back_change_leaves_no_audit_record(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(None, "core.test.rolled_back")
        raise RuntimeError
    assert not AuditLog.objects.filter(action="core.test.rolled_back").exists()


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.1"}, 0, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, 0, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}, 1, "203.0.113.5"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, 2, "10.0.0.1"),
    ],
)
def test_client_ip_believes_forwarded_headers_only_from_trusted_proxies(meta, proxies, expected):
    assert client_ip(meta, proxies) == expected


def test_hidden_objects_raise_404_and_the_refusal_is_audited(make_user):
    from technopark.accounts.models import User

    viewer = make_user("viewer@example.test")
    other = make_user("other@example.test")
    with pytest.raises(Http404):
        get_visible_or_404(User.objects.filter(pk=viewer.pk), user=viewer, pk=other.pk)
    record = AuditLog.objects.get(action="core.access.denied")
    assert record.actor == viewer
    assert record.target_id == str(other.pk)


def test_missing_objects_raise_404_without_an_audit_record(make_user):
    from technopark.accounts.models import User

    viewer = make_user("viewer@example.test")
    with pytest.raises(Http404):
        get_visible_or_404(User.objects.all(), user=viewer, pk=999_999)
    assert not AuditLog.objects.filter(action="core.access.denied").exists()


def test_deny_raises_404(make_user):
    with pytest.raises(Http404):
        deny(make_user("x@example.test"), reason="test")


def test_every_403_response_is_recorded_with_path_and_address(personas, client_for):
    client = client_for(personas["teacher"])
    response = client.get("/staff/audit/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403
    record = AuditLog.objects.get(action="core.access.denied")
    assert record.actor == personas["teacher"]
    assert record.ip == "192.0.2.7"
    assert record.data["path"] == "/staff/audit/"


def test_a_csrf_failure_is_recorded_as_a_denied_access(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["methodologist"])
    response = client.post("/staff/news/new/", {"title_ru": "x"})
    assert response.status_code == 403
    assert AuditLog.objects.filter(action="core.access.denied", data__path="/staff/news/new/").exists()
