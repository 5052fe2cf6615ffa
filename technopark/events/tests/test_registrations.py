"""Registration: eligibility with reasons, capacity and the waiting list, approval, cancellation."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from technopark.core.errors import ConflictError
from technopark.events import services
from technopark.events.models import Event, Registration
from technopark.events.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


@pytest.fixture
def school(db: Any) -> Any:
    return network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 7»", short_name="Гимназия № 7", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


@pytest.fixture
def texts(db: Any) -> None:
    text = people_services.create_consent_text(
        actor=None, purpose="participation", title_ru="Согласие", body_ru="Текст"
    )
    people_services.publish_consent_text(text, actor=None)


def _student(school: Any, name: str, born: dt.date, grade: int = 8, guardian: Any = None) -> Any:
    person = people_services.add_student(
        school, actor=None, last_name=name, first_name="Иван", birth_date=born, grade=grade
    )
    if guardian is not None:
        parent = people_services.ensure_own_person(guardian)
        people_services.link_guardian(person, parent, actor=None)
        people_services.give_consent(person, purpose="participation", giver=parent, actor=guardian)
    return person


def _teen(school: Any, name: str) -> Any:
    """A 16-year-old: no guardian's consent needed."""
    return _student(school, name, timezone.localdate() - dt.timedelta(days=16 * 366), grade=10)


@pytest.fixture
def open_event(make_event: Any) -> Any:
    return make_event("Конкурс «Юный инженер»", status="registration_open", capacity=2)


def test_places_are_confirmed_then_waitlisted_and_a_cancellation_promotes_the_first_in_line(
    open_event: Any, school: Any, methodologist: Any
) -> None:
    a, b, c, d = (_teen(school, n) for n in ("Алексеев", "Борисов", "Васильев", "Григорьев"))
    first = services.register(open_event, actor=methodologist, form="individual", person=a)
    second = services.register(open_event, actor=methodologist, form="individual", person=b)
    third = services.register(open_event, actor=methodologist, form="individual", person=c)
    fourth = services.register(open_event, actor=methodologist, form="individual", person=d)
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    services.cancel_registration(first, actor=methodologist)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == "confirmed" and fourth.status == "waitlisted"
    assert services.places_held(open_event) == 2


