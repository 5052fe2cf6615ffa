from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.events.models import Event
from technopark.portal.models import News


def test_seed_demo_creates_people_of_every_role_and_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    held = {role for user in User.objects.prefetch_related("role_assignments") for role in user.roles}
    assert held == set(Role.values)
    assert User.objects.count() == 9
    assert News.objects.filter(status=News.Status.PUBLISHED).count() == 3
    # A newcomer can try a registration at once: the nearest events are open for it.
    assert Event.objects.filter(status=Event.Status.REGISTRATION_OPEN).count() == 3


def test_seed_demo_prints_the_logins_and_says_when_mfa_is_off(db, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    out = StringIO()
    call_command("seed_demo", "--if-empty", "--print-logins", stdout=out)
    text = out.getvalue()
    assert "admin@demo.test" in text
    assert "does NOT require staff to set up two-factor" in text
