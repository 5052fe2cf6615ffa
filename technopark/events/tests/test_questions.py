"""Custom questions of the registration form: staff set them up, the page and the API ask them, required
ones refuse a registration with the question named, and the answers reach the staff list and the exports."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from technopark.events import services
from technopark.events.models import Answer, Question, Registration
from technopark.events.services.questions import AnswerError, check_answers
from technopark.events.tests.test_registrations import _teen, school  # noqa: F401  (school is a fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def asking_event(make_event: Any, methodologist: Any) -> Any:
    event = make_event("Конкурс проектов «Умный город»", status="registration_open")
    ask = services.save_question
    ask(event, actor=methodologist, label_ru="Название проекта", kind="text", required=True, position=1)
    ask(event, actor=methodologist, label_ru="Размер футболки", kind="choice", choices="S\nM\nL", position=2)
    ask(event, actor=methodologist, label_ru="Нужен ли ноутбук", kind="yes_no", required=True, position=3)
    ask(event, actor=methodologist, label_ru="Вес модели, г", kind="number", position=4)
    ask(event, actor=methodologist, label_ru="Заявка с подписью", kind="file", position=5)
    return event


def _ids(event: Any) -> dict[str, int]:
    return {q.label_ru: q.pk for q in event.questions.all()}


def test_staff_set_up_questions_and_a_choice_needs_options(make_event: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open")
    staff = Client()
    staff.force_login(methodologist)
    url = f"/staff/events/{event.pk}/questions/"
    bad = staff.post(url, {"label_ru": "Размер", "kind": "choice", "choices": "M", "position": 0})
    assert bad.status_code == 400 and "не менее двух вариантов" in bad.content.decode()
    assert 'value="Размер"' in bad.content.decode()  # what was typed stays
    assert (
        staff.post(url, {"label_ru": "Размер", "kind": "choice", "choices": "S\nM", "position": 0}).status_code == 302
    )
    question = Question.objects.get(event=event)
    assert question.options() == ["S", "M"]
    assert "Размер" in staff.get(url).content.decode()
    staff.post(f"/staff/events/questions/{question.pk}/delete/")
    assert not Question.objects.exists()


def test_the_page_asks_the_questions_keeps_the_answers_and_refuses_without_a_required_one(
    asking_event: Any,
    school: Any,  # noqa: F811
    make_user: Any,
    methodologist: Any,
) -> None:
    login = make_user("asked@example.test", "student")
    me = _teen(school, "Отвечающий")
    me.user = login
    me.save()
    client = Client()
    client.force_login(login)
    url = f"/events/{asking_event.pk}/register/"
    page = client.get(url).content.decode()
    assert "Название проекта" in page and 'enctype="multipart/form-data"' in page
    ids = _ids(asking_event)
    missing = client.post(url, {"form": "individual", "person": me.pk, f"q_{ids['Размер футболки']}": "M"})
    body = missing.content.decode()
    assert missing.status_code == 400 and not Registration.objects.exists()
    assert "Обязательное поле" in body and 'value="M" selected' in body
    done = client.post(
        url,
        {
            "form": "individual", "person": me.pk,
            f"q_{ids['Название проекта']}": "Умный светофор",
            f"q_{ids['Размер футболки']}": "M",
            f"q_{ids['Нужен ли ноутбук']}": "no",
            f"q_{ids['Вес модели, г']}": "12,5",
            f"q_{ids['Заявка с подписью']}": SimpleUploadedFile("заявка.pdf", PDF, content_type="application/pdf"),
        },
    )  # fmt: skip
    assert done.status_code == 302
    answers = {a.question.label_ru: a for a in Answer.objects.select_related("question")}
    assert answers["Название проекта"].value == "Умный светофор" and answers["Вес модели, г"].value == "12.5"
    assert answers["Нужен ли ноутбук"].value == "no" and answers["Заявка с подписью"].file.name.endswith(".pdf")
    staff = Client()
    staff.force_login(methodologist)
    listing = staff.get(f"/staff/events/{asking_event.pk}/registrations/").content.decode()
    assert "Умный светофор" in listing
    file_url = f"/events/answers/{answers['Заявка с подписью'].pk}/"
    assert staff.get(file_url).status_code == 200 and client.get(file_url).status_code == 200
    stranger = Client()
    stranger.force_login(make_user("nosy@example.test"))
    assert stranger.get(file_url).status_code == 404
    sheet = load_workbook(io.BytesIO(staff.get(f"/staff/events/{asking_event.pk}/participants.xlsx").content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][-5:] == [
        "Название проекта",
        "Размер футболки",
        "Нужен ли ноутбук",
        "Вес модели, г",
        "Заявка с подписью",
    ]
    assert values[1][-5:] == ["Умный светофор", "M", "нет", "12.5", "файл приложен"]


def test_the_api_lists_the_questions_and_checks_the_answers(
    asking_event: Any,
    school: Any,  # noqa: F811
    make_user: Any,
) -> None:
    login = make_user("api.asked@example.test", "student")
    me = _teen(school, "Апишный")
    me.user = login
    me.save()
    client = Client()
    client.force_login(login)
    questions = client.get(f"/api/v1/events/{asking_event.pk}").json()["questions"]
    assert [q["kind"] for q in questions] == ["text", "choice", "yes_no", "number", "file"]
    assert questions[1]["options"] == ["S", "M", "L"] and questions[0]["required"] is True
    ids = _ids(asking_event)
    url = f"/api/v1/events/{asking_event.pk}/registrations"

    def post(answers: dict[int, Any]) -> Any:
        return client.post(url, json.dumps({"answers": answers}), content_type="application/json")

    refused = post({ids["Название проекта"]: "Проект"})
    assert refused.status_code == 400 and "Нужен ли ноутбук" in refused.json()["detail"]
    wrong = post({ids["Название проекта"]: "Проект", ids["Нужен ли ноутбук"]: True, ids["Размер футболки"]: "XXL"})
    assert wrong.status_code == 400 and "Размер футболки" in wrong.json()["detail"]
    number = post({ids["Название проекта"]: "Проект", ids["Нужен ли ноутбук"]: True, ids["Вес модели, г"]: "много"})
    assert number.status_code == 400 and "число" in number.json()["detail"]
    assert post({99999: "?"}).status_code == 400
    created = post({ids["Название проекта"]: "Проект", ids["Нужен ли ноутбук"]: True, ids["Вес модели, г"]: 40})
    assert created.status_code == 201
    assert {a.question.label_ru: a.value for a in Answer.objects.select_related("question")} == {
        "Название проекта": "Проект",
        "Нужен ли ноутбук": "yes",
        "Вес модели, г": "40",
    }


def _required_and(event: Any, number: Any) -> dict[int, Any]:
    ids = _ids(event)
    return {ids["Название проекта"]: "Проект", ids["Нужен ли ноутбук"]: True, ids["Вес модели, г"]: number}


@pytest.mark.parametrize("answer", ["1e300000", "9" * 300_000, "-1E+999999", "Infinity", "NaN", "1.5e3", "0x1F"])
def test_a_number_answer_is_refused_by_its_size_and_form_before_it_is_read(asking_event: Any, answer: str) -> None:
    """«1e300000» made Python build an integer of 300 000 digits (seconds to tens of seconds of CPU), then a
    500. A number people write is checked by its length and shape first; the guard below compares the CPU
    time of the check with a second to catch unbounded work, it does not measure speed."""
    question = asking_event.questions.get(kind="number")
    started = time.process_time()
    with pytest.raises(AnswerError) as refused:
        check_answers(asking_event, _required_and(asking_event, answer))
    assert time.process_time() - started < 1
    assert refused.value.code == "answer_number" and refused.value.field == f"q_{question.pk}"


@pytest.mark.parametrize(
    ("answer", "kept"), [("12", "12"), ("-3,5", "-3.5"), ("1 000", "1000"), (12.5, "12.5"), (40, "40"), (0.1, "0.1")]
)
def test_a_number_as_people_write_it_is_kept_in_one_form(asking_event: Any, answer: Any, kept: str) -> None:
    checked = check_answers(asking_event, _required_and(asking_event, answer))
    assert [value for question, value, _file in checked if question.kind == "number"] == [kept]


def test_a_huge_number_answer_is_a_400_on_the_page_and_in_the_api(
    asking_event: Any,
    school: Any,  # noqa: F811
    make_user: Any,
) -> None:
    login = make_user("huge.answer@example.test", "student")
    me = _teen(school, "Огромный")
    me.user = login
    me.save()
    client = Client()
    client.force_login(login)
    ids = _ids(asking_event)
    answers = {ids["Название проекта"]: "Проект", ids["Нужен ли ноутбук"]: True, ids["Вес модели, г"]: "1e300000"}
    api = client.post(
        f"/api/v1/events/{asking_event.pk}/registrations",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "answer_number"
    page = client.post(
        f"/events/{asking_event.pk}/register/",
        {"form": "individual", "person": me.pk, **{f"q_{pk}": "yes" if v is True else v for pk, v in answers.items()}},
    )
    assert page.status_code == 400 and "Вес модели, г" in page.content.decode()
    assert not Registration.objects.exists()