def test_the_promoted_participant_is_told_by_e_mail(
    open_event: Any, school: Any, make_user: Any, methodologist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = _teen(school, "Алексеев")
    b = _teen(school, "Борисов")
    c = _teen(school, "Васильев")
    c.email = "vasiliev@example.test"
    c.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(open_event, actor=methodologist, form="individual", person=a)
        services.register(open_event, actor=methodologist, form="individual", person=b)
        services.register(open_event, actor=methodologist, form="individual", person=c)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(first, actor=methodologist)
    to_c = [m for m in mail.outbox if "vasiliev@example.test" in m.to]
    assert len(to_c) == 1 and "Конкурс «Юный инженер»" in to_c[0].subject


def test_a_team_takes_as_many_places_as_it_has_members(make_event: Any, school: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open", capacity=4)
    team = [_teen(school, n) for n in ("Алексеев", "Борисов", "Васильев")]
    registration = services.register(
        event, actor=methodologist, form="team", team_name="Роботы", members=team, institution=school
    )
    assert registration.status == "confirmed" and registration.places == 3
    too_big = services.register(
        event, actor=methodologist, form="team", team_name="Инженеры", members=[_teen(school, "Д"), _teen(school, "Е")]
    )
    assert too_big.status == "waitlisted"
    with pytest.raises(ConflictError) as refused:
        services.register(event, actor=methodologist, form="individual", person=team[0])
    assert refused.value.code == "already_registered"
    # Initials end with a full stop; the sentence must not add a second one after them.
    assert "Алексеев И." in str(refused.value.message) and ".." not in str(refused.value.message)


def test_a_group_counts_its_head_count(make_event: Any, school: Any, make_user: Any, methodologist: Any) -> None:
    event = make_event(kind="excursion", status="registration_open", capacity=30)
    teacher = people_services.ensure_own_person(make_user("t@example.test", "teacher"))
    group = services.register(
        event, actor=methodologist, form="group", institution=school, head_count=25, supervisors=[teacher]
    )
    assert group.status == "confirmed" and services.free_places(event) == 5
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=methodologist, form="group", institution=school, head_count=5)
    assert refused.value.code == "supervisor_required"


def test_nominations_have_their_own_places(make_event: Any, school: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open")
    junior = services.save_nomination(event, actor=methodologist, title_ru="Младшие", capacity=1)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=methodologist, form="individual", person=_teen(school, "А"))
    assert refused.value.code == "nomination_required"
    assert (
        services.register(
            event, actor=methodologist, form="individual", person=_teen(school, "Б"), nomination=junior
        ).status
        == "confirmed"
    )
    assert (
        services.register(
            event, actor=methodologist, form="individual", person=_teen(school, "В"), nomination=junior
        ).status
        == "waitlisted"
    )


@pytest.mark.parametrize(
    ("limits", "code"),
    [({"min_age": 17}, "too_young"), ({"max_age": 12}, "too_old"), ({"min_grade": 11}, "grade_limit")],
)
def test_limits_refuse_with_the_reason(
    make_event: Any, school: Any, methodologist: Any, limits: dict[str, int], code: str
) -> None:
    event = make_event(status="registration_open", **limits)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=methodologist, form="individual", person=_teen(school, "Алексеев"))
    assert refused.value.code == code and "Алексеев" in str(refused.value)


def test_a_child_under_16_needs_a_guardians_consent(
    make_event: Any, school: Any, make_user: Any, methodologist: Any, texts: Any
) -> None:
    event = make_event(status="registration_open")
    without = _student(school, "Без согласия", dt.date(2014, 1, 1), grade=6)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=methodologist, form="individual", person=without)
    assert refused.value.code == "consent_required"
    with_consent = _student(school, "С согласием", dt.date(2014, 1, 1), grade=6, guardian=make_user("p@example.test"))
    assert services.register(event, actor=methodologist, form="individual", person=with_consent).status == "confirmed"


def test_registration_is_refused_outside_its_window(make_event: Any, school: Any, methodologist: Any) -> None:
    announced = make_event(status="published")
    with pytest.raises(services.RegistrationError) as refused:
        services.register(announced, actor=methodologist, form="individual", person=_teen(school, "А"))
    assert refused.value.code == "registration_closed"
    later = make_event(status="registration_open", registration_opens_at=at(1), registration_closes_at=at(3))
    with pytest.raises(services.RegistrationError) as refused:
        services.register(later, actor=methodologist, form="individual", person=_teen(school, "Б"))
    assert refused.value.code == "registration_not_yet"


