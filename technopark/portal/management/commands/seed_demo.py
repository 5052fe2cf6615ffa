"""Demo data for trying the platform out (`make run`). Idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.core.text import search_key
from technopark.events import pdf
from technopark.events import services as event_services
from technopark.events.models import Event
from technopark.labs import services as lab_services
from technopark.labs.models import Equipment, Lab, OpeningHours
from technopark.network.models import Agreement, District, Institution
from technopark.people import services as people_services
from technopark.people.models import Person
from technopark.portal.models import News
from technopark.projects import services as project_services
from technopark.projects.models import Project

DEMO_PASSWORD = "demo-tekhnopark-2026"  # noqa: S105 (printed to the demo user on purpose)

# (e-mail, surname, name, patronymic, roles)
DEMO_PEOPLE: list[tuple[str, str, str, str, list[str]]] = [
    ("admin@demo.test", "Ковалёва", "Ирина", "Сергеевна", [Role.ADMINISTRATOR]),
    ("methodologist@demo.test", "Жук", "Татьяна", "Николаевна", [Role.METHODOLOGIST]),
    ("labmanager@demo.test", "Лис", "Андрей", "Викторович", [Role.LAB_MANAGER]),
    ("teacher@demo.test", "Семенович", "Олег", "Петрович", [Role.TEACHER]),
    ("coordinator@demo.test", "Мороз", "Елена", "Ивановна", [Role.COORDINATOR, Role.TEACHER]),
    ("student@demo.test", "Климович", "Максим", "Андреевич", [Role.STUDENT]),
    ("guardian@demo.test", "Климович", "Наталья", "Олеговна", [Role.GUARDIAN]),
    ("jury@demo.test", "Новик", "Павел", "Александрович", [Role.JURY_MEMBER]),
    ("partner@demo.test", "Бондарь", "Сергей", "Михайлович", [Role.PARTNER]),
]

# Each item: titles, summaries and texts in ru / be / en, and how many days ago it was published.
DEMO_NEWS: list[dict[str, Any]] = [
    {
        "title": (
            "Открыта регистрация на технический уик-энд «Собери робота»",
            "Адкрыта рэгістрацыя на тэхнічны ўік-энд «Сабяры робата»",
            "Registration is open for the «Build a robot» technical weekend",
        ),
        "lead": (
            "Учащиеся 5–9 классов за два дня соберут и запрограммируют робота.",
            "Навучэнцы 5–9 класаў за два дні збяруць і запраграмуюць робата.",
            "Students of grades 5–9 will build and program a robot in two days.",
        ),
        "body": (
            "Занятия пройдут в лаборатории технологий и инженерии. Участники работают в командах по три "
            "человека, наставники помогут с конструкцией и программой.\n\nВ конце второго дня команды "
            "покажут своих роботов на мини-соревновании.",
            "Заняткі пройдуць у лабараторыі тэхналогій і інжынерыі. Удзельнікі працуюць у камандах па тры "
            "чалавекі, настаўнікі дапамогуць з канструкцыяй і праграмай.\n\nУ канцы другога дня каманды "
            "пакажуць сваіх робатаў на міні-спаборніцтве.",
            "Classes take place in the lab of technologies and engineering. Participants work in teams of "
            "three; mentors help with the design and the program.\n\nAt the end of the second day the teams "
            "show their robots in a mini-competition.",
        ),
        "days_ago": 2,
    },
    {
        "title": (
            "Семинар для педагогов: проектная деятельность в ФабЛабе",
            "Семінар для педагогаў: праектная дзейнасць у ФабЛабе",
            "Seminar for teachers: project work in the FabLab",
        ),
        "lead": (
            "Методисты центра покажут, как провести учебный проект от идеи до опытного образца.",
            "Метадысты цэнтра пакажуць, як правесці вучэбны праект ад ідэі да доследнага ўзору.",
            "The centre's methodologists show how to take a class project from an idea to a prototype.",
        ),
        "body": (
            "На семинаре разберём этапы проекта, подготовку моделей к изготовлению и оценивание работ "
            "учащихся. Участники получат методические рекомендации.",
            "На семінары разбяром этапы праекта, падрыхтоўку мадэляў да вырабу і ацэньванне работ "
            "навучэнцаў. Удзельнікі атрымаюць метадычныя рэкамендацыі.",
            "The seminar covers the stages of a project, preparing models for making, and assessing "
            "students' work. Participants receive methodical recommendations.",
        ),
        "days_ago": 9,
    },
    {
        "title": (
            "Итоги городского конкурса архитектурных макетов",
            "Вынікі гарадскога конкурсу архітэктурных макетаў",
            "Results of the city contest of architectural models",
        ),
        "lead": (
            "Поздравляем победителей и благодарим педагогов, подготовивших участников.",
            "Віншуем пераможцаў і дзякуем педагогам, якія падрыхтавалі ўдзельнікаў.",
            "Congratulations to the winners, and thanks to the teachers who prepared the participants.",
        ),
        "body": (
            "Жюри оценило работы в трёх возрастных группах. Дипломы будут вручены на торжественном закрытии конкурса.",
            "Журы ацаніла работы ў трох узроставых групах. Дыпломы будуць уручаны на ўрачыстым закрыцці конкурсу.",
            "The jury assessed the entries in three age groups. Diplomas will be presented at the closing ceremony.",
        ),
        "days_ago": 20,
    },
]


# Fictional institutions (numbers no Minsk school has), so that nothing here passes for a real one.
DEMO_INSTITUTIONS = [
    ("ГУО «Средняя школа № 301 г. Минска»", "СШ № 301", "school", "frunzensky", "base"),
    ("ГУО «Гимназия № 95 г. Минска»", "Гимназия № 95", "gymnasium", "sovetsky", "base"),
    ("ГУО «Лицей № 77 г. Минска»", "Лицей № 77", "lyceum", "partizansky", "associate"),
    ("УО «Демонстрационный колледж технологий»", "Демо-колледж", "college", "zavodskoy", "associate"),
    ("ООО «Демо-Робототехника»", "Демо-Робототехника", "enterprise", "minsk-region", "partner"),
]


# Consent texts for the demo. The legal wording is the centre's to approve: these say so.
DEMO_CONSENT_TEXTS = {
    "participation": (
        (
            "Согласие на обработку персональных данных для участия в мероприятиях центра",
            "Згода на апрацоўку персанальных даных для ўдзелу ў мерапрыемствах цэнтра",
            "Consent to the processing of personal data for taking part in the centre's activities",
        ),
        (
            "Демонстрационный текст. Я даю согласие на обработку персональных данных (фамилия, имя, отчество, дата "
            "рождения, учреждение образования, класс, контакты) для регистрации и участия в мероприятиях, "
            "объединениях по интересам и работе лабораторий центра.\n\nСогласие действует до его отзыва. "
            "Отозвать согласие можно в любой момент на странице записи или письменным заявлением.",
            "Дэманстрацыйны тэкст. Я даю згоду на апрацоўку персанальных даных (прозвішча, імя, імя па бацьку, дата "
            "нараджэння, установа адукацыі, клас, кантакты) для рэгістрацыі і ўдзелу ў мерапрыемствах, аб’яднаннях "
            "па інтарэсах і працы лабараторый цэнтра.\n\nЗгода дзейнічае да яе адклікання. Адклікаць згоду можна ў "
            "любы момант на старонцы запісу або пісьмовай заявай.",
            "Demonstration text. I consent to the processing of personal data (full name, date of birth, school, "
            "grade, contacts) for registration and taking part in events, clubs and the work of the centre's labs."
            "\n\nThe consent is valid until withdrawn. It can be withdrawn at any time on the record's page or in "
            "writing.",
        ),
    ),
    "publication": (
        (
            "Согласие на публикацию фотографий и фамилии, имени",
            "Згода на публікацыю фотаздымкаў і прозвішча, імя",
            "Consent to publishing photos and names",
        ),
        (
            "Демонстрационный текст. Я даю согласие на публикацию фотографий, видеозаписей, фамилии и имени на "
            "сайте центра и в его официальных сообществах в связи с участием в мероприятиях и проектах.",
            "Дэманстрацыйны тэкст. Я даю згоду на публікацыю фотаздымкаў, відэазапісаў, прозвішча і імя на сайце "
            "цэнтра і ў яго афіцыйных суполках у сувязі з удзелам у мерапрыемствах і праектах.",
            "Demonstration text. I consent to photos, videos, surname and name being published on the centre's "
            "website and official pages in connection with events and projects.",
        ),
    ),
    "ndtp_transfer": (
        (
            "Согласие на передачу данных в Национальный детский технопарк",
            "Згода на перадачу даных у Нацыянальны дзіцячы тэхнапарк",
            "Consent to passing data to the National Children's Technopark",
        ),
        (
            "Демонстрационный текст. Я даю согласие на передачу персональных данных и результатов этапов отбора в "
            "Национальный детский технопарк для участия в отборе на образовательную смену.",
            "Дэманстрацыйны тэкст. Я даю згоду на перадачу персанальных даных і вынікаў этапаў адбору ў "
            "Нацыянальны дзіцячы тэхнапарк для ўдзелу ў адборы на адукацыйную змену.",
            "Demonstration text. I consent to my personal data and stage results being passed to the National "
            "Children's Technopark for the selection to an educational session.",
        ),
    ),
}

# Demo events: kinds, audiences and formats the centre runs (fictional titles and dates).
DEMO_EVENTS: list[dict[str, Any]] = [
    {"title_ru": "Городской конкурс «Юный инженер»", "title_be": "Гарадскі конкурс «Юны інжынер»",
     "title_en": "City contest «Young engineer»", "summary_ru": "Конкурс инженерных проектов учащихся 5–11 классов.",
     "kind": "contest", "audience": "students", "level": "city", "format": "in_person",
     "directions": ["engineering", "it"], "venue_kind": "lab", "venue_lab": "fablab", "min_grade": 5, "max_grade": 11,
     "capacity": 60, "days": 12, "hours": (10, 15), "sessions": 1,
     "nominations": ["Робототехника (5–8 классы)", "Инженерный проект (9–11 классы)"]},
    {"title_ru": "Мастер-класс «Лазерная резка: от эскиза до изделия»", "summary_ru": "Для учащихся 7–9 классов.",
     "kind": "master_class", "audience": "students", "level": "centre", "format": "in_person",
     "directions": ["design"], "venue_kind": "lab", "venue_lab": "creative_lab", "capacity": 12, "days": 5,
     "hours": (15, 17), "sessions": 1},
    {"title_ru": "Обучающие курсы «3D-моделирование в школе»", "summary_ru": "Курсы для педагогов, 12 часов.",
     "kind": "course", "audience": "teachers", "level": "city", "format": "mixed",
     "online_url": "https://meet.example.by/demo-course", "directions": ["engineering"], "venue_kind": "lab",
     "venue_lab": "computer_centre", "capacity": 20, "days": 3, "hours": (14, 18), "sessions": 3},
    {"title_ru": "Технический уик-энд «Умный город»", "summary_ru": "Два дня командной работы над проектом.",
     "kind": "tech_weekend", "audience": "students", "level": "centre", "format": "in_person",
     "directions": ["architecture", "it"], "venue_kind": "lab", "venue_lab": "tech_lab", "days": 19,
     "hours": (10, 16), "sessions": 1},
]  # fmt: skip

# Demo equipment: (lab, kind, name, inventory number, units, authorisation required, minimum age).
DEMO_EQUIPMENT = [
    ("computer_centre", "workstation", "Рабочие станции (класс)", "CC-WS-01", 12, False, None),
    ("computer_centre", "vr_set", "VR-шлемы", "CC-VR-01", 6, False, 12),
    ("creative_lab", "soldering", "Паяльные станции", "CL-SD-01", 8, True, 12),
    ("fablab", "laser_cutter", "Лазерный станок (1300×900 мм)", "FL-LC-01", 1, True, 14),
    ("fablab", "printer_3d", "3D-принтер № 1", "FL-3D-01", 1, True, 10),
    ("fablab", "printer_3d", "3D-принтер № 2", "FL-3D-02", 1, True, 10),
    ("fablab", "cnc_mill", "Фрезерный станок с ЧПУ", "FL-CNC-01", 1, True, 16),
    ("tech_lab", "robotics_kit", "Наборы по робототехнике", "TL-RK-01", 10, False, None),
]

# A class of a fictional gymnasium: (surname, name, patronymic, date of birth).
DEMO_CLASS = [
    ("Климович", "Максим", "Андреевич", dt.date(2011, 4, 12)),
    ("Жукова", "Алиса", "Игоревна", dt.date(2011, 9, 3)),
    ("Карпович", "Егор", "Сергеевич", dt.date(2011, 1, 27)),
    ("Левчук", "София", "Дмитриевна", dt.date(2011, 6, 15)),
    ("Пашкевич", "Тимофей", "Олегович", dt.date(2010, 12, 8)),
    ("Савицкая", "Вероника", "Павловна", dt.date(2011, 3, 21)),
    ("Тарасевич", "Глеб", "Николаевич", dt.date(2011, 8, 30)),
    ("Якимович", "Ульяна", "Викторовна", dt.date(2011, 5, 5)),
]


class Command(BaseCommand):
    help = "Load demo data: people of every role with verified e-mail, and news. Safe to run repeatedly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any login exists already")
        parser.add_argument("--print-logins", action="store_true", help="Print the demo logins at the end")

    @transaction.atomic
    def handle(self, *args: Any, if_empty: bool, print_logins: bool, **options: Any) -> None:
        if not (if_empty and User.objects.exists()):
            self._people()
            self._news()
            self._institutions()
            self._registry()
            self._events()
            self._labs()
            self._projects()
        if print_logins:
            self._print_logins()

    def _people(self) -> None:
        for email, last_name, first_name, patronymic, roles in DEMO_PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, last_name=last_name, first_name=first_name, patronymic=patronymic
                )
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            for role in roles:
                RoleAssignment.objects.get_or_create(user=user, role=role)
            if Role.ADMINISTRATOR in roles and not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])

    def _news(self) -> None:
        author = User.objects.filter(email="methodologist@demo.test").first()
        now = timezone.now()
        for item in DEMO_NEWS:
            texts = {
                f"{field}_{lang}": item[field][index]
                for field in ("title", "lead", "body")
                for index, lang in enumerate(("ru", "be", "en"))
            }
            News.objects.get_or_create(
                title_ru=texts.pop("title_ru"),
                defaults={
                    **texts,
                    "status": News.Status.PUBLISHED,
                    "published_at": now - dt.timedelta(days=item["days_ago"]),
                    "author": author,
                },
            )

    def _institutions(self) -> None:
        today = timezone.localdate()
        for full_name, short_name, kind, district, role in DEMO_INSTITUTIONS:
            institution, created = Institution.objects.get_or_create(
                short_name=short_name,
                defaults={
                    "full_name": full_name,
                    "kind": kind,
                    "district": District.objects.get(code=district),
                    "cluster_role": role,
                    "search_text": search_key(short_name, full_name),
                },
            )
            if created and role == "partner":
                Agreement.objects.create(
                    institution=institution,
                    number="1/2026",
                    signed_on=today - dt.timedelta(days=320),
                    valid_from=today - dt.timedelta(days=320),
                    valid_until=today + dt.timedelta(days=45),
                    subject="Наставничество и стажировки учащихся в области робототехники",
                    resources=["mentors", "internships"],
                )
        coordinator = User.objects.filter(email="coordinator@demo.test").first()
        partner = User.objects.filter(email="partner@demo.test").first()
        if coordinator:
            Institution.objects.get(short_name="Гимназия № 95").coordinators.add(coordinator)
        if partner:
            Institution.objects.get(short_name="Демо-Робототехника").coordinators.add(partner)

    def _registry(self) -> None:
        """Consent texts, a class with its teacher, the demo student's record with the demo guardian and a
        consent, and a record typed twice (for the duplicates page). Through the services, as people would."""
        if Person.objects.exists():
            return
        methodologist = User.objects.get(email="methodologist@demo.test")
        for purpose, (titles, bodies) in DEMO_CONSENT_TEXTS.items():
            text = people_services.create_consent_text(
                actor=methodologist, purpose=purpose,
                **{f"title_{lang}": titles[i] for i, lang in enumerate(("ru", "be", "en"))},
                **{f"body_{lang}": bodies[i] for i, lang in enumerate(("ru", "be", "en"))},
            )  # fmt: skip
            people_services.publish_consent_text(text, actor=methodologist)
        gymnasium = Institution.objects.get(short_name="Гимназия № 95")
        school = Institution.objects.get(short_name="СШ № 301")
        for email, position, category in [
            ("teacher@demo.test", "Учитель информатики", Person.Category.FIRST),
            ("coordinator@demo.test", "Заместитель директора по учебной работе", Person.Category.HIGHEST),
        ]:
            person = people_services.ensure_own_person(User.objects.get(email=email))
            people_services.update_person(person, actor=methodologist, qualification_category=category)
            people_services.set_affiliation(person, gymnasium, kind="teacher", position=position, actor=methodologist)
        teacher = User.objects.get(email="teacher@demo.test")
        students = [
            people_services.add_student(
                gymnasium, actor=teacher, last_name=last, first_name=first, patronymic=patronymic, birth_date=born,
                grade=9,
            )
            for last, first, patronymic, born in DEMO_CLASS
        ]  # fmt: skip
        student, guardian_login = (
            User.objects.get(email="student@demo.test"),
            User.objects.get(email="guardian@demo.test"),
        )
        students[0].user = student
        students[0].save(update_fields=["user"])
        guardian = people_services.ensure_own_person(guardian_login)
        people_services.link_guardian(students[0], guardian, actor=teacher)
        people_services.give_consent(students[0], purpose="participation", giver=guardian, actor=guardian_login)
        # The same boy typed again at another school, with a slip in the surname.
        people_services.add_student(
            school, actor=methodologist, last_name="Климавич", first_name="Максим", patronymic="Андреевич",
            birth_date=DEMO_CLASS[0][3], grade=9,
        )  # fmt: skip

    def _events(self) -> None:
        """A few announced events in the coming weeks, the nearest open for registration, so the calendar and the
        home page have something to show."""
        if Event.objects.exists():
            return
        author = User.objects.get(email="methodologist@demo.test")
        today = timezone.localdate()
        partner = Institution.objects.filter(short_name="Демо-Робототехника").first()
        for spec in DEMO_EVENTS:
            values = dict(spec)
            days, hours, count = values.pop("days"), values.pop("hours"), values.pop("sessions")
            nominations = values.pop("nominations", [])
            event = event_services.create_event(
                actor=author, co_organisers=[partner] if partner and values["kind"] == "contest" else [], **values
            )
            event_services.set_sessions(
                event,
                [
                    {
                        "starts_at": event_services.localise(
                            today + dt.timedelta(days=days + 7 * i), dt.time(hours[0])
                        ),
                        "ends_at": event_services.localise(today + dt.timedelta(days=days + 7 * i), dt.time(hours[1])),
                        "hours": 4 if values["kind"] == "course" else None,
                    }
                    for i in range(count)
                ],
                actor=author,
            )
            for position, title in enumerate(nominations):
                event_services.save_nomination(event, actor=author, title_ru=title, position=position)
            event_services.change_status(event, Event.Status.PUBLISHED, actor=author)
            # The nearest events take registrations, as the centre's do a few weeks ahead.
            if days <= 14:
                event_services.change_status(event, Event.Status.REGISTRATION_OPEN, actor=author)
        self._past_event(author, today)

    def _past_event(self, author: User, today: dt.date) -> None:
        """A contest held three weeks ago, taken through the whole life cycle: a registration of the demo
        class's first student (whose guardian consented) with the teacher as supervisor, check-in, results
        and, where this machine can make PDFs, the diploma and the letter of gratitude."""
        student = Person.objects.filter(last_name=DEMO_CLASS[0][0], first_name=DEMO_CLASS[0][1]).order_by("pk").first()
        teacher = Person.objects.filter(user__email="teacher@demo.test").first()
        if student is None or teacher is None:
            return
        day = today - dt.timedelta(days=21)
        event = event_services.create_event(
            actor=author, title_ru="Открытый конкурс «Робототехника: первые шаги»",
            summary_ru="Прошедший конкурс: итоги опубликованы, дипломы выданы.", kind="contest",
            audience="students", level="centre", format="in_person", directions=["engineering"], venue_kind="lab",
            venue_lab="fablab",
        )  # fmt: skip
        start, end = event_services.localise(day, dt.time(10)), event_services.localise(day, dt.time(14))
        event_services.set_sessions(event, [{"starts_at": start, "ends_at": end}], actor=author)
        for step in (Event.Status.PUBLISHED, Event.Status.REGISTRATION_OPEN):
            event_services.change_status(event, step, actor=author)
        registration = event_services.register(
            event, actor=author, form="individual", person=student, supervisors=[teacher]
        )
        event_services.check_in(registration, event.sessions.get(), actor=author)
        for step in (Event.Status.REGISTRATION_CLOSED, Event.Status.HELD):
            event_services.change_status(event, step, actor=author)
        event_services.set_results(event, {registration.pk: ("first", 1)}, actor=author)
        event_services.change_status(event, Event.Status.RESULTS_PUBLISHED, actor=author)
        if pdf.available():
            event = Event.objects.get(pk=event.pk)
            # A demo signatory: operators set the real one per event on the documents page.
            event_services.set_signatory(event, position="Заведующий центром", name="А. В. Кравченко", actor=author)
            event_services.issue_certificates(event, actor=author)

    def _labs(self) -> None:
        """Demo hours and equipment of the four labs, a lab manager on each, an authorisation for the demo
        student to use the 3D printers (not the laser cutter: that needs the training), and a teacher's
        weekly lesson in the computer centre."""
        if Equipment.objects.exists():
            return
        manager = User.objects.get(email="labmanager@demo.test")
        teacher = User.objects.get(email="teacher@demo.test")
        labs = {lab.code: lab for lab in Lab.objects.all()}
        for lab in labs.values():
            lab.staff.add(manager)
            OpeningHours.objects.bulk_create(
                OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20 if day < 5 else 17))
                for day in range(6)
            )
        for code, kind, name, number, units, authorised, age in DEMO_EQUIPMENT:
            Equipment.objects.create(
                lab=labs[code], kind=kind, name=name, inventory_number=number, units=units,
                requires_authorisation=authorised, min_age=age,
            )  # fmt: skip
        student = Person.objects.filter(user__email="student@demo.test").first()
        if student is not None:
            lab_services.grant_authorisation(student, actor=manager, kind="printer_3d", months=12)
        workstations = Equipment.objects.get(inventory_number="CC-WS-01")
        monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
        start = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(15)))
        lab_services.book_weekly(
            workstations, actor=teacher, starts_at=start, ends_at=start + dt.timedelta(hours=1, minutes=30),
            until=monday + dt.timedelta(weeks=6), purpose="lesson", units=10, note="Программирование, 8 «Б»",
        )  # fmt: skip

    def _projects(self) -> None:
        """A published demo passport of the demo student, supervised by the demo teacher, with a journal step
        and a drawing made here (no photo of a real child), and a draft in progress."""
        if Project.objects.exists():
            return
        student = Person.objects.filter(user__email="student@demo.test").first()
        teacher = Person.objects.filter(user__email="teacher@demo.test").first()
        if student is None or teacher is None or student.user is None or teacher.user is None:
            return
        fablab = Lab.objects.get(code="fablab")
        school = student.affiliations.select_related("institution").first()
        project = project_services.create_project(
            actor=teacher.user, title="Умная кормушка для птиц (демо)", direction="engineering", stage="prototype",
            summary="Кормушка с датчиком движения: считает птиц и присылает снимки на телефон. Корпус напечатан "
            "на 3D-принтере FabLab, плата собрана на паяльной станции.",
            lab=fablab, institution=school.institution if school else None, team=[student], supervisors=[teacher],
            equipment=Equipment.objects.filter(lab=fablab, kind="printer_3d"),
        )  # fmt: skip
        drawing = io.BytesIO()
        image = Image.new("RGB", (960, 640), (233, 240, 250))
        pen = ImageDraw.Draw(image)
        pen.polygon([(280, 260), (480, 120), (680, 260)], fill=(60, 100, 170))
        pen.rectangle((320, 260, 640, 520), fill=(250, 250, 250), outline=(60, 100, 170), width=8)
        pen.ellipse((430, 330, 530, 430), fill=(255, 196, 61))
        image.save(drawing, format="PNG")
        upload = SimpleUploadedFile("feeder.png", drawing.getvalue(), content_type="image/png")
        project_services.add_step(
            project, actor=teacher.user, text="Нарисовали эскиз корпуса и выбрали датчик движения.",
            images=[(upload, "Эскиз корпуса кормушки: домик с круглым входом", [])],
        )  # fmt: skip
        project_services.publish_project(project, actor=teacher.user)
        project_services.create_project(
            actor=student.user, title="Метеостанция во дворе школы (демо)", direction="it",
            summary="Измеряет температуру и влажность, показывает их на сайте класса.", team=[student],
            supervisors=[teacher],
        )  # fmt: skip

    def _print_logins(self) -> None:
        from django.conf import settings

        out = self.stdout
        out.write("")
        out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        with translation.override("en"):  # the terminal speaks the README's language
            for email, *_name, roles in DEMO_PEOPLE:
                out.write(f"  {email:<36} {', '.join(str(Role(r).label) for r in roles)}")
        if not settings.MFA_REQUIRED_FOR_STAFF:
            out.write(
                "Note: this demo does NOT require staff to set up two-factor authentication "
                "(MFA_REQUIRED_FOR_STAFF=0). Production requires it; see README → Production."
            )
        out.write("")
