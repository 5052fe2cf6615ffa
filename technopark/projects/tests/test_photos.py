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

from technopark.accounts import services as account_services
from technopark.core import pagecache
from technopark.projects import services
from technopark.projects.models import StepImage
from technopark.projects.tests.conftest import png


@pytest.fixture(autouse=True)
def fresh_page_cache() -> Any:
    pagecache.clear()
    yield
    pagecache.clear()


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
    settings.PAGE_CACHE = True
    # The process has just read every revision and would keep them for an hour: the consents one must
    # still be read anew.
    monkeypatch.setattr(pagecache, "REVISION_TTL_SECONDS", 3600)
    consent = account_services.give_consent(student, purpose="publication", giver=student, actor=student.user)
    project = services.create_project(
        actor=teacher.user, title="Умная теплица", direction="engineering", summary="Полив по датчику",
        team=[student], supervisors=[teacher],
    )  # fmt: skip
    services.publish_project(project, actor=teacher.user)
    visitor = Client()
    assert "Петров Иван" in visitor.get(f"/projects/{project.pk}/").content.decode()
    account_services.withdraw_consent(consent, actor=student.user)
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
