"""People in the browser: a teacher adds a class of 25; a guardian claims a child's record with the
teacher's code, consents online and withdraws; staff merge two duplicate records; the pages pass axe."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import assert_no_violations, check

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def school(site, make_user):
    from technopark.network import services
    from technopark.network.models import District
    from technopark.people import services as people_services

    for purpose in ("participation", "publication", "ndtp_transfer"):
        text = people_services.create_consent_text(
            actor=None, purpose=purpose, title_ru="Согласие на обработку персональных данных",
            body_ru="Я, законный представитель, даю согласие ГУО «Минский государственный дворец детей и молодёжи».",
        )  # fmt: skip
        people_services.publish_consent_text(text, actor=None)
    return services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 5 г. Минска»", short_name="Гимназия № 5", kind="gymnasium",
        district=District.objects.get(code="pervomaisky"), cluster_role="base",
    )  # fmt: skip


@pytest.fixture
def teacher(make_user, school):
    from technopark.people import services as people_services

    login = make_user("teacher.people@example.test", "teacher", last_name="Козлова", first_name="Елена")
    person = people_services.ensure_own_person(login)
    people_services.set_affiliation(person, school, kind="teacher", position="Учитель информатики", actor=None)
    return login


def test_a_teacher_adds_25_students_of_their_school(sign_in_browser, teacher, school):
    from technopark.people.models import Affiliation

    page = sign_in_browser(teacher)
    page.goto("/people/")
    page.locator("a[href='/people/new/class/']").click()
    page.select_option("#id_grade", "8")
    for row in range(25):
        page.fill(f"#id_row-{row}-last_name", f"Ученик{row + 1:02d}")
        page.fill(f"#id_row-{row}-first_name", "Алексей")
        page.fill(f"#id_row-{row}-birth_date", "2012-10-15")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".message--success").is_visible()
    assert page.locator("main table tbody tr").count() == 25
    assert Affiliation.objects.filter(institution=school, kind="student").count() == 25
    assert "Ученик25 Алексей" in page.locator("main table").inner_text()


def test_a_class_list_with_a_mistake_keeps_every_row_and_saves_nothing(sign_in_browser, teacher, school):
    from technopark.people.models import Person

    page = sign_in_browser(teacher, PHONE, has_touch=True, is_mobile=True)
    page.goto("/people/new/class/")
    page.select_option("#id_grade", "5")
    page.fill("#id_row-0-last_name", "Первый")
    page.fill("#id_row-0-first_name", "Иван")
    page.fill("#id_row-0-birth_date", "2015-01-10")
    page.fill("#id_row-1-last_name", "Второй")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#id_row-0-last_name").input_value() == "Первый"
    assert page.locator("#id_row-1-last_name").get_attribute("aria-invalid") is None
    assert page.locator(".table__row--error").count() == 1
    assert not Person.objects.filter(last_name="Первый").exists()
    assert_no_violations(page)


def test_a_guardian_claims_the_record_consents_online_and_withdraws(sign_in_browser, make_user, teacher, school):
    from technopark.people import services as people_services
    from technopark.people.selectors import may_process

    child = people_services.add_student(
        school, actor=teacher, last_name="Соколова", first_name="Дарья", birth_date=dt.date(2013, 3, 8), grade=7
    )
    teacher_page = sign_in_browser(teacher)
    teacher_page.goto(f"/people/{child.pk}/")
    teacher_page.select_option("#id_claimant", "guardian")
    with teacher_page.expect_navigation():
        teacher_page.locator(f"form[action='/people/{child.pk}/claim-code/'] button").click()
    code = teacher_page.get_by_test_id("claim-code").inner_text().strip()
    assert len(code) == 14

    parent = make_user("sokolova.parent@example.test", last_name="Соколова", first_name="Ирина")
    page = sign_in_browser(parent, PHONE, has_touch=True, is_mobile=True)
    page.goto("/people/")
    page.locator("a[href='/people/claim/']").click()
    page.fill("#id_code", code.lower())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Соколова Дарья" in page.locator("h1").inner_text()
    page.locator(f"a[href='/people/{child.pk}/consents/participation/']").click()
    assert_no_violations(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert may_process(child, "participation")
    assert page.locator(".consent-list .badge--success").count() == 1
    with page.expect_navigation():
        page.locator(".consent-list form[action*='/withdraw/'] button").click()
    assert not may_process(child, "participation")
    history = page.locator("main table").inner_text()
    assert "Соколова Ирина" in history
    assert page.locator(".consent-list .badge--success").count() == 0


def test_staff_merge_two_duplicate_records(sign_in_browser, make_user, school):
    from technopark.people import services as people_services
    from technopark.people.models import Person

    staff = make_user("methodologist.people@example.test", "methodologist")
    first = people_services.add_student(
        school,
        actor=None,
        last_name="Орлов",
        first_name="Максим",
        patronymic="Игоревич",
        birth_date=dt.date(2011, 6, 1),
    )
    second = people_services.create_person(
        actor=None, last_name="Орлов", first_name="Максим", patronymic="Игоревич",
        birth_date=dt.date(2011, 6, 1), phone="+375 44 555-66-77",
    )  # fmt: skip
    page = sign_in_browser(staff)
    page.goto("/staff/people/duplicates/")
    assert_no_violations(page)
    page.locator(f"a[href='/staff/people/merge/{first.pk}/{second.pk}/']").click()
    assert_no_violations(page)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/people/{first.pk}/")
    assert "+375 44 555-66-77" in page.locator("main").inner_text()
    assert not Person.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_people_pages_have_no_accessibility_violations(sign_in_browser, make_user, teacher, school, viewport):
    from technopark.people import services as people_services

    child = people_services.add_student(
        school, actor=None, last_name="Лебедев", first_name="Артём", birth_date=dt.date(2014, 2, 2)
    )
    parent = people_services.ensure_own_person(make_user("lebedev.parent@example.test", "guardian"))
    people_services.link_guardian(child, parent, actor=None)
    people_services.give_consent(child, purpose="publication", giver=parent, actor=parent.user)
    staff = make_user("a11y.people@example.test", "methodologist")
    size = {"desktop": DESKTOP, "phone": PHONE}[viewport]
    page = sign_in_browser(staff, size)
    for path in [
        "/people/",
        f"/people/?institution={school.pk}&kind=student",
        f"/people/{child.pk}/",
        f"/people/{child.pk}/edit/",
        "/people/new/",
        "/people/new/class/",
        "/people/claim/",
        f"/people/{child.pk}/consents/paper/",
        f"/people/{child.pk}/guardians/new/",
        "/staff/people/duplicates/",
        "/staff/consent-texts/",
        "/staff/consent-texts/new/?purpose=participation",
        f"/network/{school.pk}/",
    ]:
        check(page, path)
    guardian_page = sign_in_browser(parent.user, size)
    check(guardian_page, f"/people/{child.pk}/consents/participation/")
    check(guardian_page, f"/people/{child.pk}/")