def test_approval_holds_no_place_until_staff_decide(make_event: Any, school: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open", needs_approval=True, capacity=1)
    registration = services.register(event, actor=methodologist, form="individual", person=_teen(school, "А"))
    assert registration.status == "pending_approval" and services.places_held(event) == 0


def test_the_api_registers_refuses_with_reasons_and_cancels(open_event: Any, school: Any, make_user: Any) -> None:
    login = make_user("teen@example.test", "student")
    teen = _teen(school, "Сам")
    teen.user = login
    teen.save()
    client = Client()
    client.force_login(login)
    url = f"/api/v1/events/{open_event.pk}/registrations"
    created = client.post(url, json.dumps({}), content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    again = client.post(url, json.dumps({}), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_registered"
    stranger = _teen(school, "Чужой")
    assert client.post(url, json.dumps({"person": stranger.pk}), content_type="application/json").status_code == 404
    cancelled = client.delete(f"/api/v1/registrations/{created.json()['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.delete(f"/api/v1/registrations/{created.json()['id']}").status_code == 409
    anonymous = Client().post(url, json.dumps({}), content_type="application/json")
    assert anonymous.status_code == 401
    assert Registration.objects.filter(status="confirmed").count() == 0


def test_a_teacher_registers_a_team_of_three_through_the_page_and_cancels_it(
    make_event: Any, school: Any, make_user: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open", capacity=10)
    nomination = services.save_nomination(
        event, actor=methodologist, title_ru="Робототехника", min_grade=9, max_grade=11
    )
    teacher_login = make_user("teacher.reg@example.test", "teacher")
    teacher = people_services.ensure_own_person(teacher_login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    team = [_teen(school, n) for n in ("Андреев", "Белов", "Волков")]
    client = Client()
    client.force_login(teacher_login)
    form = client.get(f"/events/{event.pk}/register/")
    assert form.status_code == 200 and "Андреев" in form.content.decode()
    empty = client.post(
        f"/events/{event.pk}/register/", {"form": "team", "nomination": nomination.pk, "members": [p.pk for p in team]}
    )
    assert empty.status_code == 400 and "Назовите команду" in empty.content.decode()
    done = client.post(
        f"/events/{event.pk}/register/",
        {"form": "team", "nomination": nomination.pk, "team_name": "Роботы", "members": [p.pk for p in team],
         "institution": school.pk, "supervisors": [teacher.pk]},
    )  # fmt: skip
    assert done.status_code == 302
    registration = Registration.objects.get()
    assert registration.places == 3 and registration.status == "confirmed"
    assert list(registration.supervisors.all()) == [teacher]
    mine = client.get("/events/my/").content.decode()
    assert "Роботы" in mine and "Андреев" in mine
    staff = Client()
    staff.force_login(methodologist)
    assert "Роботы" in staff.get(f"/staff/events/{event.pk}/registrations/").content.decode()
    assert client.post(f"/events/registrations/{registration.pk}/cancel/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_stranger_cannot_register_someone_else_through_the_page(make_event: Any, school: Any, make_user: Any) -> None:
    event = make_event(status="registration_open")
    someone = _teen(school, "Чужой")
    client = Client()
    client.force_login(make_user("x@example.test"))
    response = client.post(f"/events/{event.pk}/register/", {"form": "individual", "person": someone.pk})
    assert response.status_code == 400 and not Registration.objects.exists()


def test_staff_approve_a_registration_and_raising_capacity_promotes_the_waiting_list(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open", capacity=1, needs_approval=True)
    first = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Первый"))
    second = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Второй"))
    client = Client()
    client.force_login(methodologist)
    confirmed = client.post(f"/en/staff/events/registrations/{first.pk}/decide/", {"decision": "approve"}, follow=True)
    waiting = client.post(f"/en/staff/events/registrations/{second.pk}/decide/", {"decision": "approve"}, follow=True)
    # The message names the status the decision led to, not the one the page read before it.
    assert "Decided: confirmed." in confirmed.content.decode()
    assert "Decided: on the waiting list." in waiting.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    services.update_event(event, actor=methodologist, capacity=2)
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_staff_check_in_by_the_qr_url_and_hours_are_counted_per_session(
    make_event: Any, school: Any, methodologist: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from technopark.events.models import Attendance

    course = make_event(
        "Курсы «Робототехника»", kind="course", audience="teachers", status="registration_open", sessions=2, days=0
    )
    for session in course.sessions.all():
        session.hours = 4
        session.save()
    login = make_user("teacher.course@example.test", "teacher")
    teacher = people_services.ensure_own_person(login)
    teacher.email = "teacher.course@example.test"
    teacher.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(course, actor=login, form="individual", person=teacher)
    confirmation = next(m for m in mail.outbox if "teacher.course@example.test" in m.to)
    assert confirmation.attachments[0][0] == "qr.png" and confirmation.attachments[0][1][:4] == b"\x89PNG"
    staff = Client()
    staff.force_login(methodologist)
    url = f"/events/check-in/{registration.code}/"
    assert url in services.mail.check_in_url(registration)
    page = staff.get(url)
    assert page.status_code == 200 and teacher.full_name in page.content.decode()
    first = course.sessions.order_by("starts_at").first()
    assert staff.post(url, {"session": first.pk}).status_code == 302
    assert staff.post(url, {"session": first.pk}).status_code == 302  # a second tap changes nothing
    assert Attendance.objects.filter(registration=registration).count() == 1
    listing = staff.get(
        f"/staff/events/{course.pk}/check-in/", {"q": teacher.last_name, "session": first.pk}
    ).content.decode()
    assert teacher.short_name in listing or teacher.full_name in listing
    participants = staff.get(f"/staff/events/{course.pk}/registrations/")
    row = participants.context["registrations"][0]
    assert (row.sessions_attended, row.hours) == (1, 4)
    owner = Client()
    owner.force_login(login)
    qr = owner.get(f"/events/registrations/{registration.pk}/qr.svg")
    assert qr.status_code == 200 and b"<svg" in qr.content
    assert Client().get(url).status_code == 302  # the QR opens the sign-in page for anyone else


def test_a_waitlisted_registration_is_not_checked_in(make_event: Any, school: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open", capacity=1, days=0)
    services.register(event, actor=methodologist, form="individual", person=_teen(school, "Первый"))
    waiting = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Второй"))
    with pytest.raises(services.RegistrationError) as refused:
        services.check_in(waiting, event.sessions.first(), actor=methodologist)
    assert refused.value.code == "not_confirmed"


def test_participants_export_to_xlsx_and_csv_and_a_coordinator_gets_their_institution_only(
    make_event: Any, school: Any, methodologist: Any, make_user: Any
) -> None:
    import io

    from openpyxl import load_workbook

    other = network_services.create_institution(
        actor=None, full_name="ГУО «СШ № 2»", short_name="СШ № 2", kind="school",
        district=District.objects.get(code="sovetsky"), cluster_role="base",
    )  # fmt: skip
    event = make_event(status="registration_open")
    mine = _teen(school, "Свой")
    mine.phone = "+375 29 111-22-33"
    mine.save()
    theirs = _teen(other, "Чужой")
    services.register(event, actor=methodologist, form="individual", person=mine)
    services.register(
        event, actor=methodologist, form="team", team_name="Команда", members=[theirs, _teen(other, "Второй")]
    )
    staff = Client()
    staff.force_login(methodologist)
    response = staff.get(f"/staff/events/{event.pk}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1] == "ФИО" and len(values) == 4
    assert any(
        row[1].startswith("Свой") and row[4] == "Гимназия № 7" and row[-2] == "+375 29 111-22-33" for row in values[1:]
    )
    assert any(row[8] == "Команда" and row[5] == "Советский район" for row in values[1:])
    csv_text = staff.get(f"/staff/events/{event.pk}/participants.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("№;ФИО") and "Чужой" in csv_text
    coordinator = make_user("coord.export@example.test")
    network_services.add_coordinator(school, coordinator, actor=None)
    client = Client()
    client.force_login(coordinator)
    own = client.get(f"/events/{event.pk}/institutions/{school.pk}/participants.csv").content.decode("utf-8-sig")
    assert "Свой" in own and "Чужой" not in own and "+375" not in own
    assert client.get(f"/events/{event.pk}/institutions/{other.pk}/participants.csv").status_code == 403


def test_a_name_typed_as_a_formula_stays_text_in_both_exports(make_event: Any, school: Any, methodologist: Any) -> None:
    from openpyxl import load_workbook

    event = make_event(status="registration_open")
    pupil = _teen(school, "Формула")
    pupil.last_name = '=HYPERLINK("http://evil.test","click")'
    pupil.first_name = "@SUM(1,2)"
    pupil.save()
    services.register(event, actor=methodologist, form="individual", person=pupil)
    staff = Client()
    staff.force_login(methodologist)
    sheet = load_workbook(io.BytesIO(staff.get(f"/staff/events/{event.pk}/participants.xlsx").content)).active
    name = sheet.cell(row=2, column=2)
    assert name.value.startswith("=HYPERLINK(") and name.data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    csv_text = staff.get(f"/staff/events/{event.pk}/participants.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv_text and ";=" not in csv_text


def test_the_personal_feed_lists_the_events_of_ones_registrations_by_a_secret_address(
    make_event: Any, school: Any, make_user: Any
) -> None:
    import icalendar

    event = make_event("Мастер-класс «Пайка»", status="registration_open")
    other = make_event("Чужое мероприятие", status="registration_open")
    login = make_user("feed@example.test", "student")
    me = _teen(school, "Подписчик")
    me.user = login
    me.save()
    services.register(event, actor=login, form="individual", person=me)
    client = Client()
    client.force_login(login)
    page = client.get("/events/my/")
    url = page.context["feed_url"]
    assert "/events/my/" in url and url.endswith("/feed.ics")
    path = url.split("testserver", 1)[1]
    calendar = icalendar.Calendar.from_ical(Client().get(path).content)
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert summaries == {"Мастер-класс «Пайка»"} and other.title_ru not in summaries
    assert Client().get(path.replace("feed.ics", "x/feed.ics")).status_code == 404
    login.set_password("a-new-password-2026")
    login.save()
    assert Client().get(path).status_code == 404  # a new password ends the old address


def test_staff_enter_and_publish_results_names_need_a_publication_consent(
    make_event: Any,
    school: Any,
    methodologist: Any,
    make_user: Any,
    texts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = make_event(status="registration_open")
    publication = people_services.create_consent_text(
        actor=None, purpose="publication", title_ru="Публикация", body_ru="Текст"
    )
    people_services.publish_consent_text(publication, actor=None)
    public = _teen(school, "Публичный")
    public.user = make_user("public@example.test")
    public.email = "public@example.test"
    public.save()
    people_services.give_consent(public, purpose="publication", giver=public, actor=public.user)
    private = _teen(school, "Скрытый")
    first = services.register(event, actor=methodologist, form="individual", person=public)
    second = services.register(event, actor=methodologist, form="individual", person=private)
    staff = Client()
    staff.force_login(methodologist)
    early = staff.post(f"/staff/events/{event.pk}/results/", {f"award-{first.pk}": "first", f"place-{first.pk}": "1"})
    assert early.status_code == 400
    for step in ("registration_closed", "held"):
        services.change_status(event, step, actor=methodologist)
    bad = staff.post(f"/staff/events/{event.pk}/results/", {f"award-{first.pk}": "first", f"place-{first.pk}": "один"})
    assert bad.status_code == 400
    rows = {f"award-{first.pk}": "first", f"place-{first.pk}": "1", f"award-{second.pk}": "second"}
    saved = staff.post(f"/staff/events/{event.pk}/results/", {**rows, f"place-{second.pk}": "2"})
    assert saved.status_code == 302
    assert Client().get(f"/events/{event.pk}/results/").status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(event, "results_published", actor=methodologist)
    assert any("public@example.test" in m.to and "итоги" in m.subject.lower() for m in mail.outbox)
    page = Client().get(f"/events/{event.pk}/results/").content.decode()
    assert "Публичный" in page and "Скрытый" not in page and "Гимназия № 7" in page
    api = Client().get(f"/api/v1/events/{event.pk}/results").json()
    assert [row["award"] for row in api] == ["first", "second"]
    assert "Публичный" in api[0]["participant"] and api[1]["participant"] == ""


def test_the_free_places_filter_shows_events_one_can_still_get_into(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    full = make_event("Полный мастер-класс", status="registration_open", capacity=1)
    services.register(full, actor=methodologist, form="individual", person=_teen(school, "Первый"))
    one_left = make_event("Почти полный", status="registration_open", capacity=2)
    services.register(one_left, actor=methodologist, form="individual", person=_teen(school, "Второй"))
    make_event("Без ограничения мест", status="registration_open")
    make_event("Только анонс", status="published", capacity=50)
    closed = make_event("Окно закрыто", status="registration_open")
    Event.objects.filter(pk=closed.pk).update(registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    page = Client().get("/events/", {"free_places": "on"}).content.decode()
    assert "Почти полный" in page and "Без ограничения мест" in page
    assert "Полный мастер-класс" not in page and "Только анонс" not in page and "Окно закрыто" not in page
    assert "Полный мастер-класс" in Client().get("/events/").content.decode()
    api = Client().get("/api/v1/events", {"free_places": "true"}).json()
    assert {item["title"] for item in api["items"]} == {"Почти полный", "Без ограничения мест"}


def test_reminders_go_the_day_before_once_to_confirmed_participants(
    make_event: Any, school: Any, methodologist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    tomorrow = make_event("Технические выходные", status="registration_open", capacity=1, days=1)
    later = make_event("Через неделю", status="registration_open", days=7)
    going = _teen(school, "Идущий")
    going.email = "going@example.test"
    going.save()
    waiting = _teen(school, "Ждущий")
    waiting.email = "waiting@example.test"
    waiting.save()
    services.register(tomorrow, actor=methodologist, form="individual", person=going)
    services.register(tomorrow, actor=methodologist, form="individual", person=waiting)  # waiting list
    services.register(later, actor=methodologist, form="individual", person=_teen(school, "Позже"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", stdout=io.StringIO())
    # One e-mail to the participant and whoever registered them; none for the waiting list or next week.
    assert len(mail.outbox) == 1 and "going@example.test" in mail.outbox[0].to
    assert "waiting@example.test" not in mail.outbox[0].to
    reminder = mail.outbox[0]
    assert "Технические выходные" in reminder.subject and reminder.attachments[0][0] == "qr.png"
    assert timezone.localtime(tomorrow.sessions.get().starts_at).strftime("%d.%m.%Y") in reminder.body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 0  # an hour later, cron again: nothing twice
    assert len(mail.outbox) == 1


def test_a_registration_of_an_event_that_is_over_cannot_be_cancelled(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open")
    registration = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Бывший"))
    for step in ("registration_closed", "held"):
        services.change_status(event, step, actor=methodologist)
    registration.refresh_from_db()
    assert not registration.may_still_change
    with pytest.raises(ConflictError) as refused:
        services.cancel_registration(registration, actor=methodologist, after_deadline=True)
    assert refused.value.code == "event_over"


def test_the_participants_export_speaks_the_page_language_with_real_dates(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    from openpyxl import load_workbook

    event = make_event(status="registration_open")
    pupil = _teen(school, "Датов")
    services.register(event, actor=methodologist, form="individual", person=pupil)
    staff = Client()
    staff.force_login(methodologist)
    sheet = load_workbook(io.BytesIO(staff.get(f"/en/staff/events/{event.pk}/participants.xlsx").content)).active
    assert sheet.title == "Participants" and sheet.cell(row=1, column=2).value == "Full name"
    born, registered = sheet.cell(row=2, column=3), sheet.cell(row=2, column=12)
    assert born.is_date and born.value.date() == pupil.birth_date and born.number_format == "DD.MM.YYYY"
    assert registered.is_date and registered.number_format == "DD.MM.YYYY HH:MM"
    csv_text = staff.get(f"/staff/events/{event.pk}/participants.csv").content.decode("utf-8-sig")
    assert f"{pupil.birth_date:%d.%m.%Y}" in csv_text  # text in CSV, written as in Minsk
