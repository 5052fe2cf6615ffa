from __future__ import annotations

import pytest

from technopark.accounts import services
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core.errors import ConflictError, DomainError
from technopark.core.models import AuditLog


def test_granting_a_role_is_audited_and_one_login_can_hold_several(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    user = make_user("teacher@example.test", Role.TEACHER)
    services.grant_role(user, Role.JURY_MEMBER, actor=admin)
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.TEACHER, Role.JURY_MEMBER}
    record = AuditLog.objects.get(action="accounts.role.granted")
    assert (record.actor, record.target_id, record.data) == (admin, str(user.pk), {"role": "jury_member"})


def test_granting_a_held_role_is_a_conflict(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    user = make_user("teacher@example.test", Role.TEACHER)
    with pytest.raises(ConflictError):
        services.grant_role(user, Role.TEACHER, actor=admin)


def test_granting_an_unknown_role_is_refused(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    with pytest.raises(DomainError):
        services.grant_role(admin, "superhero", actor=admin)


def test_the_administrator_role_opens_the_back_office_and_revoking_closes_it(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    user = make_user("m@example.test", Role.METHODOLOGIST)
    services.grant_role(user, Role.ADMINISTRATOR, actor=admin)
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    services.revoke_role(user, Role.ADMINISTRATOR, actor=admin)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
    assert AuditLog.objects.filter(action="accounts.role.revoked", target_id=str(user.pk)).exists()


def test_the_last_administrator_cannot_lose_the_role(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    with pytest.raises(DomainError) as info:
        services.revoke_role(admin, Role.ADMINISTRATOR, actor=admin)
    assert info.value.code == "last_administrator"
    assert User.objects.get(pk=admin.pk).roles == {Role.ADMINISTRATOR}


def test_revoking_a_role_not_held_is_refused(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    with pytest.raises(DomainError):
        services.revoke_role(admin, Role.TEACHER, actor=admin)


def test_blocking_a_login_is_audited_and_the_last_admin_cannot_be_blocked(make_user):
    admin = make_user("admin@example.test", Role.ADMINISTRATOR)
    student = make_user("s@example.test", Role.STUDENT)
    services.set_user_active(student, False, actor=admin)
    assert not User.objects.get(pk=student.pk).is_active
    assert AuditLog.objects.filter(action="accounts.user.blocked").exists()
    with pytest.raises(DomainError):
        services.set_user_active(admin, False, actor=admin)


def test_a_blocked_login_holds_no_roles_for_access_checks(make_user):
    user = make_user("t@example.test", Role.TEACHER, is_active=False)
    assert not user.has_role(Role.TEACHER)


def test_full_name_is_written_surname_first_and_short_name_with_initials(make_user):
    user = make_user("x@example.test", last_name="Иванова", first_name="Анна", patronymic="Сергеевна")
    assert user.get_full_name() == "Иванова Анна Сергеевна"
    assert user.get_short_name() == "Иванова А. С."


def test_createsuperuser_makes_a_platform_administrator(db):
    user = User.objects.create_superuser("root@example.test", "pw-long-enough-123")
    assert Role.ADMINISTRATOR in User.objects.get(pk=user.pk).roles


def test_emails_are_unique_whatever_the_case(make_user):
    from django.db import IntegrityError, transaction

    make_user("Same@Example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="SAME@example.TEST")


def test_the_roles_are_read_in_one_query_and_prefetched_ones_in_none(make_user, django_assert_num_queries):
    from technopark.accounts.models import RoleAssignment, User

    login = make_user("roles.read@example.test", "teacher", "methodologist")
    fresh = User.objects.get(pk=login.pk)
    with django_assert_num_queries(1):
        assert fresh.roles == {"teacher", "methodologist"}
        assert fresh.has_role("teacher") and fresh.is_centre_staff
    RoleAssignment.objects.filter(user=login, role="teacher").delete()
    assert User.objects.get(pk=login.pk).roles == {"methodologist"}  # read anew for each login object
    listed = list(User.objects.filter(pk__in=[login.pk]).prefetch_related("role_assignments"))
    with django_assert_num_queries(0):
        assert listed[0].roles == {"methodologist"}
    assert make_user("roles.none@example.test").roles == frozenset()
    assert User(email="unsaved@example.test").roles == frozenset()


def test_a_sessions_login_comes_with_its_roles_in_one_query(make_user, client, django_assert_num_queries):
    """`accounts.backends`: the login a session names is read with its roles; a blocked login is not read
    back at all, and a login without roles holds none."""
    from technopark.accounts.backends import AuthenticationBackend

    login = make_user("with.roles@example.test", "teacher", "jury_member")
    backend = AuthenticationBackend()
    with django_assert_num_queries(1):
        read = backend.get_user(login.pk)
        assert read.roles == {"teacher", "jury_member"} and read.has_role("jury_member")
    assert backend.get_user(make_user("no.roles@example.test").pk).roles == frozenset()
    assert backend.get_user(999_999) is None
    User.objects.filter(pk=login.pk).update(is_active=False)
    assert backend.get_user(login.pk) is None
    # Through a real session: signed in by e-mail (in any case) and password, the session names this
    # backend and the next request finds the login with its roles.
    make_user("signs.in@example.test", "teacher", password="a-long-password-1")
    assert not client.login(email="signs.in@example.test", password="a-wrong-password")
    assert client.login(email="SIGNS.IN@example.test", password="a-long-password-1")
    assert client.session["_auth_user_backend"] == "technopark.accounts.backends.AuthenticationBackend"
    user = client.get("/").wsgi_request.user
    with django_assert_num_queries(0):
        assert user.email == "signs.in@example.test" and user.roles == {"teacher"}
