"""Issue 12, items 1–6, played end to end by the people who would try them: a malicious student, a
malicious teacher (and coordinator), and a stranger — one with a stolen staff password, one behind the
proxy guessing passwords, one sending numbers and dates that cost the server.

Each scenario goes through the API and the pages as the attacker would, and then checks what the attack
was after (a consent on file, a name on a public page, a guardianship, a worker kept busy) did not happen.
The unit tests of each rule live beside the code; this file is the story a reviewer reads.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from technopark.accounts.roles import Role
from technopark.core.models import AuditLog
from technopark.events import services as event_services
from technopark.events.models import Registration
from technopark.labs.models import Booking, Equipment, Lab, OpeningHours
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services
from technopark.people.models import Consent, Guardianship, Person
from technopark.people.selectors import may_process

TODAY = timezone.localdate()
# A hostile request is refused before the work it asks for; this bounds the CPU it may take (a guard
# against unbounded work, not a speed measurement).
CPU_SECONDS = 1.0


def _years_ago(years: int) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


def _api(client: Client, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json", **extra)


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    """A school with a teacher and a coordinator, consent texts in force, an open event, the FabLab with a
    laser cutter that needs an authorisation."""
    for purpose in ("participation", "publication", "ndtp_transfer"):
        text = people_services.create_consent_text(actor=None, purpose=purpose, title_ru="Согласие", body_ru="Текст")
        people_services.publish_consent_text(text, actor=None)
    school = network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 7 г. Минска»", short_name="Гимназия № 7", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    teacher = make_user("teacher@example.test", Role.TEACHER, last_name="Учителева", first_name="Мария")
    people_services.set_affiliation(people_services.ensure_own_person(teacher), school, kind="teacher", actor=None)
    coordinator = make_user("coordinator@example.test")
    network_services.add_coordinator(school, coordinator, actor=None)
    methodologist = make_user("methodologist@example.test", Role.METHODOLOGIST)
    event = event_services.create_event(
        actor=methodologist, title_ru="Фестиваль роботов", kind="contest", audience="students", level="city",
        format="in_person", venue_kind="lab", venue_lab="fablab",
    )  # fmt: skip
    day = TODAY + dt.timedelta(days=10)
    event_services.set_sessions(
        event,
        [
            {
                "starts_at": event_services.localise(day, dt.time(10)),
                "ends_at": event_services.localise(day, dt.time(12)),
            }
        ],
        actor=methodologist,
    )
    event_services.change_status(event, "published", actor=methodologist)
    event_services.change_status(event, "registration_open", actor=methodologist)
    question = event_services.save_question(event, actor=methodologist, label_ru="Сколько лет в кружке?", kind="number")
    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=weekday, opens=dt.time(9), closes=dt.time(20)) for weekday in range(7)
    )
    printer = Equipment.objects.create(lab=lab, kind="printer_3d", name="3D-принтер", inventory_number="AB-1")
    return {
        "school": school, "teacher": teacher, "coordinator": coordinator, "methodologist": methodologist,
        "event": event, "question": question, "printer": printer,
    }  # fmt: skip


def _pupil(world: dict[str, Any], make_user: Any, *, years: int = 15, email: str = "pupil@example.test") -> Any:
    """A pupil the teacher added through the API with a date of birth, claimed by the pupil's own login."""
    teacher = _signed_in(world["teacher"])
    created = _api(teacher, "POST", "/api/v1/persons", {
        "institution": world["school"].pk, "last_name": "Смелова", "first_name": "Вера",
        "birth_date": _years_ago(years).isoformat(),
    })  # fmt: skip
    assert created.status_code == 201, created.content
    code = _api(teacher, "POST", f"/api/v1/persons/{created.json()['id']}/claim-codes", {"claimant": "self"})
    login = make_user(email)
    assert _api(_signed_in(login), "POST", "/api/v1/persons/claim", {"code": code.json()["code"]}).status_code == 200
    return Person.objects.get(pk=created.json()["id"]), login


# --- The malicious student ------------------------------------------------------------------------------


def test_a_15_year_old_cannot_make_themself_an_adult_to_consent_or_be_published(world, make_user):
    pupil, login = _pupil(world, make_user)
    me = _signed_in(login)
    # The date of birth the teacher entered is not the pupil's to change, to a date or to nothing.
    for new_date in ("2000-01-01", None):
        refused = _api(me, "PATCH", f"/api/v1/persons/{pupil.pk}", {"birth_date": new_date})
        assert refused.status_code == 400 and refused.json()["code"] == "birth_date_confirmed"
    pupil.refresh_from_db()
    assert pupil.birth_date == _years_ago(15)
    # Nor may they consent for themself: a guardian does that until they are 16.
    for purpose in ("publication", "ndtp_transfer"):
        consent = _api(me, "POST", f"/api/v1/persons/{pupil.pk}/consents", {"purpose": purpose})
        assert consent.status_code == 400 and consent.json()["code"] == "guardian_required"
    assert not Consent.objects.filter(subject=pupil).exists()
    assert not may_process(pupil, "publication")


