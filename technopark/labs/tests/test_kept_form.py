"""The equipment page's empty booking form: its fields are kept rendered per process
(`core.forms.kept_field_groups`), with the same HTML as a fresh render; a sent form is always rendered
anew, with what was typed and its errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from technopark.core import forms as core_forms
from technopark.labs.models import Equipment
from technopark.labs.tests.conftest import at

FORM = re.compile(r'<form method="post" action="/labs/equipment/\d+/book/".*?</form>', re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    core_forms.clear_kept_fields()
    yield
    core_forms.clear_kept_fields()


def _form_of(client: Client, equipment: Equipment) -> str:
    # The form as the equipment page fetches it (htmx: the form alone).
    page = client.get(f"/labs/equipment/{equipment.pk}/book/", headers={"HX-Request": "true"})
    return TOKEN.sub("", FORM.search(page.content.decode()).group(0))


@pytest.mark.parametrize("who", ["teacher", "student", "lab_manager"])
def test_the_kept_form_is_what_the_templates_render(
    who: str, laser: Equipment, workstations: Equipment, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user(f"{who}.kept@example.test", who))
    for equipment in (laser, workstations):
        first = _form_of(client, equipment)
        kept = _form_of(client, equipment)
        core_forms.clear_kept_fields()
        assert kept == first == _form_of(client, equipment)
    # A pool's units field (and its maximum) belongs to the pool only.
    assert 'name="units"' not in _form_of(client, laser)
    assert 'max="12"' in _form_of(client, workstations)


def test_a_teacher_and_a_student_get_their_own_kept_fields(laser: Equipment, make_user: Any) -> None:
    teacher, student = Client(), Client()
    teacher.force_login(make_user("t.kept@example.test", "teacher"))
    student.force_login(make_user("s.kept@example.test", "student"))
    assert 'value="lesson"' in _form_of(teacher, laser) and 'name="weekly_until"' in _form_of(teacher, laser)
    assert 'value="lesson"' not in _form_of(student, laser) and 'name="weekly_until"' not in _form_of(student, laser)


def test_a_sent_form_with_errors_keeps_what_was_typed(workstations: Equipment, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("t.typed@example.test", "teacher"))
    client.get(f"/labs/equipment/{workstations.pk}/book/")  # the empty fields are kept now
    day = f"{at(2, 0).date():%Y-%m-%d}"
    sent = {"purpose": "lesson", "day": day, "start": "15:00", "end": "14:00", "units": 7, "note": "Группа 7Б"}
    body = client.post(f"/labs/equipment/{workstations.pk}/book/", sent).content.decode()
    assert f'value="{day}"' in body and 'value="15:00"' in body and 'value="14:00"' in body
    assert 'value="7"' in body and 'value="Группа 7Б"' in body
    assert 'aria-invalid="true"' in body  # the end before the start
    # And the next empty page is empty again.
    assert 'value="Группа 7Б"' not in _form_of(client, workstations)


def test_a_field_with_options_from_the_database_is_never_kept(laser: Equipment, make_user: Any) -> None:
    from technopark.labs.forms import BookingForm

    form = BookingForm(
        equipment=laser, people=lambda: None, shown_people=[], searchable=False, teachers=None, lessons=True
    )
    with pytest.raises(TypeError):
        core_forms.kept_field_groups(form, "person")


def test_without_scripts_the_booking_form_opens_as_a_page_with_the_week(laser: Equipment, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("t.noscript@example.test", "teacher"))
    equipment_page = client.get(f"/labs/equipment/{laser.pk}/").content.decode()
    assert f'href="/labs/equipment/{laser.pk}/book/#book"' in equipment_page  # the link htmx replaces
    page = client.get(f"/labs/equipment/{laser.pk}/book/")
    assert page.status_code == 200
    html = page.content.decode()
    assert FORM.search(html) and 'class="week' in html and "<html" in html
    fragment = client.get(f"/labs/equipment/{laser.pk}/book/", headers={"HX-Request": "true"}).content.decode()
    assert FORM.search(fragment) and "<html" not in fragment
