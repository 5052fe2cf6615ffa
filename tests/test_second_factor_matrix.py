"""DOMAIN.md rule 11: until a centre-staff login has used its second factor, it reaches no more personal data
than a student's — on every page and through the API, not only on staff pages.

The same world as the permission matrix, visited by each staff role in three states: signed in with the
code of its authenticator app (what staff get: the matrix's own column), without an authenticator app at
all, and with an authenticator app but a session signed in with the password alone. The last two get what
the student persona gets; staff pages send them to set up or use the app; the API refuses them with
``mfa_required`` instead of answering as a student.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

# The matrix's fixtures, used by name: its world and personas, built once for this module too.
from tests.test_permission_matrix import MATRIX, _kwargs, matrix_world, personas, world  # noqa: F401

STAFF = ["administrator", "methodologist", "lab_manager"]
PUPIL = "Ученикова"  # the surname of the matrix world's pupil


# url name → what a staff login without its second factor gets: "student" (the student persona's answer,
# from the matrix), "second factor" (a staff page: sent to set up or use the app), "mfa_required" (the API)
RULE: dict[str, str] = {
    "people:person-list": "student",
    "people:person-detail": "student",
    "people:person-edit": "student",
    "people:consent-scan": "student",
    "events:certificate-file": "student",
    "events:answer-file": "student",
    "events:registration-qr": "student",
    "events:institution-participants-export": "student",
    "events:participants-export": "second factor",
    "events:check-in-list": "second factor",
    "people:duplicate-list": "second factor",
    "accounts:user-list": "second factor",
    "accounts:audit-list": "second factor",
    "labs:staff": "second factor",
    "api:person-list": "mfa_required",
    "api:person-detail": "mfa_required",
    "api:person-update": "mfa_required",
    "api:person-consents": "mfa_required",
    "api:consent-list": "mfa_required",
    "api:me": "mfa_required",
    "api:news-list": "mfa_required",
}
# Lists answer 200 to everyone; what matters is whose names are in them.
LISTS = {"people:person-list"}


def _request(client: Client, url_name: str, world: dict[str, Any]) -> Any:
    case = MATRIX[url_name]
    url = reverse(url_name, kwargs=_kwargs(case.kwargs, world))
    if case.json:
        data = {k: world[v[1:]].pk if isinstance(v, str) and v.startswith("@") else v for k, v in case.data.items()}
        return client.generic(case.method, url, data=json.dumps(data), content_type="application/json")
    if case.method == "POST":
        return client.post(url, case.data)
    return client.generic(case.method, url)


@pytest.fixture
def sign_in(personas, make_user, sign_in_without_second_factor, client_for):
    """A client of a staff ``role`` signed in in ``state``: "second factor", "no authenticator", "password only"."""

    def _sign_in(role: str, state: str) -> Client:
        if state == "second factor":
            return client_for(personas[role])
        if state == "no authenticator":
            return client_for(make_user(f"{role}.without.app@example.test", role, mfa=False))
        return sign_in_without_second_factor(Client(), personas[role])

    return _sign_in


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("url_name", sorted(RULE))
def test_staff_reach_personal_data_only_after_their_second_factor(url_name, role, world, sign_in):
    verified = _request(sign_in(role, "second factor"), url_name, world)
    assert verified.status_code == MATRIX[url_name].expected()[role], f"{url_name} as {role} with the code"
    if url_name in LISTS:
        assert PUPIL in verified.content.decode()

    for state in ("no authenticator", "password only"):
        response = _request(sign_in(role, state), url_name, world)
        where = f"{MATRIX[url_name].method} {url_name} as {role}, {state}"
        if RULE[url_name] == "student" or MATRIX[url_name].expected()[role] == 403:
            # (a staff page of another role stays refused as it was)
            assert response.status_code == MATRIX[url_name].expected()["student"], where
        elif RULE[url_name] == "second factor":
            assert response.status_code == 302, where
            step = "mfa_activate_totp" if state == "no authenticator" else "mfa_reauthenticate"
            assert response["Location"].startswith(reverse(step)), where
        else:
            assert response.status_code == 403, where
            assert response.json()["code"] == "mfa_required", where
        if url_name in LISTS:
            assert PUPIL not in response.content.decode(), where


@pytest.mark.parametrize("state", ["no authenticator", "password only"])
def test_the_back_office_opens_only_after_the_second_factor(state, world, sign_in):
    assert sign_in("administrator", "second factor").get(reverse("admin:index")).status_code == 200
    response = sign_in("administrator", state).get(reverse("admin:index"), follow=True)
    step = "mfa_activate_totp" if state == "no authenticator" else "mfa_reauthenticate"
    assert any(url.startswith(reverse(step)) for url, _status in response.redirect_chain)


def test_the_header_says_why_staff_pages_are_hidden(world, sign_in):
    with_code = sign_in("methodologist", "second factor").get(reverse("accounts:profile")).content.decode()
    assert 'class="dropdown__menu"' in with_code and "second-factor-notice" not in with_code

    enrol = sign_in("methodologist", "no authenticator").get(reverse("accounts:profile")).content.decode()
    assert 'class="dropdown__menu"' not in enrol
    assert "second-factor-notice" in enrol and reverse("mfa_activate_totp") in enrol

    verify = sign_in("methodologist", "password only").get(reverse("people:person-list")).content.decode()
    assert 'class="dropdown__menu"' not in verify
    assert "second-factor-notice" in verify and reverse("mfa_reauthenticate") in verify


def test_with_the_rule_switched_off_staff_without_an_authenticator_reach_what_staff_reach(world, sign_in, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client = sign_in("methodologist", "no authenticator")
    assert PUPIL in client.get(reverse("people:person-list")).content.decode()
    assert client.get(reverse("api:person-list")).json()["count"] >= 1
    assert client.get(reverse("portal:news-manage")).status_code == 200
