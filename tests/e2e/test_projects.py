"""Project passports in the browser: a student starts a passport on a phone, adds a journal step with a photo
and a 3D model, the supervising teacher publishes it, and a visitor finds it in the gallery with its photo.
The pages pass axe."""

from __future__ import annotations

import datetime as dt
import struct

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.e2e]


def _people(make_user):
    from django.utils import timezone

    from technopark.network import services as network_services
    from technopark.network.models import District
    from technopark.people import services as people_services

    school = network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 3»", short_name="Гимназия № 3", kind="gymnasium",
        district=District.objects.get(code="sovetsky"), cluster_role="base",
    )  # fmt: skip
    teacher_login = make_user("projects.mentor@example.test", "teacher", last_name="Соколова", first_name="Анна")
    teacher = people_services.ensure_own_person(teacher_login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    born = timezone.localdate() - dt.timedelta(days=16 * 366 + 30)
    student = people_services.add_student(
        school, actor=None, last_name="Кулибин", first_name="Иван", birth_date=born, grade=10
    )
    student.user = make_user("kulibin@example.test", "student")
    student.save()
    return teacher_login, teacher, student


def _png(path):
    from PIL import Image

    Image.new("RGB", (320, 240), (30, 120, 90)).save(path, format="PNG")
    return path


def test_a_passport_with_a_photo_is_published_and_appears_in_the_gallery(
    sign_in_browser, make_user, page, tmp_path
) -> None:
    from technopark.projects.models import Project

    teacher_login, teacher, student = _people(make_user)
    phone = sign_in_browser(student.user, PHONE, has_touch=True, is_mobile=True)

    phone.goto("/projects/new/")
    assert_no_violations(phone)
    phone.fill("#id_title", "Умная кормушка для птиц")
    phone.select_option("#id_direction", "engineering")
    phone.select_option("#id_stage", "prototype")
    phone.fill("#id_summary", "Кормушка с датчиком движения и камерой.")
    phone.select_option("#id_lab", label="Лаборатория инновационных технологий (ФабЛаб)")
    phone.select_option("#id_supervisors", str(teacher.pk))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Сохранить").click()
    project = Project.objects.get(title="Умная кормушка для птиц")
    assert project.status == "draft" and list(project.team.all()) == [student]
    assert "Проект публикует руководитель" in phone.locator("main").inner_text()
    assert_no_violations(phone)

    phone.get_by_role("link", name="Добавить шаг журнала").click()
    phone.fill("#id_text", "Напечатали корпус на 3D-принтере и собрали датчик.")
    phone.set_input_files("#id_image_1", str(_png(tmp_path / "feeder.png")))
    phone.fill("#id_alt_1", "Корпус кормушки на столе")
    assert_no_violations(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Добавить шаг").click()
    assert phone.locator(".project-photos img").get_attribute("alt") == "Корпус кормушки на столе"

    stl = tmp_path / "корпус.stl"
    stl.write_bytes(b"\0" * 80 + struct.pack("<I", 1) + b"\0" * 50)
    phone.get_by_role("link", name="Добавить файл").click()
    phone.set_input_files("#id_file", str(stl))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Добавить файл").click()
    assert "корпус.stl" in phone.locator("main").inner_text()

    mentor = sign_in_browser(teacher_login)
    mentor.goto(f"/projects/{project.pk}/")
    with mentor.expect_navigation():
        mentor.get_by_role("button", name="Опубликовать").click()
    project.refresh_from_db()
    assert project.status == "published"

    page.goto("/projects/?direction=engineering")
    card = page.locator(".project-cards .card").filter(has_text="Умная кормушка для птиц")
    assert card.count() == 1
    cover = card.locator("img")
    assert cover.get_attribute("alt") == "Корпус кормушки на столе"
    cover.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=cover.element_handle())
    assert_no_violations(page)
    page.goto("/projects/?direction=it")
    assert page.locator(".project-cards .card").count() == 0
    page.goto("/projects/?q=кормушка")
    with page.expect_navigation():
        page.get_by_role("link", name="Умная кормушка для птиц").click()
    main = page.locator("main").inner_text()
    assert "Соколова Анна" in main and "корпус.stl" in main
    assert "Кулибин" not in main  # no consent to publication: the child's name stays hidden
    with page.expect_download() as download:
        page.get_by_role("link", name="корпус.stl").click()
    assert download.value.suggested_filename == "корпус.stl"
    assert_no_violations(page)


def test_the_gallery_and_an_empty_search_pass_axe_on_a_phone(phone_page) -> None:
    phone_page.goto("/projects/?q=ничего")
    assert "Проекты не найдены" in phone_page.locator("main").inner_text()
    assert_no_violations(phone_page)
