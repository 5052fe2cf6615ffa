from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from technopark.accounts.models import ApiToken
from technopark.accounts.services import revoke_api_token
from technopark.core.models import AuditLog
from technopark.portal import services as portal_services
from technopark.portal.models import News


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def issue_api_token(user):
    """A token as the editor's token page issues it after a sign-in with the second factor."""
    from technopark.accounts.services import issue_api_token

    return issue_api_token(user, actor=user, second_factor=True)


@pytest.fixture
def editor(make_user):
    return make_user("editor@example.test", "methodologist")


def test_the_api_index_points_to_the_openapi_document_and_docs(client, db):
    body = client.get("/api/v1/").json()
    assert body["openapi"] == "/api/v1/openapi.json"
    assert body["docs"] == "/api/v1/docs"
    schema = client.get(body["openapi"]).json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/news", "/api/v1/news/{news_id}", "/api/v1/me"} <= set(schema["paths"])
    assert "BearerAuth" in json.dumps(schema["components"]) or "TokenAuth" in json.dumps(schema["components"])


def test_the_interactive_docs_load_without_inline_scripts(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()


def test_issue_api_token_prints_a_token_that_authenticates(editor):
    out = StringIO()
    call_command("issue_api_token", "EDITOR@example.test", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("tp_")
    stored = ApiToken.objects.get(user=editor)
    assert token not in (stored.key_hash, stored.prefix)  # only a hash is kept
    me = Client().get("/api/v1/me", **_bearer(token))
    assert me.status_code == 200
    assert me.json()["email"] == "editor@example.test"
    assert me.json()["roles"] == ["methodologist"]
    assert AuditLog.objects.filter(action="api.token.issued").exists()


def test_issue_api_token_for_an_unknown_email_fails_clearly(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_api_token", "nobody@example.test")


@pytest.mark.parametrize(
    "header", ["Bearer tp_wrong", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500]
)
def test_a_bad_token_is_a_json_401_even_on_public_endpoints(db, client, header):
    response = client.get("/api/v1/news", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_tokens_and_blocked_users_are_refused(editor, client):
    token, raw = issue_api_token(editor)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    revoke_api_token(token, actor=editor)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401
    _token, raw2 = issue_api_token(editor)
    editor.is_active = False
    editor.save()
    assert client.get("/api/v1/me", **_bearer(raw2)).status_code == 401


def test_an_editor_writes_and_publishes_news_through_the_api(editor, client):
    _token, raw = issue_api_token(editor)
    created = client.post(
        "/api/v1/news",
        json.dumps({"title_ru": "Из API", "title_en": "From the API"}),
        content_type="application/json",
        **_bearer(raw),
    )
    assert created.status_code == 201
    news_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert Client().get(f"/api/v1/news/{news_id}").status_code == 404
    published = client.patch(
        f"/api/v1/news/{news_id}", json.dumps({"status": "published"}), content_type="application/json", **_bearer(raw)
    )
    assert published.json()["status"] == "published"
    public = Client().get(f"/api/v1/news/{news_id}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert public["title"] == "From the API"
    record = AuditLog.objects.get(action="portal.news.published")
    assert record.actor == editor


def test_the_news_list_is_paginated_with_items_and_count(editor, client):
    for i in range(5):
        news = portal_services.create_news(actor=editor, title_ru=f"Новость {i}")
        portal_services.publish_news(news, actor=editor)
    portal_services.create_news(actor=editor, title_ru="Черновик")
    body = client.get("/api/v1/news?limit=2&offset=1").json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    assert "body_ru" not in body["items"][0]  # lists carry summaries; one item carries the text
    assert "body_ru" in client.get(f"/api/v1/news/{body['items'][0]['id']}").json()
    assert Client().get("/api/v1/news", **_bearer(issue_api_token(editor)[1])).json()["count"] == 6


def test_session_writes_need_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/api/v1/news", json.dumps({"title_ru": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert News.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("GET", "/api/v1/news?limit=-1", None, 422, "invalid"),
        ("GET", "/api/v1/news?limit=abc", None, 422, "invalid"),
        ("GET", "/api/v1/news?offset=99999999999999999999999", None, 422, "invalid"),
        ("GET", "/api/v1/news/abc", None, 422, "invalid"),
        ("GET", "/api/v1/news/999999", None, 404, "not_found"),
        ("GET", "/api/v1/nothing-here", None, 404, "not_found"),
        ("POST", "/api/v1/news", "{not json", 400, "bad_request"),
        ("POST", "/api/v1/news", "[]", 422, "invalid"),
        ("POST", "/api/v1/news", '{"title_ru": ""}', 422, "invalid"),
        ("POST", "/api/v1/news", '{"title_ru": 5}', 422, "invalid"),
        ("POST", "/api/v1/news", '{"title_ru": "' + "x" * 300 + '"}', 422, "invalid"),
        ("PATCH", "/api/v1/news/1", '{"status": "archived"}', 422, "invalid"),
    ],
)
def test_bad_input_gets_a_json_4xx_with_detail_and_code(editor, method, url, body, status, code):
    news = portal_services.create_news(actor=editor, title_ru="Новость")
    url = url.replace("/news/1", f"/news/{news.pk}")
    client = Client()
    client.force_login(editor)
    response = client.generic(method, url, body or "", content_type="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == code
    assert response.json()["detail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.one_of(st.integers(), st.text(max_size=12)),
    offset=st.one_of(st.integers(), st.text(max_size=12)),
    body=st.one_of(
        st.text(max_size=200),
        st.dictionaries(
            st.sampled_from(["title_ru", "title_be", "lead_ru", "status", "x"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=50)),
            max_size=4,
        ).map(json.dumps),
    ),
)
def test_no_input_makes_the_api_fail_with_a_5xx(editor, limit, offset, body):
    client = Client()
    client.force_login(editor)
    listing = client.get("/api/v1/news", {"limit": limit, "offset": offset})
    assert listing.status_code < 500
    created = client.post("/api/v1/news", body, content_type="application/json")
    assert created.status_code < 500
    assert created.status_code in (201, 400, 422)


def test_a_nul_character_is_refused_with_the_field_named_not_a_server_error(editor):
    """PostgreSQL can neither store nor compare text with a NUL character; the API refuses it for every
    schema (`api.parser`), in the body and in the query, with the 422 of any invalid input."""
    client = Client()
    client.force_login(editor)
    created = client.post(
        "/api/v1/news", json.dumps({"title_ru": "Новость\x00", "lead_ru": "x"}), content_type="application/json"
    )
    assert created.status_code == 422 and created.json()["code"] == "invalid"
    assert "body.title_ru" in created.json()["detail"]
    assert created.json()["errors"][0]["type"] == "null_character"
    searched = client.get("/api/v1/institutions", {"q": "школа\x00"})
    assert searched.status_code == 422 and "query.q" in searched.json()["detail"]
    assert client.get("/api/v1/institutions", {"q": "школа"}).status_code == 200


def test_the_labs_list_is_paginated_like_every_list(client, db):
    body = client.get("/api/v1/labs?limit=2").json()
    assert body["count"] == 4 and [lab["code"] for lab in body["items"]] == ["computer_centre", "creative_lab"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_json_404_in_development_too(client, db, settings, debug):
    settings.DEBUG = debug
    response = client.get("/api/v1/no-such-thing/42")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_every_operation_documents_the_errors_it_can_answer(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            documented = set(operation["responses"])
            assert {"401", "403"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "409", "503"} <= documented, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in documented, (method, path)


def test_every_choice_has_a_component_of_its_own(client, db):
    """Ten classes called Kind shared one component, so real answers broke the document (issue 14, item 13)."""
    from technopark.events.models import Event
    from technopark.labs.models import Booking, Equipment

    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["EventKind"]["enum"] == Event.Kind.values
    assert schemas["EquipmentKind"]["enum"] == Equipment.Kind.values
    assert schemas["BookingStatus"]["enum"] == Booking.Status.values
    assert schemas["EventStatus"]["enum"] == Event.Status.values
    assert "Status" not in schemas and "Kind" not in schemas
