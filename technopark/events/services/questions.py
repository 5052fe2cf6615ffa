"""Custom questions of an event's registration form (text, number, choice, yes/no, file), and the answers.

Organisers ask what the regulations need (a project's title, a T-shirt size, a signed application). The
answers are checked here, for the page and the API alike, before a registration takes a place: a missing
required answer refuses the registration with the question named.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import DomainError
from technopark.core.files import validate_document
from technopark.core.services import log_action
from technopark.events.models import Answer, Event, Question, Registration

QUESTION_FIELDS = {"label_ru", "label_be", "label_en", "kind", "choices", "required", "position"}
YES = ("yes", "true", "on", "1", "да", "так")
NO = ("no", "false", "off", "0", "нет", "не")
MAX_TEXT = 2000
# A number answer (a model's weight, a team's age): up to 15 digits before the decimal separator and 10 after,
# with a sign and a point or a comma; no exponent. Longer text is refused before it is read.
MAX_NUMBER_DIGITS = 15
MAX_NUMBER_DECIMALS = 10
MAX_NUMBER_LENGTH = 40
NUMBER = re.compile(rf"[+-]?[0-9]{{1,{MAX_NUMBER_DIGITS}}}(?:[.,][0-9]{{1,{MAX_NUMBER_DECIMALS}}})?")


class QuestionError(DomainError):
    code = "question_invalid"


class AnswerError(DomainError):
    code = "answer_invalid"


@transaction.atomic
def save_question(event: Event, *, actor: User, question: Question | None = None, **values: Any) -> Question:
    """Add a question to ``event``'s registration form or change one."""
    unknown = set(values) - QUESTION_FIELDS
    if unknown:
        raise QuestionError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    created = question is None
    question = question or Question(event=event)
    for name, value in values.items():
        setattr(question, name, value.strip() if isinstance(value, str) else value)
    if question.kind == Question.Kind.CHOICE and len(question.options()) < 2:
        raise QuestionError(_("Give at least two options, one per line."), code="choices_required", field="choices")
    if question.kind != Question.Kind.CHOICE:
        question.choices = ""
    question.full_clean()
    question.save()
    log_action(
        event,
        "events.question.added" if created else "events.question.changed",
        actor=actor,
        data={"question": question.pk, "label": question.label_ru},
    )
    return question


@transaction.atomic
def delete_question(question: Question, *, actor: User) -> None:
    """Remove a question and the answers given to it."""
    log_action(
        question.event,
        "events.question.deleted",
        actor=actor,
        data={"label": question.label_ru, "answers": question.answers.count()},
    )
    question.delete()


CheckedAnswer = tuple[Question, str, UploadedFile | None]


def check_answers(event: Event, answers: dict[int, Any]) -> list[CheckedAnswer]:
    """The answers to ``event``'s questions, checked: required ones given, numbers numbers, choices among
    the options, files a PDF or an image. Raises `AnswerError` naming the question (``field`` ``q_<id>``)."""
    questions = list(event.questions.all())
    known = {question.pk for question in questions}
    if unknown := [key for key in answers if key not in known]:
        raise AnswerError(
            _("This event has no question number %(id)s.") % {"id": unknown[0]}, code="answer_unknown", field="answers"
        )
    checked: list[CheckedAnswer] = []
    for question in questions:
        raw = answers.get(question.pk)
        if isinstance(raw, str):
            raw = raw.strip()
        field = f"q_{question.pk}"
        if raw is None or raw == "":
            if question.required:
                raise AnswerError(
                    _("Answer the question “%(question)s”.") % {"question": question.label},
                    code="answer_required", field=field,
                )  # fmt: skip
            continue
        checked.append(_check(question, raw, field))
    return checked


def _check(question: Question, raw: Any, field: str) -> CheckedAnswer:
    name = {"question": question.label}
    if question.kind == Question.Kind.FILE:
        if not isinstance(raw, UploadedFile):
            raise AnswerError(
                _("“%(question)s”: attach the file on the registration page.") % name, code="answer_file", field=field
            )
        try:
            upload = validate_document(raw)
        except ValidationError as error:
            raise AnswerError(f"“{question.label}”: {error.messages[0]}", code="answer_file", field=field) from None
        return question, "", upload
    if question.kind == Question.Kind.NUMBER:
        number = _number(raw)
        if number is None:
            raise AnswerError(_("“%(question)s”: enter a number.") % name, code="answer_number", field=field)
        return question, str(int(number)) if number == number.to_integral() else format(number, "f"), None
    if question.kind == Question.Kind.YES_NO:
        text = str(raw).lower() if not isinstance(raw, bool) else ("yes" if raw else "no")
        if text not in YES + NO:
            raise AnswerError(_("“%(question)s”: answer yes or no.") % name, code="answer_yes_no", field=field)
        return question, "yes" if text in YES else "no", None
    if question.kind == Question.Kind.CHOICE:
        if str(raw) not in question.options():
            raise AnswerError(_("“%(question)s”: choose one of the options.") % name, code="answer_choice", field=field)
        return question, str(raw), None
    text = str(raw)
    if len(text) > MAX_TEXT:
        raise AnswerError(
            _("“%(question)s”: at most %(limit)s characters.") % {**name, "limit": MAX_TEXT},
            code="answer_too_long", field=field,
        )  # fmt: skip
    return question, text, None


def _number(raw: Any) -> Decimal | None:
    """A number as people write it («12», «-3,5», «1 000»), or None. Its size is checked before it is parsed:
    «1e300000» is eight characters and an integer of 300 000 digits, which took Python seconds to build."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):  # from the API's JSON; compared before an int is written out
        if (isinstance(raw, float) and not math.isfinite(raw)) or abs(raw) >= 10**MAX_NUMBER_DIGITS:
            return None
        raw = f"{raw:.{MAX_NUMBER_DECIMALS}f}".rstrip("0").rstrip(".") if isinstance(raw, float) else str(raw)
    text = str(raw)
    if len(text) > MAX_NUMBER_LENGTH:
        return None
    text = text.replace(" ", "").replace("\xa0", "")
    if not NUMBER.fullmatch(text):
        return None
    return Decimal(text.replace(",", "."))


def save_answers(registration: Registration, checked: list[CheckedAnswer]) -> None:
    """Store checked answers with a new registration (inside its transaction)."""
    for question, value, upload in checked:
        answer = Answer(registration=registration, question=question, value=value)
        if upload is not None:
            answer.file.save(upload.name or "document.pdf", upload, save=False)
        answer.save()
