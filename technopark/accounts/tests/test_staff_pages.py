from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from conftest import PASSWORD, TOTP_SECRET
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core.models import AuditLog


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.METHODOLOGIST])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(make_user, client, role):
    user = make_user("staff@example.test", role, mfa=False)
    client.force_login(user)
    response = client.get(reverse("portal:news-manage"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db(transaction=True)  # allauth announces the new app after commit, inside the request
def test_setting_up_the_authenticator_app_counts_as_using_it_in_that_session(make_user, client):
    client.force_login(make_user("staff@example.test", Role.METHODOLOGIST, mfa=False))
    assert client.get(reverse("portal:news-manage"))["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks before the change
    client.get(reverse("mfa_activate_totp"))
    activated = client.post(reverse("mfa_activate_totp"), {"code": _code(client.session["mfa.totp.secret"])})
    assert activated.status_code == 302
    assert client.get(reverse("portal:news-manage")).status_code == 200


def test_staff_signed_in_without_their_code_enter_it_and_come_back(make_user, client, sign_in_without_second_factor):
    sign_in_without_second_factor(client, make_user("staff@example.test", Role.METHODOLOGIST))
    sent = client.get(reverse("portal:news-manage"))
    assert sent["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fstaff%2Fnews%2F"
    back = client.post(sent["Location"], {"code": _code(TOTP_SECRET)})
    assert back["Location"] == reverse("portal:news-manage")
    assert client.get(reverse("portal:news-manage")).status_code == 200


def test_the_mfa_rule_can_be_switched_off_for_the_demo(make_user, client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(make_user("staff@example.test", Role.METHODOLOGIST, mfa=False))
    assert client.get(reverse("portal:news-manage")).status_code == 200


def test_every_page_asks_staff_without_an_authenticator_to_add_one(make_user, client):
    client.force_login(make_user("staff@example.test", Role.LAB_MANAGER, mfa=False))
    for url in (reverse("accounts:profile"), reverse("labs:lab-list")):
        response = client.get(url)
        assert response.context["second_factor_step"] == "enrol"
        assert reverse("mfa_activate_totp") in response.content.decode()


def test_non_staff_are_not_asked_for_an_authenticator(make_user, client):
    client.force_login(make_user("teacher@example.test", Role.TEACHER, mfa=False))
    response = client.get(reverse("accounts:profile"))
    assert not response.context["second_factor_step"]
    assert "second-factor-notice" not in response.content.decode()


def test_back_office_sends_staff_without_an_authenticator_to_set_one_up(make_user, client):
    client.force_login(make_user("admin@example.test", Role.ADMINISTRATOR, mfa=False))
    response = client.get(reverse("admin:index"), follow=True)
    assert reverse("mfa_activate_totp") in [url for url, _status in response.redirect_chain]


def test_back_office_refuses_signed_in_non_administrators(make_user, client):
    client.force_login(make_user("m@example.test", Role.METHODOLOGIST))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_back_office_login_goes_through_the_site_sign_in(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_administrator_grants_and_removes_roles_on_the_user_page(make_user, client):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    person = make_user("person@example.test", Role.STUDENT)
    client.force_login(admin)
    response = client.post(reverse("accounts:user-role-grant", kwargs={"user_id": person.pk}), {"role": "teacher"})
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).roles == {Role.STUDENT, Role.TEACHER}
    client.post(reverse("accounts:user-role-revoke", kwargs={"user_id": person.pk, "role": "student"}))
    assert User.objects.get(pk=person.pk).roles == {Role.TEACHER}
    page = client.get(reverse("accounts:user-detail", kwargs={"user_id": person.pk}))
    actions = [record.action for record in page.context["history"]]
    assert actions[:2] == ["accounts.role.revoked", "accounts.role.granted"]


def test_granting_a_held_role_shows_the_error_on_the_form(make_user, client):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    person = make_user("person@example.test", Role.STUDENT)
    client.force_login(admin)
    response = client.post(reverse("accounts:user-role-grant", kwargs={"user_id": person.pk}), {"role": "student"})
    assert response.status_code == 400
    assert response.context["grant_form"].errors["role"]


def test_the_user_list_filters_by_role_and_search(make_user, client):
    client.force_login(make_user("admin@example.test", Role.ADMINISTRATOR))
    make_user("petrov@example.test", Role.TEACHER, last_name="Петров")
    make_user("sidorova@example.test", Role.STUDENT, last_name="Сидорова")
    response = client.get(reverse("accounts:user-list"), {"role": "teacher"})
    assert [u.email for u in response.context["page_obj"]] == ["petrov@example.test"]
    response = client.get(reverse("accounts:user-list"), {"q": "Сидор"})
    assert [u.email for u in response.context["page_obj"]] == ["sidorova@example.test"]


def test_the_audit_page_filters_by_action_actor_and_date(make_user, client):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    client.force_login(admin)
    AuditLog.objects.create(action="accounts.login.failed", actor_label="guess@example.test", ip="198.51.100.9")
    AuditLog.objects.create(action="portal.news.published", actor_label="m@example.test")
    response = client.get(reverse("accounts:audit-list"), {"action": "accounts.login.f"})
    assert [r.action for r in response.context["page_obj"]] == ["accounts.login.failed"]
    response = client.get(reverse("accounts:audit-list"), {"action": "accounts.login"})
    assert {r.action for r in response.context["page_obj"]} == {"accounts.login.failed", "accounts.login.succeeded"}
    response = client.get(reverse("accounts:audit-list"), {"actor": "m@example"})
    assert [r.action for r in response.context["page_obj"]] == ["portal.news.published"]
    response = client.get(reverse("accounts:audit-list"), {"ip": "198.51.100.9"})
    assert len(response.context["page_obj"]) == 1
    response = client.get(reverse("accounts:audit-list"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert len(response.context["page_obj"]) == 0


def test_the_audit_filter_offers_events_labs_projects_institutions_and_people(make_user, client):
    """Its object filter listed only accounts, core, portal and api (issue 14, item 8)."""
    from django.contrib.contenttypes.models import ContentType

    from technopark.events.models import Event
    from technopark.labs.models import Booking
    from technopark.network.models import Institution
    from technopark.projects.models import Project

    client.force_login(make_user("admin@example.test", Role.ADMINISTRATOR))
    choices = dict(client.get("/en/staff/audit/").context["form"].fields["target_type"].choices)
    for model in (Event, Booking, Project, Institution):
        assert str(ContentType.objects.get_for_model(model).pk) in choices, model
    event_type = ContentType.objects.get_for_model(Event)
    assert choices[str(event_type.pk)] == "Event"
    AuditLog.objects.create(action="events.event.created", target_type=event_type, target_id="7")
    AuditLog.objects.create(action="portal.news.published")
    response = client.get(reverse("accounts:audit-list"), {"target_type": event_type.pk})
    assert [r.action for r in response.context["page_obj"]] == ["events.event.created"]


def test_an_invalid_audit_filter_keeps_the_input_and_shows_the_error(make_user, client):
    client.force_login(make_user("admin@example.test", Role.ADMINISTRATOR))
    response = client.get(reverse("accounts:audit-list"), {"since": "2026-05-02", "until": "2026-05-01", "actor": "x"})
    form = response.context["form"]
    assert form.errors["until"]
    assert form["actor"].value() == "x"
    assert len(response.context["page_obj"]) == 0


def test_a_person_edits_their_own_name_and_the_change_is_audited(make_user, client):
    user = make_user("student@example.test", Role.STUDENT)
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"last_name": "Климович", "first_name": "Максим", "patronymic": ""}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).get_full_name() == "Климович Максим"
    record = AuditLog.objects.get(action="accounts.user.profile_changed")
    assert record.data["changed"]["last_name"] == ["", "Климович"]


def test_an_administrator_awaiting_the_second_factor_has_no_back_office_permissions(
    make_user, client, sign_in_without_second_factor
):
    sign_in_without_second_factor(client, make_user("admin@example.test", Role.ADMINISTRATOR))
    user = client.get(reverse("accounts:profile")).wsgi_request.user
    assert user.awaiting_second_factor
    assert not user.has_perm("accounts.view_user")
    assert not user.has_module_perms("accounts")
    assert user.held_roles == {Role.ADMINISTRATOR} and not user.roles
