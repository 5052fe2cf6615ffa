"""List pages run the same number of queries whatever the amount of data (no N+1).

Each page is measured at two data sizes; the expected count is the same for both.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from technopark.accounts.models import RoleAssignment, User
from technopark.core import cache
from technopark.core.models import AuditLog
from technopark.portal.models import News

SIZES = [3, 40]


def _news(count: int) -> None:
    now = timezone.now()
    News.objects.bulk_create(
        News(title_ru=f"Новость {i}", lead_ru="Кратко", status=News.Status.PUBLISHED, published_at=now)
        for i in range(count)
    )


def _users(count: int) -> None:
    users = User.objects.bulk_create(User(email=f"u{i}@example.test", password="!") for i in range(count))
    RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role="student") for u in users)
    RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role="guardian") for u in users[::2])


def _audit(count: int) -> None:
    AuditLog.objects.bulk_create(
        AuditLog(action="core.test.done", actor_label="x", ip="10.0.0.1") for _ in range(count)
    )


def _count(client, url: str) -> int:
    """The queries of rendering ``url`` (the data are written behind the services, so no cached page would
    be read anew: the cache is emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _institutions(count: int) -> None:
    import datetime as dt

    from technopark.network.models import Agreement, District, Institution

    districts = list(District.objects.all())
    institutions = Institution.objects.bulk_create(
        Institution(
            full_name=f"Школа {i}", short_name=f"Школа {i}", kind="school", district=districts[i % len(districts)],
            cluster_role="partner", search_text=f"школа {i}",
        )
        for i in range(count)
    )  # fmt: skip
    day = dt.date(2026, 1, 1)
    Agreement.objects.bulk_create(
        Agreement(institution=institution, number=str(i), signed_on=day, valid_from=day, subject="x")
        for i, institution in enumerate(institutions)
    )


def _people(count: int) -> None:
    """``count`` students of one school where the teacher persona teaches, each with a consent given by the
    guardian persona (their guardian), and a duplicate pair per student for the staff's duplicates page."""
    import datetime as dt

    from technopark.network.models import District, Institution
    from technopark.people import services as people_services
    from technopark.people.models import Affiliation, Consent, ConsentText, Guardianship, Person

    school = Institution.objects.create(
        full_name="Гимназия", short_name="Гимназия", kind="gymnasium", district=District.objects.first(),
        cluster_role="base",
    )  # fmt: skip
    teacher = people_services.ensure_own_person(User.objects.get(email="teacher@example.test"))
    Affiliation.objects.create(person=teacher, institution=school, kind="teacher")
    parent = people_services.ensure_own_person(User.objects.get(email="guardian@example.test"))
    text = ConsentText.objects.create(
        purpose="participation", version=1, title_ru="С", body_ru="Т", published_at=timezone.now()
    )
    born = dt.date(2013, 1, 1)
    students = Person.objects.bulk_create(
        Person(last_name=f"Ученик{i}", first_name="Иван", birth_date=born + dt.timedelta(days=i // 2), grade=7,
               search_text=f"ученик{i // 2} иван")
        for i in range(count)
    )  # fmt: skip
    Affiliation.objects.bulk_create(Affiliation(person=p, institution=school, kind="student") for p in students)
    Guardianship.objects.bulk_create(Guardianship(guardian=parent, child=p) for p in students)
    Consent.objects.bulk_create(
        Consent(subject=p, giver=parent, purpose="participation", text=text, given_at=timezone.now(), channel="online")
        for p in students
    )


def _events(count: int) -> None:
    """``count`` published events a week ahead, each with two sessions and a co-organiser."""
    import datetime as dt

    from technopark.events.models import Event, EventSession
    from technopark.network.models import District, Institution

    partner = Institution.objects.create(
        full_name="Университет", short_name="Университет", kind="university", district=District.objects.first(),
        cluster_role="partner",
    )  # fmt: skip
    start = timezone.now() + dt.timedelta(days=7)
    events = Event.objects.bulk_create(
        Event(title_ru=f"Конкурс {i}", kind="contest", audience="students", level="city", format="in_person",
              venue_kind="lab", venue_lab="fablab", status="published", starts_at=start,
              ends_at=start + dt.timedelta(days=1, hours=2), search_text=f"конкурс {i}")
        for i in range(count)
    )  # fmt: skip
    EventSession.objects.bulk_create(
        EventSession(event=e, starts_at=start + dt.timedelta(days=d), ends_at=start + dt.timedelta(days=d, hours=2))
        for e in events
        for d in (0, 1)
    )
    Event.co_organisers.through.objects.bulk_create(
        Event.co_organisers.through(event_id=e.pk, institution_id=partner.pk) for e in events
    )


def _event_with_participants(count: int) -> dict[str, int]:
    """An event after it was held: ``count`` confirmed registrations, each with an answer to a question, and
    a document for each participant (stand-in files: the pages list them, they do not render them)."""
    import datetime as dt

    from technopark.events.models import Answer, Certificate, Event, Question, Registration
    from technopark.people.models import Person

    start = timezone.now() - dt.timedelta(days=3)
    event = Event.objects.create(
        title_ru="Прошедший конкурс", kind="contest", audience="students", level="city", format="in_person",
        venue_kind="lab", venue_lab="fablab", status="held", starts_at=start, ends_at=start + dt.timedelta(hours=4),
    )  # fmt: skip
    question = Question.objects.create(event=event, label_ru="Название проекта", kind="text")
    people = Person.objects.bulk_create(Person(last_name=f"Участник{i}", first_name="Иван") for i in range(count))
    registrations = Registration.objects.bulk_create(
        Registration(event=event, form="individual", person=p, status="confirmed", code=f"code-{p.pk}") for p in people
    )
    Answer.objects.bulk_create(Answer(registration=r, question=question, value="Проект") for r in registrations)
    Certificate.objects.bulk_create(
        Certificate(code=f"TP-{r.pk:05d}-00000", kind="participation", event=event, registration=r, person=r.person,
                    recipient_name=r.person.full_name, file=f"certificates/{r.pk}.pdf")
        for r in registrations
    )  # fmt: skip
    return {"event": event.pk}


# (url, who, data maker, expected queries); "{event}" in a url is filled from what the maker returns. Signed in,
# the session and the login with its roles are two of them (`accounts.backends`); centre staff add one, whether
# their authenticator app is still there (`accounts.access.apply_second_factor_rule`, DOMAIN.md rule 11).
PAGES = {
    # The home page: its blocks, the news, the coming events and the open registrations.
    "home": ("/", None, _news, 4),
    "news list": ("/news/", None, _news, 2),
    "news list in English": ("/en/news/", None, _news, 2),
    "api news list": ("/api/v1/news?limit=50", None, _news, 2),
    # count, page, and the districts of the filter's select
    "institution list": ("/network/?q=школа", None, _institutions, 3),
    "api institution list": ("/api/v1/institutions?limit=50", None, _institutions, 2),
    "staff agreement list": ("/staff/agreements/", "methodologist", _institutions, 6),
    "api agreement list": ("/api/v1/agreements?limit=50", "methodologist", _institutions, 5),
    # People: session, user, roles, who-sees-whom, then count + page + institutions (+ consent text). Whom a
    # teacher or a guardian acts for is read as ids first, once per request (`people.access.acting_for`).
    "people list for a teacher": ("/people/?grade=7", "teacher", _people, 9),
    "people list for a guardian": ("/people/", "guardian", _people, 9),
    "people list for staff": ("/people/?q=ученик", "methodologist", _people, 9),
    "api people list": ("/api/v1/persons?limit=50", "teacher", _people, 7),
    "api consent list": ("/api/v1/consents?limit=50", "methodologist", _people, 5),
    "staff duplicates": ("/staff/people/duplicates/", "methodologist", _people, 5),
    # The calendar (anonymous pages are cached; measured signed in): count + page + co-organisers.
    "event calendar": ("/events/", "student", _events, 5),
    "event month": ("/events/month/", "student", _events, 3),
    "api event list": ("/api/v1/events?limit=50", None, _events, 2),
    "event feed": ("/events/feed.ics", None, _events, 2),
    "staff event list": ("/staff/events/", "methodologist", _events, 6),
    # The event, then the registrations with members, answers; places held and free; who lacks a consent to
    # take part (the adults by grant among those without a confirmed date, the text in force).
    "staff participants": ("/staff/events/{event}/registrations/", "methodologist", _event_with_participants, 10),
    # The event, the issuing job, documents by institution, count + page.
    "staff documents": ("/staff/events/{event}/certificates/", "methodologist", _event_with_participants, 8),
    # Staff pages: session, user, roles, second-factor check, then the list (count + page, + prefetch).
    "staff news list": ("/staff/news/", "methodologist", _news, 5),
    "staff user list": ("/staff/users/", "administrator", _users, 6),
    "staff audit log": ("/staff/audit/", "administrator", _audit, 6),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_pages_make_a_constant_number_of_queries(page, size, personas, client_for, django_assert_num_queries):
    url, who, make, expected = PAGES[page]
    made = make(size)
    url = url.format(**made) if isinstance(made, dict) else url
    client = client_for(personas[who] if who else None)
    client.get(url)  # warm caches that are per process, not per request (content types, templates)
    if who is None:
        cache.clear()  # but render the page: what is measured is its queries, not the cached copy's (none)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
