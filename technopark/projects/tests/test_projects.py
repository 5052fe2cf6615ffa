"""Project passports: drafts and publishing, the gallery's filters and search, names and photos hidden
without a publication consent, files checked by content, contest entries from event results, the API."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from technopark.core import cache
from technopark.core.models import AuditLog
from technopark.labs.models import Lab
from technopark.people import services as people_services
from technopark.projects import services
from technopark.projects.models import JournalStep, Project, StepImage
from technopark.projects.services import ProjectError
from technopark.projects.tests.conftest import binary_stl, make_student, png


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _published(student: Any, teacher: Any, **values: Any) -> Project:
    fields = {"title": "Умная теплица", "direction": "engineering", "summary": "Полив по датчику влажности"}
    project = services.create_project(actor=teacher.user, team=[student], supervisors=[teacher], **(fields | values))
    return services.publish_project(project, actor=teacher.user)


# --- Drafts, publishing, the gallery ---------------------------------------------------------------------


def test_a_student_starts_a_draft_that_only_the_team_sees_and_a_supervisor_publishes_it(
    student: Any, teacher: Any
) -> None:
    pupil = _client(student.user)
    page = pupil.get("/projects/new/")
    assert page.status_code == 200
    assert page.context["form"].initial["team"] == [student.pk]
    response = pupil.post(
        "/projects/new/",
        {"title": "Робот-сортировщик", "direction": "it", "stage": "idea", "summary": "Сортирует мусор",
         "started_on": "01.10.2026", "licence": "cc-by-4.0", "team": [student.pk], "supervisors": [teacher.pk]},
    )  # fmt: skip
    project = Project.objects.get(title="Робот-сортировщик")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.status == "draft" and project.started_on == dt.date(2026, 10, 1)
    assert list(project.team.all()) == [student] and list(project.supervisors.all()) == [teacher]
    assert Client().get(f"/projects/{project.pk}/").status_code == 404
    assert "Робот-сортировщик" not in Client().get("/projects/").content.decode()
    assert "Робот-сортировщик" in pupil.get("/projects/my/").content.decode()

    assert pupil.post(f"/projects/{project.pk}/publish/").status_code == 403  # a child does not publish alone
    _client(teacher.user).post(f"/projects/{project.pk}/publish/")
    project.refresh_from_db()
    assert project.status == "published" and project.published_at is not None
    assert "Робот-сортировщик" in Client().get("/projects/").content.decode()
    assert AuditLog.objects.filter(action="projects.project.published", target_id=str(project.pk)).exists()


def test_a_form_that_fails_keeps_what_was_typed(student: Any) -> None:
    response = _client(student.user).post("/projects/new/", {"title": "Мой проект", "summary": "Черновой текст"})
    assert response.status_code == 200
    assert response.context["form"].errors["direction"]
    html = response.content.decode()
    assert 'value="Мой проект"' in html and "Черновой текст" in html
    assert not Project.objects.exists()


def test_an_edit_that_fails_keeps_what_was_typed_and_shows_the_saved_title(student: Any) -> None:
    project = services.create_project(actor=student.user, title="Старое название", direction="it", team=[student])
    response = _client(student.user).post(
        f"/projects/{project.pk}/edit/", {"title": "Новое название", "direction": "?"}
    )
    html = response.content.decode()
    assert response.context["form"].errors["direction"] and 'value="Новое название"' in html
    assert f'<a href="/projects/{project.pk}/">Старое название</a>' in html  # the breadcrumb: what is saved
    project.refresh_from_db()
    assert project.title == "Старое название"


def test_publishing_needs_a_team(teacher: Any) -> None:
    project = services.create_project(actor=teacher.user, title="Пустой", direction="it", supervisors=[teacher])
    with pytest.raises(ProjectError) as refused:
        services.publish_project(project, actor=teacher.user)
    assert refused.value.code == "team_empty"


def test_the_gallery_filters_by_direction_lab_stage_year_and_searches_words(student: Any, teacher: Any) -> None:
    fablab = Lab.objects.get(code="fablab")
    _published(student, teacher, title="Умная теплица", lab=fablab, stage="prototype", started_on=dt.date(2025, 9, 1))
    _published(student, teacher, title="Чат-бот расписания", direction="it", summary="Бот для школьного расписания")
    visitor = Client()

    def titles(query: str) -> list[str]:
        response = visitor.get(f"/projects/?{query}")
        assert response.status_code == 200
        return [project.title for project, _cover in response.context["cards"]]

    assert titles("") == ["Чат-бот расписания", "Умная теплица"]
    assert titles("direction=engineering") == ["Умная теплица"]
    assert titles("lab=fablab") == ["Умная теплица"]
    assert titles("stage=prototype") == ["Умная теплица"]
    assert titles("year=2025") == ["Умная теплица"]
    assert titles("q=школьного+бот") == ["Чат-бот расписания"]
    assert titles("q=ракета") == []
    assert titles("direction=nonsense") == ["Чат-бот расписания", "Умная теплица"]  # a bad filter is ignored


def test_the_gallery_makes_the_same_number_of_queries_for_more_projects(
    student: Any, teacher: Any, django_assert_num_queries: Any
) -> None:
    def count_for(projects: int) -> int:
        for number in range(projects):
            project = _published(student, teacher, title=f"Проект {number}")
            services.add_step(project, actor=teacher.user, text="Шаг", images=[(png(), "Макет", [student])])
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert _client(teacher.user).get("/projects/").status_code == 200
        return len(queries)

    few = count_for(2)
    many = count_for(10)
    assert few == many
    cache.clear()
    with django_assert_num_queries(many):
        _client(teacher.user).get("/projects/")


# --- Consent: names and photos ---------------------------------------------------------------------------


def test_public_pages_name_only_consenting_children_and_hide_photos_of_the_others(
    school: Any, student: Any, teacher: Any, publication_text: Any, monkeypatch: Any
) -> None:
    shy = make_student(school, "Сидорова")
    people_services.give_consent(student, purpose="publication", giver=student, actor=student.user)
    project = _published(student, teacher)
    project.team.add(shy)
    step = services.add_step(
        project, actor=teacher.user, text="Собрали каркас",
        images=[(png("a.png"), "Каркас теплицы", []), (png("b.png"), "Команда у макета", [student, shy])],
    )  # fmt: skip
    device, group = step.images.order_by("pk")
    visitor = Client()
    html = visitor.get(f"/projects/{project.pk}/").content.decode()
    assert "Петров Иван" in html and "Сидорова" not in html
    assert "и ещё 1 участник" in html
    assert "Каркас теплицы" in html and "Команда у макета" not in html
    assert visitor.get(f"/projects/photos/{device.pk}/").status_code == 200
    assert visitor.get(f"/projects/photos/{group.pk}/").status_code == 404
    api = visitor.get(f"/api/v1/projects/{project.pk}").json()
    assert api["team"] == ["Петров Иван"] and api["team_hidden"] == 1
    assert [image["alt"] for image in api["steps"][0]["images"]] == ["Каркас теплицы"]
    # The team sees everything, with a note of what the public does not see.
    own = _client(teacher.user).get(f"/projects/{project.pk}/").content.decode()
    assert "Сидорова" in own and "Команда у макета" in own and "нет согласия на публикацию" in own

    # Withdrawing the consent takes effect at once, even on the page cached for visitors.
    consent = student.consents.get(purpose="publication")
    people_services.withdraw_consent(consent, actor=student.user)
    assert "Петров" not in visitor.get(f"/projects/{project.pk}/").content.decode()


def test_only_team_members_can_be_marked_on_a_photo(school: Any, student: Any, teacher: Any) -> None:
    project = _published(student, teacher)
    stranger = make_student(school, "Чужой")
    with pytest.raises(ProjectError) as refused:
        services.add_step(project, actor=teacher.user, text="Шаг", images=[(png(), "Фото", [stranger])])
    assert refused.value.code == "not_team"
    assert not JournalStep.objects.filter(project=project).exists()


def test_a_step_with_a_fake_photo_is_refused_whole_and_the_text_is_kept_on_the_form(student: Any, teacher: Any) -> None:
    project = _published(student, teacher)
    fake = SimpleUploadedFile("photo.png", b"not really an image", content_type="image/png")
    response = _client(student.user).post(
        f"/projects/{project.pk}/steps/new/",
        {"day": "2026-11-20", "text": "Напечатали корпус", "image_1": png(), "alt_1": "Корпус", "image_2": fake,
         "alt_2": "Второй"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Напечатали корпус" in response.content.decode()
    assert not JournalStep.objects.filter(project=project).exists() and not StepImage.objects.exists()


def test_a_photo_needs_a_description(student: Any, teacher: Any) -> None:
    project = _published(student, teacher)
    response = _client(student.user).post(
        f"/projects/{project.pk}/steps/new/", {"day": "2026-11-20", "text": "Шаг", "image_1": png(), "alt_1": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["alt_1"]


# --- Files -----------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes], name: str = "code.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("upload", "kind"),
    [
        (binary_stl(3), "model"),
        (SimpleUploadedFile("part.stl", b"solid part\nfacet normal 0 0 1\nendfacet\nendsolid part\n"), "model"),
        (SimpleUploadedFile("box.step", b"ISO-10303-21;\nHEADER;\n"), "cad"),
        (SimpleUploadedFile("robot.ino", "void setup() { // Привет\n}\n".encode()), "code"),
        (_zip({"src/main.py": b"print(1)"}), "archive"),
        (_zip({"word/document.xml": b"<w/>"}, "report.docx"), "document"),
        (SimpleUploadedFile("report.pdf", b"%PDF-1.7\n..."), "document"),
    ],
)
def test_files_are_accepted_by_their_content(student: Any, teacher: Any, upload: Any, kind: str) -> None:
    project = _published(student, teacher)
    added = services.add_file(project, upload, actor=student.user)
    assert added.kind == kind
    assert not added.file.name.endswith(upload.name) and added.file.name.startswith("projects/files/")


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("part.stl", b"MZ\x90\x00 an executable renamed"), "content_mismatch"),
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "unknown_format"),
        (SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"), "content_mismatch"),
        (SimpleUploadedFile("report.docx", b"PK not a zip"), "content_mismatch"),
        (_zip({"../../etc/passwd": b"x"}), "content_mismatch"),
        (_zip({"notes.txt": b"x"}, "report.docx"), "content_mismatch"),
        (SimpleUploadedFile("main.py", b"\x00\x01\x02binary"), "content_mismatch"),
        (SimpleUploadedFile("empty.stl", b""), "empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(student: Any, teacher: Any, upload: Any, code: str) -> None:
    project = _published(student, teacher)
    with pytest.raises(ProjectError) as refused:
        services.add_file(project, upload, actor=student.user)
    assert refused.value.code == code
    assert not project.files.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message(
    student: Any, teacher: Any, settings: Any
) -> None:
    settings.PROJECT_FILE_MAX_BYTES = 1024 * 1024
    project = _published(student, teacher)
    response = _client(student.user).post(
        f"/projects/{project.pk}/files/new/", {"file": binary_stl(30_000), "description": "Корпус"}
    )
    assert response.status_code == 200
    assert "не более 1 МБ" in response.content.decode()
    assert response.context["form"]["description"].value() == "Корпус"


def test_files_download_under_their_name_and_a_drafts_files_stay_private(student: Any, teacher: Any) -> None:
    project = _published(student, teacher)
    added = services.add_file(project, binary_stl(name="Корпус теплицы.stl"), actor=student.user)
    response = Client().get(f"/projects/files/{added.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    services.unpublish_project(project, actor=teacher.user)
    assert Client().get(f"/projects/files/{added.pk}/").status_code == 404
    assert _client(student.user).get(f"/projects/files/{added.pk}/").status_code == 200


# --- Access ----------------------------------------------------------------------------------------------


def test_a_guardian_sees_the_childs_draft_but_does_not_edit_it(school: Any, teacher: Any, make_user: Any) -> None:
    child = make_student(school, "Малышев", years=12)
    parent_user = make_user("parent@example.test", "guardian")
    people_services.link_guardian(child, people_services.ensure_own_person(parent_user), actor=None)
    project = services.create_project(
        actor=teacher.user, title="Кормушка", direction="design", team=[child], supervisors=[teacher]
    )
    parent = _client(parent_user)
    assert parent.get(f"/projects/{project.pk}/").status_code == 200
    assert parent.get(f"/projects/{project.pk}/edit/").status_code == 403
    assert "Кормушка" in parent.get("/projects/my/").content.decode()


def test_a_project_names_only_its_teams_bookings(student: Any, teacher: Any, school: Any) -> None:
    from technopark.labs import services as lab_services
    from technopark.labs.models import Equipment, OpeningHours
    from technopark.labs.tests.conftest import at

    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    printer = Equipment.objects.create(lab=lab, kind="printer_3d", name="Prusa MK4", inventory_number="P-1")
    other = make_student(school, "Другой")
    mine = lab_services.book(
        printer, actor=teacher.user, starts_at=at(2, 10), ends_at=at(2, 12), purpose="project", person=student
    )
    theirs = lab_services.book(
        printer, actor=teacher.user, starts_at=at(3, 10), ends_at=at(3, 12), purpose="project", person=other
    )
    project = _published(student, teacher)
    services.update_project(project, actor=teacher.user, bookings=[mine])
    assert list(project.bookings.all()) == [mine] and list(project.equipment.all()) == [printer]
    with pytest.raises(ProjectError):
        services.update_project(project, actor=teacher.user, bookings=[mine, theirs])
    assert list(project.bookings.all()) == [mine]  # rolled back whole


# --- Contest entries -------------------------------------------------------------------------------------


def test_a_contest_entry_shows_its_award_once_the_results_are_published(
    student: Any, teacher: Any, make_user: Any
) -> None:
    from technopark.events import services as event_services
    from technopark.events.tests.conftest import at as event_at

    methodologist = make_user("method@example.test", "methodologist")
    event = event_services.create_event(
        actor=methodologist, title_ru="Конкурс «Юный инженер»", kind="contest", audience="students", level="city",
        format="in_person", venue_kind="lab", venue_lab="fablab",
    )  # fmt: skip
    event_services.set_sessions(
        event, [{"starts_at": event_at(5, 10), "ends_at": event_at(5, 12)}], actor=methodologist
    )
    for status in ("published", "registration_open"):
        event_services.change_status(event, status, actor=methodologist)
    text = people_services.create_consent_text(actor=None, purpose="participation", title_ru="С", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)
    registration = event_services.register(event, actor=methodologist, form="individual", person=student)
    project = _published(student, teacher)
    services.add_contest_entry(
        project, actor=student.user, contest="Robofest", day=dt.date(2026, 4, 1), award="2 место"
    )

    owner = _client(student.user)
    page = owner.get("/events/my/")
    assert "Умная теплица" in page.content.decode()
    owner.post(f"/events/registrations/{registration.pk}/project/", {"project": project.pk})
    registration.refresh_from_db()
    assert registration.project == project
    html = Client().get(f"/projects/{project.pk}/").content.decode()
    assert "Конкурс «Юный инженер»" in html and "Robofest" in html and "2 место" in html
    assert "Диплом II степени" not in html

    for status in ("registration_closed", "held"):
        event_services.change_status(event, status, actor=methodologist)
    event_services.set_results(event, {registration.pk: ("second", 2)}, actor=methodologist)
    event_services.change_status(event, "results_published", actor=methodologist)
    html = Client().get(f"/projects/{project.pk}/").content.decode()
    assert "Диплом II степени, 2" in html


def test_a_registration_cannot_claim_another_teams_project(student: Any, teacher: Any, school: Any) -> None:
    from technopark.events import services as event_services
    from technopark.events.models import Registration

    other = make_student(school, "Чужой")
    project = services.create_project(actor=teacher.user, title="Чужой проект", direction="it", team=[other])
    registration = Registration(person=student, form="individual")
    with pytest.raises(event_services.RegistrationError):
        event_services.set_registration_project(registration, project, actor=teacher.user)


# --- API -------------------------------------------------------------------------------------------------


def test_the_api_lists_the_gallery_and_owners_create_edit_and_publish(student: Any, teacher: Any) -> None:
    _published(student, teacher, title="Умная теплица")
    visitor = Client()
    listing = visitor.get("/api/v1/projects?direction=engineering").json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == "Умная теплица"
    assert visitor.get("/api/v1/projects?year=1800").status_code == 422

    pupil = _client(student.user)
    created = pupil.post(
        "/api/v1/projects",
        {"title": "Метеостанция", "direction": "it", "lab": "fablab"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["team"] == ["Петров Иван"] and body["lab"] == "fablab"
    project = Project.objects.get(pk=body["id"])
    patched = pupil.patch(
        f"/api/v1/projects/{project.pk}", {"stage": "prototype", "summary": "Меряет ветер"},
        content_type="application/json",
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["stage"] == "prototype"
    assert (
        pupil.post(
            f"/api/v1/projects/{project.pk}/steps", {"text": "Спаяли датчик"}, content_type="application/json"
        ).status_code
        == 201
    )
    refused = pupil.post(
        f"/api/v1/projects/{project.pk}/publication", {"published": True}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"]
    project.refresh_from_db()
    services.update_project(project, actor=student.user, supervisors=[teacher])
    published = _client(teacher.user).post(
        f"/api/v1/projects/{project.pk}/publication", {"published": True}, content_type="application/json"
    )
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert visitor.get(f"/api/v1/projects/{project.pk}").json()["steps"][0]["text"] == "Спаяли датчик"
    stranger = visitor.patch(f"/api/v1/projects/{project.pk}", {"title": "x"}, content_type="application/json")
    assert stranger.status_code == 401


def test_the_api_refuses_a_team_the_caller_may_not_name(student: Any, teacher: Any, school: Any) -> None:
    other = make_student(school, "Чужой")
    response = _client(student.user).post(
        "/api/v1/projects", {"title": "Х", "direction": "it", "team": [other.pk]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_services_refuse_unknown_fields(teacher: Any) -> None:
    with pytest.raises(ProjectError):
        services.create_project(actor=teacher.user, title="Х", direction="it", status="published")


def test_permission_denied_is_raised_for_non_editors_in_access(student: Any, teacher: Any, make_user: Any) -> None:
    from technopark.projects.access import access_project

    project = _published(student, teacher)
    outsider = make_user("outsider2@example.test")
    assert access_project(outsider, project.pk) == project
    with pytest.raises(PermissionDenied):
        access_project(outsider, project.pk, for_write=True)


def test_a_passport_page_makes_the_same_number_of_queries_for_a_longer_journal(student: Any, teacher: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = _published(student, teacher)

    def count_with(steps: int) -> int:
        for number in range(steps):
            services.add_step(project, actor=teacher.user, text=f"Шаг {number}", images=[(png(), "Фото", [student])])
            services.add_file(project, binary_stl(name=f"part{number}.stl"), actor=teacher.user)
            services.add_contest_entry(
                project, actor=teacher.user, contest=f"Конкурс {number}", day=dt.date(2026, 1, 1)
            )
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"/projects/{project.pk}/").status_code == 200
        return len(queries)

    few = count_with(2)
    assert count_with(10) == few
