"""Documents of an event: who gets which, the PDF (read back with pdftotext), reissue and revocation, the
public check of a code, downloads by role, the ZIP of an institution and the background run with progress."""

from __future__ import annotations

import importlib
import io
import shutil
import subprocess
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from technopark.core.models import BackgroundJob
from technopark.events import pdf, services
from technopark.events.models import Certificate
from technopark.events.selectors import normalise_code
from technopark.events.tests.test_registrations import _teen, school  # noqa: F401  (school is a fixture)
from technopark.network import services as network_services
from technopark.people import services as people_services

pytestmark = pytest.mark.skipif(
    not pdf.available(), reason="WeasyPrint needs the Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0)"
)


def pdf_text(content: bytes) -> str:
    """The text of a PDF as pdftotext (poppler) reads it: what a person copying from the PDF would get."""
    assert content[:5] == b"%PDF-"
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (Debian: poppler-utils) is not installed")
    result = subprocess.run([tool, "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode("utf-8")


@pytest.fixture
def held_contest(make_event: Any, school: Any, methodologist: Any, make_user: Any) -> dict[str, Any]:  # noqa: F811
    """A contest after the event: a team of three with a supervisor (I degree), a participant with the
    "participant" award, one checked in without a result, one neither (no document)."""
    event = make_event("Городской конкурс «Юный инженер»", status="registration_open")
    teacher = people_services.ensure_own_person(
        make_user("petrova@example.test", "teacher", first_name="Анна", last_name="Петрова")
    )
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    team = [_teen(school, name) for name in ("Алексеев", "Борисов", "Васильев")]
    winners = services.register(
        event, actor=methodologist, form="team", team_name="Роботы", members=team, institution=school,
        supervisors=[teacher],
    )  # fmt: skip
    taking_part = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Григорьев"))
    present = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Денисов"))
    services.register(event, actor=methodologist, form="individual", person=_teen(school, "Ещёнеявился"))
    services.check_in(present, event.sessions.first(), actor=methodologist)
    for step in ("registration_closed", "held"):
        services.change_status(event, step, actor=methodologist)
    services.set_results(event, {winners.pk: ("first", 1), taking_part.pk: ("participant", None)}, actor=methodologist)
    event.refresh_from_db()
    return {"event": event, "team": team, "teacher": teacher, "winners": winners, "taking_part": taking_part}


def test_documents_follow_results_attendance_and_supervision(held_contest: Any, methodologist: Any) -> None:
    event = held_contest["event"]
    counts = services.issue_certificates(event, actor=methodologist)
    assert counts == {"issued": 6, "reissued": 0, "unchanged": 0, "revoked": 0}
    kinds = sorted(Certificate.objects.filter(event=event).values_list("kind", flat=True))
    assert kinds == ["diploma", "diploma", "diploma", "gratitude", "participation", "participation"]
    diploma = Certificate.objects.get(event=event, person=held_contest["team"][0])
    assert diploma.award == "first" and diploma.institution.short_name == "Гимназия № 7"
    text = pdf_text(diploma.file.read())
    assert "Алексеев Иван" in text and "ДИПЛОМ" in text and "I степени" in text
    assert "Юный инженер" in text and diploma.code in text
    letter = Certificate.objects.get(event=event, kind="gratitude")
    assert "Петрова Анна" in pdf_text(letter.file.read())
    # Nothing changed: a second run keeps every document and its code.
    again = services.issue_certificates(event, actor=methodologist)
    assert again == {"issued": 0, "reissued": 0, "unchanged": 6, "revoked": 0}


def test_a_changed_result_reissues_the_diploma_and_the_old_code_is_revoked(
    held_contest: Any, methodologist: Any
) -> None:
    event = held_contest["event"]
    services.issue_certificates(event, actor=methodologist)
    old = Certificate.objects.get(event=event, person=held_contest["team"][0])
    rows = {held_contest["winners"].pk: ("second", 2), held_contest["taking_part"].pk: ("", None)}
    services.set_results(event, rows, actor=methodologist)
    counts = services.issue_certificates(event, actor=methodologist)
    # The team's three diplomas change; the participant whose result was removed (and who was never checked
    # in) is owed nothing now, so their certificate is revoked.
    assert counts["reissued"] == 3 and counts["revoked"] == 1
    old.refresh_from_db()
    new = Certificate.objects.get(event=event, person=held_contest["team"][0], revoked_at__isnull=True)
    assert old.revoked_at is not None and new.code != old.code and new.award == "second"
    page = Client().get(f"/verify/{old.code}/").content.decode()
    assert "не действителен" in page or "отозван" in page


def test_the_public_check_of_a_code_hides_a_childs_name_without_consent(held_contest: Any, methodologist: Any) -> None:
    services.issue_certificates(held_contest["event"], actor=methodologist)
    diploma = Certificate.objects.get(event=held_contest["event"], person=held_contest["team"][0])
    response = Client().get(f"/verify/{diploma.code}/")
    page = response.content.decode()
    assert response.status_code == 200 and "подлинный" in page.lower()
    assert "Алексеев" not in page and "А. И." in page and "Юный инженер" in page
    typed = diploma.code.lower().replace("-", " ").replace("0", "o")
    assert normalise_code(typed) == diploma.code
    assert Client().get("/verify/", {"code": typed}).url == f"/verify/{diploma.code}/"
    missing = Client().get("/verify/TP-00000-00000/")
    assert missing.status_code == 404 and "Нет документа" in missing.content.decode()
    staff = Client()
    staff.force_login(methodologist)
    assert "Алексеев Иван" in staff.get(f"/verify/{diploma.code}/").content.decode()


def test_downloads_go_to_the_holder_their_institution_and_staff_only(
    held_contest: Any,
    methodologist: Any,
    make_user: Any,
    school: Any,  # noqa: F811
) -> None:
    event = held_contest["event"]
    services.issue_certificates(event, actor=methodologist)
    member = held_contest["team"][0]
    member.user = make_user("member@example.test", "student")
    member.save()
    diploma = Certificate.objects.get(event=event, person=member)
    owner = Client()
    owner.force_login(member.user)
    response = owner.get(f"/events/certificates/{diploma.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Алексеев Иван" in pdf_text(b"".join(response.streaming_content))
    assert "(PDF)" in owner.get("/events/my/").content.decode()
    other = Certificate.objects.get(event=event, person=held_contest["team"][1])
    assert owner.get(f"/events/certificates/{other.pk}.pdf").status_code == 404
    stranger = Client()
    stranger.force_login(make_user("stranger.docs@example.test"))
    assert stranger.get(f"/events/certificates/{diploma.pk}.pdf").status_code == 404
    assert stranger.get(f"/events/{event.pk}/institutions/{school.pk}/documents.zip").status_code == 403
    coordinator = make_user("coord.docs@example.test")
    network_services.add_coordinator(school, coordinator, actor=None)
    client = Client()
    client.force_login(coordinator)
    response = client.get(f"/events/{event.pk}/institutions/{school.pk}/documents.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 6 and all(name.endswith(".pdf") for name in names)
    assert any(name.startswith("diploma-алексеев-иван") for name in names)


def test_staff_issue_in_the_background_with_progress_and_revoke_one(held_contest: Any, methodologist: Any) -> None:
    event = held_contest["event"]
    staff = Client()
    staff.force_login(methodologist)
    page = staff.get(f"/staff/events/{event.pk}/certificates/")
    assert page.status_code == 200
    response = staff.post(f"/staff/events/{event.pk}/certificates/", {"language": "ru"})
    job = BackgroundJob.objects.get(kind="events.issue_certificates")
    assert response.url == f"/staff/events/certificates/jobs/{job.pk}/"
    assert job.status == "done" and job.progress_done == job.progress_total == 6
    assert job.data["counts"]["issued"] == 6
    assert "Новых документов: 6" in staff.get(response.url).content.decode()
    certificate = Certificate.objects.filter(event=event).first()
    assert staff.post(f"/staff/events/certificates/{certificate.pk}/revoke/", {"reason": ""}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_valid  # no reason, no revocation
    staff.post(f"/staff/events/certificates/{certificate.pk}/revoke/", {"reason": "Ошибка в фамилии"})
    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoke_reason == "Ошибка в фамилии"


def test_documents_wait_for_the_event_to_be_held_and_only_staff_issue_them(
    make_event: Any, methodologist: Any, make_user: Any
) -> None:
    event = make_event(status="registration_open")
    with pytest.raises(services.CertificateError):
        services.issue_certificates(event, actor=methodologist)
    staff = Client()
    staff.force_login(methodologist)
    refused = staff.post(f"/staff/events/{event.pk}/certificates/", {"language": "ru"})
    assert refused.status_code == 400 and not BackgroundJob.objects.exists()
    teacher = Client()
    teacher.force_login(make_user("teacher.docs@example.test", "teacher"))
    assert teacher.get(f"/staff/events/{event.pk}/certificates/").status_code == 403


def test_a_teachers_course_gives_a_certificate_of_completion_with_the_hours_attended(
    make_event: Any, methodologist: Any, make_user: Any
) -> None:
    course = make_event(
        "Курсы «Робототехника»", kind="course", audience="teachers", status="registration_open", sessions=3
    )
    sessions = list(course.sessions.order_by("starts_at"))
    for session in sessions:
        session.hours = 4
        session.save()
    login = make_user("course.docs@example.test", "teacher")
    teacher = people_services.ensure_own_person(login)
    registration = services.register(course, actor=login, form="individual", person=teacher)
    for session in sessions[:2]:
        services.check_in(registration, session, actor=methodologist)
    services.change_status(course, "registration_closed", actor=methodologist)
    services.change_status(course, "held", actor=methodologist)
    course.refresh_from_db()
    services.issue_certificates(course, actor=methodologist)
    certificate = Certificate.objects.get(event=course)
    assert certificate.kind == "completion" and certificate.hours == 8
    text = pdf_text(certificate.file.read())
    assert "8 академических часов" in text and "Робототехника" in text


def _words(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


def test_a_diploma_reads_as_a_sentence_with_balanced_quotes_and_names_its_signatory(
    held_contest: Any, methodologist: Any
) -> None:
    event = held_contest["event"]
    services.set_signatory(event, position="Заведующий центром", name="А. В. Кравченко", actor=methodologist)
    services.issue_certificates(event, actor=methodologist)
    diploma = Certificate.objects.get(event=event, person=held_contest["team"][0])
    text = _words(diploma.file.read())
    # The kind's noun takes the case; the title keeps its own, with the quotes inside it nested.
    assert "за победу в конкурсе «Городской конкурс „Юный инженер“»" in text
    assert "I степени" in text and "1 место" in text
    assert "Заведующий центром" in text and "А. В. Кравченко" in text
    assert "»»" not in text and text.count("«") == text.count("»")
    letter = Certificate.objects.get(event=event, kind="gratitude")
    assert "за подготовку участников конкурса «Городской конкурс „Юный инженер“»" in _words(letter.file.read())
    # A new signatory is a change: the next run issues the documents again with new codes.
    services.set_signatory(event, position="Директор", name="И. И. Иванов", actor=methodologist)
    assert services.issue_certificates(event, actor=methodologist)["reissued"] == 6


def test_an_english_diploma_says_first_degree_and_first_place(held_contest: Any, methodologist: Any) -> None:
    event = held_contest["event"]
    services.issue_certificates(event, actor=methodologist, language="en")
    text = _words(Certificate.objects.get(event=event, person=held_contest["team"][0]).file.read())
    assert "First degree" in text and "1st place" in text and "of the I degree" not in text
    assert "for the victory in the contest “Городской конкурс ‘Юный инженер’”" in text


def test_the_check_link_points_at_the_site_people_open(held_contest: Any, methodologist: Any, settings: Any) -> None:
    event = held_contest["event"]
    services.issue_certificates(event, actor=methodologist, site_url="https://technopark.example.by")
    diploma = Certificate.objects.get(event=event, person=held_contest["team"][0])
    assert f"https://technopark.example.by/verify/{diploma.code}/" in _words(diploma.file.read())
    # In development the staff member's own address (another port, another host) goes to the job.
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    staff = Client()
    staff.force_login(methodologist)
    staff.post(f"/staff/events/{event.pk}/certificates/", {"language": "ru"}, HTTP_HOST="localhost:8123")
    assert BackgroundJob.objects.get(kind="events.issue_certificates").data["site_url"] == "http://localhost:8123"
    settings.DEBUG = False
    staff.post(f"/staff/events/{event.pk}/certificates/", {"language": "be"})
    latest = BackgroundJob.objects.filter(kind="events.issue_certificates").latest("created_at")
    assert latest.data["site_url"] == settings.SITE_URL


def test_the_staff_page_keeps_the_signatory_for_the_next_issue(held_contest: Any, methodologist: Any) -> None:
    event = held_contest["event"]
    staff = Client()
    staff.force_login(methodologist)
    staff.post(
        f"/staff/events/{event.pk}/certificates/",
        {"language": "ru", "signatory_position": "Директор", "signatory_name": "И. И. Иванов"},
    )
    event.refresh_from_db()
    assert (event.signatory_position, event.signatory_name) == ("Директор", "И. И. Иванов")
    page = staff.get(f"/staff/events/{event.pk}/certificates/").content.decode()
    assert 'value="И. И. Иванов"' in page
    too_long = staff.post(
        f"/staff/events/{event.pk}/certificates/",
        {"language": "ru", "signatory_name": "Я" * 101, "signatory_position": "Директор"},
    )
    assert too_long.status_code == 400 and "Директор" in too_long.content.decode()  # what was typed is kept


def test_why_a_document_was_revoked_reads_in_the_readers_language(held_contest: Any, methodologist: Any) -> None:
    event = held_contest["event"]
    services.issue_certificates(event, actor=methodologist)
    old = Certificate.objects.get(event=event, person=held_contest["team"][0])
    services.set_results(event, {held_contest["winners"].pk: ("second", 2)}, actor=methodologist)
    with translation.override("be"):  # whoever reissued it reads Belarusian
        services.issue_certificates(event, actor=methodologist)
    assert "Reissued with changes" in Client().get(f"/en/verify/{old.code}/").content.decode()
    assert "Выдан заново с изменениями" in Client().get(f"/verify/{old.code}/").content.decode()


def test_reasons_written_before_become_codes(held_contest: Any, methodologist: Any) -> None:
    from django.apps import apps

    migration = importlib.import_module("technopark.events.migrations.0008_documents_signatory_and_revocation")
    services.issue_certificates(held_contest["event"], actor=methodologist)
    first, second = Certificate.objects.filter(event=held_contest["event"])[:2]
    now = timezone.now()
    Certificate.objects.filter(pk=first.pk).update(revoked_at=now, revoke_reason="Выдадзены нанава са зменамі")
    Certificate.objects.filter(pk=second.pk).update(revoked_at=now, revoke_reason="Ошибка в фамилии")
    migration.reasons_to_codes(apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.revoked_because, first.revoke_reason) == ("reissued", "")
    assert (second.revoked_because, second.revoke_reason) == ("by_staff", "Ошибка в фамилии")


def test_the_zip_link_shows_only_where_there_are_documents_and_never_leads_to_a_404(
    held_contest: Any,
    methodologist: Any,
    make_user: Any,
    school: Any,  # noqa: F811
) -> None:
    event = held_contest["event"]
    coordinator = make_user("coord.zip@example.test")
    network_services.add_coordinator(school, coordinator, actor=None)
    client = Client()
    client.force_login(coordinator)
    zip_url = f"/events/{event.pk}/institutions/{school.pk}/documents.zip"
    assert zip_url not in client.get(f"/events/{event.pk}/").content.decode()  # nothing issued yet
    before = client.get(f"/en{zip_url}", follow=True)
    assert before.status_code == 200 and "There are no documents for this institution" in (before.content.decode())
    services.issue_certificates(event, actor=methodologist)
    assert zip_url in client.get(f"/events/{event.pk}/").content.decode()
