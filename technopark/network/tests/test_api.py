from __future__ import annotations

import json

import pytest
from django.test import Client

from technopark.accounts.roles import Role
from technopark.network.models import District, Institution


@pytest.fixture
def methodologist_client(make_user):
    client = Client()
    client.force_login(make_user("m@example.test", Role.METHODOLOGIST))
    return client


def test_the_public_lists_institutions_with_filters_and_pagination(client, make_institution):
    make_institution("Гимназия № 1")
    make_institution("Лицей № 2", kind=Institution.Kind.LYCEUM)
    body = client.get("/api/v1/institutions", {"kind": "lyceum"}).json()
    assert body["count"] == 1
    assert body["items"][0]["short_name"] == "Лицей № 2"
    assert body["items"][0]["district"]["code"] == "frunzensky"
    assert client.get("/api/v1/institutions", {"q": "гимназия", "limit": 1}).json()["count"] == 1
    assert client.get("/api/v1/institutions", {"sort": "nonsense"}).status_code == 422
    assert len(client.get("/api/v1/districts").json()) == 16


def test_a_methodologist_creates_and_updates_an_institution(methodologist_client, district):
    payload = {"full_name": "ГУО «СШ № 5»", "short_name": "СШ № 5", "kind": "school", "district": district.pk,
               "cluster_role": "base", "phone": "80172000005"}  # fmt: skip
    created = methodologist_client.post("/api/v1/institutions", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["phone"] == "+375 17 200-00-05"
    patched = methodologist_client.patch(
        f"/api/v1/institutions/{body['id']}", json.dumps({"is_active": False, "address": "ул. Новая, 5"}),
        content_type="application/json",
    )  # fmt: skip
    assert patched.json()["is_active"] is False
    assert Client().get(f"/api/v1/institutions/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"short_name": "x"}, 422),
        ({"full_name": "x", "short_name": "x", "kind": "castle", "district": 1, "cluster_role": "base"}, 422),
        ({"full_name": "x", "short_name": "x", "kind": "school", "district": 999, "cluster_role": "base"}, 404),
        (
            {
                "full_name": "x",
                "short_name": "x",
                "kind": "school",
                "district": 1,
                "cluster_role": "base",
                "phone": "1",
            },
            422,
        ),
        (
            {
                "full_name": "x",
                "short_name": "x",
                "kind": "school",
                "district": 1,
                "cluster_role": "base",
                "email": "no",
            },
            422,
        ),
    ],
)
def test_bad_institution_input_is_a_json_4xx(methodologist_client, payload, status):
    response = methodologist_client.post("/api/v1/institutions", json.dumps(payload), content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["code"]


def test_an_abroad_partner_without_a_country_is_refused_by_the_api(methodologist_client):
    abroad = District.objects.get(code="abroad")
    payload = {
        "full_name": "P GmbH",
        "short_name": "P",
        "kind": "enterprise",
        "district": abroad.pk,
        "cluster_role": "partner",
    }
    response = methodologist_client.post("/api/v1/institutions", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "country"


def test_agreements_are_for_staff_through_the_api(methodologist_client, make_institution, personas, client_for):
    partner = make_institution("Роботех", cluster_role=Institution.ClusterRole.PARTNER)
    payload = {"number": "7", "signed_on": "2026-01-10", "valid_from": "2026-01-10", "valid_until": "2027-01-10",
               "subject": "Оборудование", "resources": ["equipment"]}  # fmt: skip
    created = methodologist_client.post(
        f"/api/v1/institutions/{partner.pk}/agreements", json.dumps(payload), content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["resources"] == ["equipment"]
    assert client_for(personas["teacher"]).get("/api/v1/agreements").json()["count"] == 0
    assert client_for(None).get(f"/api/v1/agreements/{created.json()['id']}").status_code == 404
    bad = dict(payload, valid_until="2025-01-01")
    response = methodologist_client.post(
        f"/api/v1/institutions/{partner.pk}/agreements", json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
