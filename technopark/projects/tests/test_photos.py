"""Children on project passports (issue 12): photos stored without their metadata (item 9); a withdrawn
consent hides the name at once and photos are never kept by a browser or a proxy (item 17); a guardian sees
the photos of the draft their child is in (item 20)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from technopark.people import services as people_services
from technopark.projects import services
from technopark.projects.models import StepImage
from technopark.projects.tests.conftest import make_student, png


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _phone_photo() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x0110] = "iPhone 15 Pro"
    exif[0x8825] = {1: "N", 2: (53.0, 54.0, 12.5), 3: "E", 4: (27.0, 33.0, 40.1)}  # GPS: a flat in Minsk
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 60)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0042.JPG", buffer.getvalue(), content_type="image/jpeg")


def test_a_journal_photo_uploaded_with_its_gps_position_is_stored_without_it(student: Any) -> None:
    project = services.create_project(actor=student.user, title="Кормушка", direction="engineering", team=[student])
    response = _client(student.user).post(
        f"/projects/{project.pk}/steps/new/",
        {"day": "2026-11-20", "text": "Собрали кормушку", "image_1": _phone_photo(), "alt_1": "Кормушка на окне",
         "people_1": [student.pk]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = StepImage.objects.get()
    with stored.image.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and b"iPhone" not in data
    served = _client(student.user).get(f"/projects/photos/{stored.pk}/")
    assert b"iPhone" not in served.getvalue()


def test_a_withdrawn_publication_consent_hides_the_name_on_the_very_next_anonymous_request(
    student: Any, teacher: Any, publication_text: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    consent = people_services.give_consent(student, purpose="publication", giver=student, actor=student.user)
    project = services.create_project(
        actor=teacher.user, title="Умная теплица", direction="engineering", summary="Полив по датчику",
        team=[student], supervisors=[teacher],
    )  # fmt: skip
    services.publish_project(project, actor=teacher.user)
    visitor = Client()
    assert "Петров Иван" in visitor.get(f"/projects/{project.pk}/").content.decode()
    people_services.withdraw_consent(consent, actor=student.user)
    assert "Петров Иван" not in visitor.get(f"/projects/{project.pk}/").content.decode()


def test_a_journal_photo_is_never_kept_by_a_browser_or_a_proxy(student: Any, teacher: Any) -> None:
    project = services.create_project(
        actor=teacher.user, title="Кормушка", direction="engineering", summary="Для птиц", team=[student],
        supervisors=[teacher],
    )  # fmt: skip
    step = services.add_step(project, actor=teacher.user, text="Шаг", images=[(png(), "Кормушка на окне", [])])
    services.publish_project(project, actor=teacher.user)
    image = step.images.get()
    for client in (Client(), _client(student.user)):
        response = client.get(f"/projects/photos/{image.pk}/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "max-age" not in response["Cache-Control"]


def test_a_guardian_sees_the_photos_of_their_child_in_a_draft_but_not_of_other_children(
    school: Any, teacher: Any, publication_text: Any, make_user: Any
) -> None:
    child = make_student(school, "Сыночкин", years=12)
    other = make_student(school, "Чужаков", years=12)
    consenting = make_student(school, "Согласнов", years=17, user=make_user("agrees@example.test", "student"))
    people_services.give_consent(consenting, purpose="publication", giver=consenting, actor=consenting.user)
    parent_login = make_user("parent.photos@example.test", "guardian")
    people_services.link_guardian(child, people_services.ensure_own_person(parent_login), actor=None)
    draft = services.create_project(
        actor=teacher.user, title="Скворечник", direction="engineering", summary="Для скворцов",
        team=[child, other, consenting],
        supervisors=[teacher],
    )  # fmt: skip
    step = services.add_step(
        draft, actor=teacher.user, text="Собрали скворечник",
        images=[(png("a.png"), "Сын с молотком", [child]), (png("b.png"), "Сын и товарищ", [child, consenting]),
                (png("c.png"), "Вся команда", [child, other]), (png("d.png"), "Скворечник", [])],
    )  # fmt: skip
    own, with_consenting, with_other, nobody = step.images.order_by("pk")
    parent = _client(parent_login)
    html = parent.get(f"/projects/{draft.pk}/").content.decode()
    assert "Сын с молотком" in html and "Сын и товарищ" in html and "Скворечник" in html
    assert "Вся команда" not in html  # another child without a consent: not the parent's to see
    assert "Сыночкин Иван" in html and "Чужаков" not in html
    for image in (own, with_consenting, nobody):
        assert parent.get(f"/projects/photos/{image.pk}/").status_code == 200
    assert parent.get(f"/projects/photos/{with_other.pk}/").status_code == 404
    api = parent.get(f"/api/v1/projects/{draft.pk}").json()
    assert [image["alt"] for image in api["steps"][0]["images"]] == ["Сын с молотком", "Сын и товарищ", "Скворечник"]
    assert "Сыночкин Иван" in api["team"] and api["team_hidden"] == 1
    # Nobody else gains anything: a stranger does not see the draft, the public not the child.
    assert (
        _client(make_user("stranger.photos@example.test", "guardian")).get(f"/projects/photos/{own.pk}/").status_code
        == 404
    )
    services.publish_project(draft, actor=teacher.user)
    assert Client().get(f"/projects/photos/{own.pk}/").status_code == 404
    assert Client().get(f"/projects/photos/{nobody.pk}/").status_code == 200
