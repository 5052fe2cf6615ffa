"""Events in the browser: a methodologist announces an event (announcement, dates, a document,
publication), the public finds it in the calendar (list and month) and on a phone; the pages pass axe."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import assert_no_violations, check

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def methodologist(make_user):
    return make_user("methodologist.events@example.test", "methodologist")


def test_a_methodologist_announces_an_event_and_the_public_finds_it(
    sign_in_browser, new_context, methodologist, tmp_path, settings
):
    from technopark.events.models import Event

    settings.MEDIA_ROOT = tmp_path
    page = sign_in_browser(methodologist)
    page.goto("/staff/events/new/")
    page.fill("#id_title_ru", "Городской конкурс «Юный инженер»")
    page.fill("#id_summary_ru", "Конкурс инженерных проектов учащихся 5–9 классов")
    page.select_option("#id_kind", "contest")
    page.select_option("#id_audience", "students")
    page.select_option("#id_level", "city")
    page.select_option("#id_format", "in_person")
    page.check("input[name=directions][value=engineering]")
    page.select_option("#id_venue_kind", "lab")
    page.select_option("#id_venue_lab", "fablab")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    event = Event.objects.get()
    assert page.url.endswith(f"/staff/events/{event.pk}/sessions/")
    day = dt.date.today() + dt.timedelta(days=3)
    page.fill("#id_session-0-day", day.isoformat())
    page.fill("#id_session-0-start", "10:00")
    page.fill("#id_session-0-end", "14:00")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    regulations = tmp_path / "положение.pdf"
    regulations.write_bytes(b"%PDF-1.4 regulations")
    page.fill("#id_title", "Положение о конкурсе")
    page.set_input_files("#id_file", str(regulations))
    with page.expect_navigation():
        page.locator(f"form[action='/staff/events/{event.pk}/documents/'] button").click()
    with page.expect_navigation():
        page.locator(f"form[action='/staff/events/{event.pk}/status/'] button").first.click()
    event.refresh_from_db()
    assert event.status == "published"

    visitor = new_context(PHONE, has_touch=True, is_mobile=True).new_page()
    visitor.goto("/events/")
    visitor.get_by_role("link", name="Городской конкурс «Юный инженер»").click()
    assert "Положение о конкурсе" in visitor.locator("main").inner_text()
    assert_no_violations(visitor)
    visitor.goto(f"/events/month/?year={day.year}&month={day.month}")
    assert visitor.locator(f"a[href='/events/{event.pk}/']").count() >= 1
    feed = visitor.request.get("/events/feed.ics")
    assert feed.ok and "Юный инженер" in feed.text()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_event_pages_have_no_accessibility_violations(sign_in_browser, new_context, methodologist, viewport):
    from django.utils import timezone

    from technopark.events import services

    event = services.create_event(
        actor=methodologist, title_ru="Обучающие курсы «3D-печать»", summary_ru="Для педагогов", kind="course",
        audience="teachers", level="city", format="mixed", online_url="https://meet.example.by/room",
        venue_kind="room", venue_details="Каб. 301", directions=["engineering", "design"],
    )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=2)
    services.set_sessions(
        event,
        [{"starts_at": services.localise(day + dt.timedelta(days=i), dt.time(15)),
          "ends_at": services.localise(day + dt.timedelta(days=i), dt.time(18)), "hours": 4} for i in range(3)],
        actor=methodologist,
    )  # fmt: skip
    nomination = services.save_nomination(event, actor=methodologist, title_ru="Начинающие")
    services.change_status(event, "published", actor=methodologist)
    size = {"desktop": DESKTOP, "phone": PHONE}[viewport]
    visitor = new_context(size).new_page()
    for path in ["/events/", "/events/month/", f"/events/{event.pk}/", "/events/?kind=course&audience=teachers"]:
        check(visitor, path)
    staff = sign_in_browser(methodologist, size)
    for path in [
        "/staff/events/",
        "/staff/events/new/",
        f"/staff/events/{event.pk}/",
        f"/staff/events/{event.pk}/sessions/",
        f"/staff/events/{event.pk}/nominations/",
        f"/staff/events/nominations/{nomination.pk}/",
    ]:
        check(staff, path)


def _open_contest(methodologist, capacity=None):
    from django.utils import timezone

    from technopark.events import services

    event = services.create_event(
        actor=methodologist, title_ru="Соревнования по робототехнике", kind="competition", audience="students",
        level="city", format="in_person", venue_kind="lab", venue_lab="tech_lab", capacity=capacity,
    )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=6)
    services.set_sessions(
        event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(15))}],
        actor=methodologist,
    )  # fmt: skip
    services.change_status(event, "published", actor=methodologist)
    services.change_status(event, "registration_open", actor=methodologist)
    return event


def _school_with_teacher(make_user):
    from django.utils import timezone

    from technopark.network import services as network_services
    from technopark.network.models import District
    from technopark.people import services as people_services

    school = network_services.create_institution(
        actor=None, full_name="ГУО «Лицей № 9»", short_name="Лицей № 9", kind="lyceum",
        district=District.objects.get(code="moskovsky"), cluster_role="base",
    )  # fmt: skip
    login = make_user("teacher.team@example.test", "teacher", last_name="Лебедева", first_name="Ольга")
    teacher = people_services.ensure_own_person(login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    born = timezone.localdate() - dt.timedelta(days=16 * 366)
    students = [
        people_services.add_student(school, actor=None, last_name=name, first_name="Никита", birth_date=born, grade=10)
        for name in ("Артемьев", "Богданов", "Воронов", "Гусев")
    ]
    return school, login, teacher, students


def test_a_teacher_registers_a_team_of_three_for_a_nomination(sign_in_browser, make_user, methodologist):
    from technopark.events import services
    from technopark.events.models import Registration

    event = _open_contest(methodologist, capacity=20)
    nomination = services.save_nomination(
        event, actor=methodologist, title_ru="Старшая лига", min_grade=9, max_grade=11
    )
    _school, login, _teacher, students = _school_with_teacher(make_user)
    page = sign_in_browser(login)
    page.goto(f"/events/{event.pk}/")
    page.locator(f"a[href='/events/{event.pk}/register/']").click()
    page.check("input[name=form][value=team]")
    page.select_option("#id_nomination", str(nomination.pk))
    page.fill("#id_team_name", "Железные кулаки")
    page.select_option("#id_members", [str(p.pk) for p in students[:3]])
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/events/my/")
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.places == 3 and registration.nomination == nomination
    assert "Железные кулаки" in page.locator("main table").inner_text()
    assert_no_violations(page)


def test_a_full_event_waitlists_and_promotes_when_a_place_frees(sign_in_browser, make_user, methodologist):
    from technopark.events.models import Registration

    event = _open_contest(methodologist, capacity=1)
    _school, login, _teacher, students = _school_with_teacher(make_user)
    page = sign_in_browser(login)
    for student in students[:2]:
        page.goto(f"/events/{event.pk}/register/")
        page.select_option("#id_person", str(student.pk))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    first, second = Registration.objects.order_by("id")
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator(f"form[action='/events/registrations/{first.pk}/cancel/'] button").click()
    second.refresh_from_db()
    assert second.status == "confirmed"
    staff = sign_in_browser(methodologist)
    staff.goto(f"/staff/events/{event.pk}/registrations/")
    assert "Богданов" in staff.locator("main table").inner_text()
    assert_no_violations(staff)


def test_staff_check_in_by_qr_publish_results_and_download_a_diploma(
    sign_in_browser, new_context, make_user, methodologist
):
    """The day of the event and after: the QR link opens the one-tap check-in, staff enter and publish the
    results, issue the documents (progress, then done), download a diploma that pdftotext reads back with
    the Cyrillic name, and anyone checks its code on /verify/."""
    import shutil
    import subprocess

    from technopark.events import pdf, services
    from technopark.events.models import Attendance, Certificate

    if not pdf.available() or shutil.which("pdftotext") is None:
        pytest.skip("WeasyPrint's Pango library or pdftotext (poppler-utils) is missing")
    event = _open_contest(methodologist, capacity=10)
    _school, _login, _teacher, students = _school_with_teacher(make_user)
    registration = services.register(event, actor=methodologist, form="individual", person=students[0])
    staff = sign_in_browser(methodologist, PHONE, has_touch=True, is_mobile=True)
    staff.goto(f"/events/check-in/{registration.code}/")
    assert "Артемьев" in staff.locator("h1").inner_text()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Отметить").click()
    assert Attendance.objects.filter(registration=registration).count() == 1
    assert_no_violations(staff)

    desk = sign_in_browser(methodologist)
    for step in ("registration_closed", "held"):
        services.change_status(event, step, actor=methodologist)
    desk.goto(f"/staff/events/{event.pk}/results/")
    desk.select_option(f"select[name=award-{registration.pk}]", "first")
    desk.fill(f"input[name=place-{registration.pk}]", "1")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Сохранить итоги").click()
    desk.goto(f"/staff/events/{event.pk}/")
    with desk.expect_navigation():
        desk.locator("form[action$='/status/'] button", has_text="Итоги опубликованы").click()
    event.refresh_from_db()
    assert event.status == "results_published"

    desk.goto(f"/staff/events/{event.pk}/certificates/")
    assert_no_violations(desk)
    with desk.expect_navigation():
        desk.get_by_role("button", name="Выдать документы").click()
    assert "Новых документов: 1" in desk.locator("main").inner_text()
    desk.get_by_role("link", name="К документам").click()
    certificate = Certificate.objects.get()
    with desk.expect_download() as download:
        desk.get_by_role("link", name=certificate.code).click()
    text = subprocess.run(
        [shutil.which("pdftotext"), download.value.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Артемьев Никита" in text and "ДИПЛОМ" in text

    visitor = new_context(PHONE, has_touch=True, is_mobile=True).new_page()
    visitor.goto(f"/verify/{certificate.code}/")
    assert "Документ подлинный и действителен" in visitor.locator("main").inner_text()
    assert_no_violations(visitor)