def test_a_child_whose_date_nobody_confirmed_gains_nothing_by_typing_one(world, make_user):
    login = make_user("self.signed@example.test", Role.STUDENT)
    me = _signed_in(login)
    own = people_services.ensure_own_person(login)
    event_url = f"/api/v1/events/{world['event'].pk}/registrations"
    # Without a date the platform does not take them for an adult: no registration without a guardian.
    refused = _api(me, "POST", event_url, {})
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    # They may type their own missing date, but it decides nothing until a teacher or guardian confirms it.
    typed = _api(me, "PATCH", f"/api/v1/persons/{own.pk}", {"birth_date": "2000-01-01"})
    assert typed.status_code == 200 and typed.json()["birth_date_confirmed"] is False
    assert _api(me, "POST", event_url, {}).json()["code"] == "consent_required"
    assert _api(me, "POST", f"/api/v1/persons/{own.pk}/consents", {"purpose": "publication"}).status_code == 400
    assert _api(me, "POST", f"/api/v1/persons/{own.pk}/birth-date/confirm").status_code == 403
    assert not Registration.objects.filter(person=own).exists()


def test_a_consent_given_under_a_wrong_date_ends_when_the_teacher_corrects_it(world, make_user):
    pupil, login = _pupil(world, make_user, years=20)  # the teacher mistyped the year
    given = _api(_signed_in(login), "POST", f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert given.status_code == 201
    teacher = _signed_in(world["teacher"])
    corrected = _api(teacher, "PATCH", f"/api/v1/persons/{pupil.pk}", {"birth_date": _years_ago(14).isoformat()})
    assert corrected.status_code == 200
    consent = Consent.objects.get(subject=pupil)
    assert consent.withdrawal_reason == "age_corrected" and consent.withdrawn_at is not None
    assert not may_process(pupil, "publication")


def test_a_student_cannot_approve_their_own_project_booking(world, make_user):
    pupil, login = _pupil(world, make_user, years=16)
    me = _signed_in(login)
    start = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(10)))
    body = {
        "equipment": world["printer"].pk, "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "purpose": "project",
    }  # fmt: skip
    # Naming themself, or a login that teaches nowhere near them, as the approving teacher is refused alike.
    stranger = make_user("not.a.teacher@example.test")
    for supervisor in (pupil.pk, people_services.ensure_own_person(stranger).pk):
        refused = _api(me, "POST", "/api/v1/bookings", {**body, "supervisor": supervisor})
        assert refused.status_code == 400 and refused.json()["code"] == "supervisor_not_allowed"
    assert not Booking.objects.filter(person=pupil).exists()
    # Their real teacher is accepted; the booking waits for that teacher, and the pupil cannot decide it.
    teacher_person = world["teacher"].person
    booked = _api(me, "POST", "/api/v1/bookings", {**body, "supervisor": teacher_person.pk})
    assert booked.status_code == 201 and booked.json()["status"] == "pending_approval"
    booking = Booking.objects.get(pk=booked.json()["id"])
    approve = me.post(reverse("labs:booking-decide", kwargs={"booking_id": booking.pk}), {"decision": "approve"})
    assert approve.status_code in (403, 404)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_APPROVAL


def test_a_student_cannot_keep_a_worker_busy_with_huge_numbers_or_far_dates(world, make_user):
    _pupil_record, login = _pupil(world, make_user, years=17)
    me = _signed_in(login)
    registrations = f"/api/v1/events/{world['event'].pk}/registrations"
    question = str(world["question"].pk)
    start = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(10)))
    booking = {
        "equipment": world["printer"].pk, "purpose": "project",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
    }  # fmt: skip
    hostile = [
        ("POST", registrations, {"answers": {question: "1e300000"}}),
        ("POST", registrations, {"answers": {question: "9" * 300_000}}),
        ("POST", "/api/v1/bookings", {**booking, "weekly_until": "9999-12-31"}),
        ("POST", "/api/v1/bookings", {**booking, "weekly_until": "9998-12-31"}),
        ("POST", "/api/v1/bookings", {**booking, "starts_at": "2026-06-01T10:00:00", "ends_at": "2026-06-01T11:00:00"}),
    ]
    for method, url, body in hostile:
        started = time.process_time()
        response = _api(me, method, url, body)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert time.process_time() - started < CPU_SECONDS, url
    assert not Registration.objects.filter(event=world["event"]).exists()


# --- The malicious teacher and coordinator --------------------------------------------------------------


