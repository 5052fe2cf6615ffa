from __future__ import annotations

import datetime as dt
import io
import struct
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


def png(name: str = "photo.png", colour: tuple[int, int, int] = (20, 60, 140)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def binary_stl(triangles: int = 2, name: str = "part.stl") -> SimpleUploadedFile:
    body = b"\0" * 80 + struct.pack("<I", triangles) + b"\0" * (50 * triangles)
    return SimpleUploadedFile(name, body, content_type="model/stl")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def school(db: Any) -> Any:
    return network_services.create_institution(
        actor=None, full_name="ГУО «Средняя школа № 12 г. Минска»", short_name="СШ № 12", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


@pytest.fixture
def publication_text(db: Any) -> Any:
    text = people_services.create_consent_text(
        actor=None, purpose="publication", title_ru="Публикация", body_ru="Текст"
    )
    return people_services.publish_consent_text(text, actor=None)


def make_student(school: Any, last_name: str, *, user: Any = None, years: int = 16) -> Any:
    born = timezone.localdate() - dt.timedelta(days=years * 366)
    person = people_services.add_student(
        school, actor=None, last_name=last_name, first_name="Иван", birth_date=born, grade=10
    )
    if user is not None:
        person.user = user
        person.save(update_fields=["user"])
    return person


@pytest.fixture
def student(school: Any, make_user: Any) -> Any:
    """A 16-year-old with a login (gives consents himself)."""
    return make_student(school, "Петров", user=make_user("petrov@example.test", "student"))


@pytest.fixture
def teacher(school: Any, make_user: Any) -> Any:
    user = make_user("mentor@example.test", "teacher", first_name="Ольга", last_name="Наставник")
    person = people_services.ensure_own_person(user)
    people_services.set_affiliation(person, school, kind="teacher", position="Учитель физики", actor=None)
    return person
