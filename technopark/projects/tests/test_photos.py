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

from technopark.core import pagecache
from technopark.projects import services
from technopark.projects.models import StepImage


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