def test_a_teacher_cannot_make_themself_a_pupils_guardian_and_consent_for_them(world, make_user):
    pupil, _login = _pupil(world, make_user, years=12)
    teacher = _signed_in(world["teacher"])
    code = _api(teacher, "POST", f"/api/v1/persons/{pupil.pk}/claim-codes", {"claimant": "guardian"}).json()["code"]
    # Redeemed through the API and through the page, it is refused to the teacher who issued it.
    refused = _api(teacher, "POST", "/api/v1/persons/claim", {"code": code})
    assert refused.status_code == 400 and refused.json()["code"] == "guardian_claim_refused"
    assert teacher.post(reverse("people:claim"), {"code": code}).status_code == 400
    assert not Guardianship.objects.filter(child=pupil).exists()
    for purpose in ("publication", "ndtp_transfer"):
        assert _api(teacher, "POST", f"/api/v1/persons/{pupil.pk}/consents", {"purpose": purpose}).status_code >= 400
    assert not Consent.objects.filter(subject=pupil).exists()
    assert AuditLog.objects.filter(action="accounts.claim_code.refused", actor=world["teacher"]).exists()
    # The school's coordinator cannot redeem it either; the real parent, with their own login, can.
    coordinator = _signed_in(world["coordinator"])
    assert _api(coordinator, "POST", "/api/v1/persons/claim", {"code": code}).json()["code"] == "guardian_claim_refused"
    parent = make_user("parent@example.test")
    assert _api(_signed_in(parent), "POST", "/api/v1/persons/claim", {"code": code}).status_code == 200
    assert list(Guardianship.objects.filter(child=pupil).values_list("guardian__user", flat=True)) == [parent.pk]


# --- Strangers --------------------------------------------------------------------------------------------


def test_a_stolen_staff_password_without_the_second_factor_reads_no_childs_data(
    world, make_user, sign_in_without_second_factor
):
    pupil, _login = _pupil(world, make_user)
    thief = sign_in_without_second_factor(Client(), world["methodologist"])
    listing = thief.get("/api/v1/persons")
    assert listing.status_code == 403 and listing.json()["code"] == "mfa_required"
    assert thief.get(f"/api/v1/persons/{pupil.pk}").status_code == 403
    assert _api(thief, "PATCH", f"/api/v1/persons/{pupil.pk}", {"phone": "+375291234567"}).status_code == 403
    # The pages show what any signed-in person sees: not the pupil, and no staff page.
    assert thief.get(reverse("people:person-detail", kwargs={"person_id": pupil.pk})).status_code == 404
    assert pupil.last_name not in thief.get(reverse("people:person-list")).content.decode()
    staff_page = thief.get(reverse("portal:news-manage"))
    assert staff_page.status_code == 302 and "/2fa/" in staff_page["Location"]


def test_a_password_guesser_behind_the_proxy_locks_out_nobody_else(world, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("victim@example.test", Role.STUDENT)
    make_user("guesser@example.test", Role.STUDENT)

    def sign_in(email: str, password: str, forwarded_for: str) -> bool:
        response = Client().post(
            reverse("account_login"), {"login": email, "password": password},
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for,
        )  # fmt: skip
        return response.status_code == 302 and response.wsgi_request.user.is_authenticated

    # One guesser (203.0.113.66, as nginx appends it) past the per-address limit, pretending to be many
    # clients by writing addresses of its own in front.
    for attempt in range(25):
        sign_in(f"guess{attempt}@example.test", "wrong", f"198.51.100.{attempt}, 203.0.113.66")
    # The guesser is refused even with a right password; everyone else signs in as usual.
    assert not sign_in("guesser@example.test", PASSWORD, "203.0.113.66")
    assert sign_in("victim@example.test", PASSWORD, "192.0.2.10")
    assert sign_in("guesser@example.test", PASSWORD, "192.0.2.11")


def test_a_stranger_cannot_crash_or_stall_public_pages_with_dates_and_numbers(world):
    anonymous = Client()
    hostile = [
        reverse("labs:lab-week", kwargs={"code": "fablab"}) + "?week=9999-12-31",
        reverse("labs:lab-week", kwargs={"code": "fablab"}) + "?week=0001-01-01",
        reverse("labs:equipment-detail", kwargs={"equipment_id": world["printer"].pk}) + "?week=9999-12-31",
        reverse("events:calendar") + "?date_from=0001-01-01&date_to=9999-12-31",
        reverse("events:calendar-month") + "?month=99999999999999999999-01",
        f"/api/v1/equipment/{world['printer'].pk}/availability?starts_at=9999-12-31T10:00:00%2B03:00&ends_at=9999-12-31T11:00:00%2B03:00",
        "/api/v1/events?limit=99999999999999999999999",
        "/api/v1/institutions?district=99999999999999999999999",
    ]
    for url in hostile:
        started = time.process_time()
        response = anonymous.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert time.process_time() - started < CPU_SECONDS, url
