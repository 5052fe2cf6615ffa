"""Synthetic data at the size of a real city, for benchmarks (bench/README.md).

`python manage.py generate_scale_data --scale small|city [--seed N] [--force] [--if-missing]`

What it makes, for the parts of the platform that exist so far:

* logins with roles: students, teachers (some of them institution coordinators), centre staff,
  jury members and partner representatives, each with a verified e-mail address;
* news in Russian, with Belarusian and English versions for a share of them, ~90 % published over
  five years;
* the audit log of a year: sign-ins, failed sign-ins, refusals, news edits;
* the home page blocks, when the page has none yet (they are content, not generated rows, and are
  left in place by ``--force``);
* the registry of people: a record for every student and teacher login (students at schools of the
  cluster with a grade from their age, teachers with a position and a qualification category), a
  guardian record without a login for most children, consents to take part (a guardian's under 16,
  the person's own from 16; online or on paper) under the consent texts in force (version 1 is made
  when there is none), and a few hundred records typed twice with a slip, for the duplicates page.

Why it is written the way it is:

* Deterministic: one ``random.Random(seed)`` and a fixed base date, never ``now()``, so two runs
  with the same seed produce the same rows and benchmark runs on different days are comparable.
* Fast: ``bulk_create`` in batches, passwords set to an unusable ``"!…"`` value directly (hashing
  250 000 passwords would take hours), no services, no signals. That is also why it may bypass
  `accounts.services` and `log_action`: the rows it writes are what those would have written.
* Detectable: every generated login has an ``@scale.test`` address and every generated audit record
  an address in 198.18.0.0/15 (the range RFC 2544 reserves for benchmarks), so the data can be
  found and deleted without touching anything else.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import time
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.core.models import AuditLog
from technopark.core.text import search_key
from technopark.events.models import (
    Attendance,
    CentreLab,
    Direction,
    Event,
    EventSession,
    Nomination,
    Registration,
    TeamMember,
)
from technopark.labs.models import Booking, BookingUnit, Equipment, Lab, OpeningHours
from technopark.network.models import Agreement, District, Institution
from technopark.people.models import (
    Affiliation,
    ClaimCode,
    Consent,
    ConsentPurpose,
    ConsentText,
    Guardianship,
    NotDuplicate,
)
from technopark.people.models import Person as Registered
from technopark.portal.models import HomeBlock, News

EMAIL_DOMAIN = "scale.test"
# RFC 2544 sets 198.18.0.0/15 aside for benchmarking: no real client has such an address, so the
# generated audit records are recognisable by their address alone.
IP_PREFIX = "198.18."
BATCH_SIZE = 5_000
MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
# Everything is dated relative to this moment, not to now(): same seed, same rows, any day.
BASE_DATE = dt.datetime(2026, 6, 1, 12, 0, tzinfo=MINSK)
NEWS_YEARS = 5
AUDIT_DAYS = 365


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind one scale has."""

    students: int
    teachers: int
    coordinators: int  # teachers who also coordinate their institution
    methodologists: int
    lab_managers: int
    administrators: int
    jury_members: int
    partners: int
    news: int
    audit_records: int
    institutions: int
    duplicates: int  # student records typed a second time (with a slip) by another teacher
    events: int  # over five years, about a tenth of them still to come
    registrations_per_event: int  # on average, for events whose registration has opened
    machines: int  # equipment rows across the four labs, a quarter of them pools of identical units

    @property
    def users(self) -> int:
        return (
            self.students
            + self.teachers
            + self.methodologists
            + self.lab_managers
            + self.administrators
            + self.jury_members
            + self.partners
        )


PLANS: dict[str, Plan] = {
    "small": Plan(
        students=1_800,
        teachers=150,
        coordinators=20,
        methodologists=8,
        lab_managers=4,
        administrators=2,
        jury_members=10,
        partners=6,
        news=300,
        audit_records=20_000,
        institutions=60,
        duplicates=20,
        events=150,
        registrations_per_event=15,
        machines=40,
    ),
    # Minsk: ~250 000 pupils in the city's schools take part through ~600 institutions.
    "city": Plan(
        students=250_000,
        teachers=4_000,
        coordinators=600,
        methodologists=30,
        lab_managers=12,
        administrators=5,
        jury_members=60,
        partners=25,
        news=20_000,
        audit_records=1_000_000,
        institutions=600,
        duplicates=500,
        events=3_000,
        registrations_per_event=40,
        machines=200,
    ),
}

# --- Word lists -------------------------------------------------------------------------------------
# (male surname, female surname); Belarusian surnames in -ич/-ко/-ук do not change with gender.
SURNAMES: list[tuple[str, str]] = [
    ("Иванов", "Иванова"), ("Ковалёв", "Ковалёва"), ("Новиков", "Новикова"), ("Морозов", "Морозова"),
    ("Козлов", "Козлова"), ("Волков", "Волкова"), ("Соколов", "Соколова"), ("Лебедев", "Лебедева"),
    ("Жуков", "Жукова"), ("Макаров", "Макарова"), ("Белов", "Белова"), ("Орлов", "Орлова"),
    ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Васильев", "Васильева"), ("Захаров", "Захарова"),
    ("Сидоренко", "Сидоренко"), ("Бондаренко", "Бондаренко"), ("Шевченко", "Шевченко"), ("Ткаченко", "Ткаченко"),
    ("Климович", "Климович"), ("Семенович", "Семенович"), ("Карпович", "Карпович"), ("Якимович", "Якимович"),
    ("Савицкий", "Савицкая"), ("Ковальский", "Ковальская"), ("Жук", "Жук"), ("Мороз", "Мороз"),
    ("Новик", "Новик"), ("Бондарь", "Бондарь"), ("Лис", "Лис"), ("Гончарук", "Гончарук"),
    ("Мельник", "Мельник"), ("Кравченко", "Кравченко"), ("Романович", "Романович"), ("Тарасевич", "Тарасевич"),
    ("Дубровский", "Дубровская"), ("Прокопович", "Прокопович"), ("Левчук", "Левчук"), ("Пашкевич", "Пашкевич"),
]  # fmt: skip
MALE_NAMES = [
    "Александр", "Максим", "Артём", "Михаил", "Даниил", "Иван", "Матвей", "Дмитрий", "Кирилл", "Андрей",
    "Егор", "Никита", "Тимофей", "Илья", "Алексей", "Роман", "Сергей", "Владислав", "Павел", "Олег",
    "Глеб", "Марк", "Денис", "Николай", "Евгений", "Виктор", "Пётр", "Антон", "Игорь", "Степан",
]  # fmt: skip
FEMALE_NAMES = [
    "Анастасия", "Мария", "Дарья", "Анна", "Елизавета", "Полина", "Виктория", "Екатерина", "София", "Алиса",
    "Варвара", "Ксения", "Вероника", "Арина", "Ева", "Алина", "Валерия", "Милана", "Ульяна", "Кира",
    "Ирина", "Татьяна", "Наталья", "Елена", "Ольга", "Светлана", "Юлия", "Марина", "Людмила", "Алеся",
]  # fmt: skip
# Patronymics from fathers' names: (male, female).
PATRONYMICS: list[tuple[str, str]] = [
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"), ("Николаевич", "Николаевна"), ("Викторович", "Викторовна"),
    ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Михайлович", "Михайловна"), ("Олегович", "Олеговна"),
    ("Владимирович", "Владимировна"), ("Игоревич", "Игоревна"), ("Павлович", "Павловна"), ("Юрьевич", "Юрьевна"),
]  # fmt: skip

# For e-mail addresses; "-" marks letters that are dropped (ъ, ь).
_LATIN = ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u"]
_LATIN += ["f", "kh", "ts", "ch", "sh", "shch", "-", "y", "-", "e", "yu", "ya"]
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))

# News: parallel (Russian, Belarusian, English) pieces, so a translated title says the same thing.
# Event kinds: (ru accusative, ru genitive, be accusative, be genitive, en).
NEWS_EVENTS: list[tuple[str, str, str, str, str]] = [
    ("технический уик-энд", "технического уик-энда", "тэхнічны ўік-энд", "тэхнічнага ўік-энда", "technical weekend"),
    ("городской конкурс", "городского конкурса", "гарадскі конкурс", "гарадскога конкурсу", "city contest"),
    ("хакатон", "хакатона", "хакатон", "хакатона", "hackathon"),
    ("олимпиаду", "олимпиады", "алімпіяду", "алімпіяды", "olympiad"),
    ("мастер-класс", "мастер-класса", "майстар-клас", "майстар-класа", "master class"),
    ("открытую лекцию", "открытой лекции", "адкрытую лекцыю", "адкрытай лекцыі", "open lecture"),
    ("летнюю смену", "летней смены", "летнюю змену", "летняй змены", "summer session"),
    ("конференцию", "конференции", "канферэнцыю", "канферэнцыі", "conference"),
    ("турнир по робототехнике", "турнира по робототехнике", "турнір па робататэхніцы",
     "турніра па робататэхніцы", "robotics tournament"),
    ("выставку проектов", "выставки проектов", "выставу праектаў", "выставы праектаў", "project exhibition"),
    ("семинар для педагогов", "семинара для педагогов", "семінар для педагогаў", "семінара для педагогаў",
     "teachers' seminar"),
]  # fmt: skip
NEWS_TOPICS: list[tuple[str, str, str]] = [
    ("Собери робота", "Сабяры робата", "Build a robot"),
    ("Умный город", "Разумны горад", "Smart city"),
    ("Юный инженер", "Юны інжынер", "Young engineer"),
    ("Цифровой двойник", "Лічбавы двайнік", "Digital twin"),
    ("Зелёная энергия", "Зялёная энергія", "Green energy"),
    ("Космос рядом", "Космас побач", "Space is near"),
    ("Код будущего", "Код будучыні", "Code of the future"),
    ("Биотех-старт", "Біятэх-старт", "Biotech start"),
    ("Мир без барьеров", "Свет без бар'ераў", "A world without barriers"),
    ("Наука рядом", "Навука побач", "Science next door"),
    ("Технологии для жизни", "Тэхналогіі для жыцця", "Technology for life"),
    ("Архитектура будущего", "Архітэктура будучыні", "Architecture of the future"),
]
# Laboratories: (ru nominative, be nominative, en).
NEWS_LABS: list[tuple[str, str, str]] = [
    ("Лаборатория робототехники", "Лабараторыя робататэхнікі", "robotics lab"),
    ("ФабЛаб", "ФабЛаб", "FabLab"),
    ("Лаборатория биотехнологий", "Лабараторыя біятэхналогій", "biotechnology lab"),
    ("IT-лаборатория", "IT-лабараторыя", "IT lab"),
    ("Лаборатория технологий и инженерии", "Лабараторыя тэхналогій і інжынерыі", "lab of technologies and engineering"),
]
# Title patterns; {ev_acc}/{ev_gen} are the event in the needed case, {ev} its English name.
NEWS_TITLES: list[tuple[str, str, str]] = [
    ("Открыта регистрация на {ev_acc} «{topic}»", "Адкрыта рэгістрацыя на {ev_acc} «{topic}»",
     "Registration is open for the «{topic}» {ev}"),
    ("Итоги {ev_gen} «{topic}»", "Вынікі {ev_gen} «{topic}»", "Results of the «{topic}» {ev}"),
    ("{lab} приглашает на {ev_acc} «{topic}»", "{lab} запрашае на {ev_acc} «{topic}»",
     "The {lab} invites you to the «{topic}» {ev}"),
    ("Учащиеся центра — призёры {ev_gen} «{topic}»", "Навучэнцы цэнтра — прызёры {ev_gen} «{topic}»",
     "Centre students among the winners of the «{topic}» {ev}"),
    ("Продлён приём заявок на {ev_acc} «{topic}»", "Працягнуты прыём заявак на {ev_acc} «{topic}»",
     "Applications for the «{topic}» {ev} are extended"),
    ("Фотоотчёт: {ev_acc} «{topic}» провели в центре", "Фотаздымкі: {ev_acc} «{topic}» правялі ў цэнтры",
     "In pictures: the «{topic}» {ev} at the centre"),
]  # fmt: skip
# Lead sentences: (ru, be, en) with {grades} and {lab}.
NEWS_LEADS: list[tuple[str, str, str]] = [
    ("Учащиеся {grades} классов за два дня соберут и запрограммируют модель под руководством педагогов центра.",
     "Навучэнцы {grades} класаў за два дні збяруць і запраграмуюць мадэль пад кіраўніцтвам педагогаў цэнтра.",
     "Students of grades {grades} will build and program a model in two days, guided by the centre's teachers."),
    ("Участие бесплатное, количество мест ограничено, заявки принимаются до конца недели.",
     "Удзел бясплатны, колькасць месцаў абмежаваная, заяўкі прымаюцца да канца тыдня.",
     "Participation is free, places are limited, applications close at the end of the week."),
    ("Занятия пройдут на оборудовании, которое обычно доступно только в лабораториях вузов.",
     "Заняткі пройдуць на абсталяванні, якое звычайна даступнае толькі ў лабараторыях ВНУ.",
     "Classes take place on equipment usually found only in university labs."),
    ("Поздравляем победителей и благодарим педагогов, которые подготовили участников.",
     "Віншуем пераможцаў і дзякуем педагогам, якія падрыхтавалі ўдзельнікаў.",
     "Congratulations to the winners, and thanks to the teachers who prepared the participants."),
    ("Методисты центра покажут, как провести учебный проект от идеи до опытного образца.",
     "Метадысты цэнтра пакажуць, як правесці вучэбны праект ад ідэі да доследнага ўзору.",
     "The centre's methodologists show how to take a class project from an idea to a prototype."),
    ("В этом году заявки прислали команды из всех районов Минска.",
     "Сёлета заяўкі даслалі каманды з усіх раёнаў Мінска.",
     "This year teams from every district of Minsk applied."),
]  # fmt: skip
NEWS_BODY: list[tuple[str, str, str]] = [
    ("Работа идёт в малых группах по четыре–пять человек, у каждой группы свой наставник.",
     "Праца ідзе ў малых групах па чатыры–пяць чалавек, у кожнай групы свой настаўнік.",
     "Work happens in small groups of four or five, each with its own mentor."),
    ("Участники сами выбирают задачу, распределяют роли и защищают результат перед жюри.",
     "Удзельнікі самі выбіраюць задачу, размяркоўваюць ролі і абараняюць вынік перад журы.",
     "Participants choose their task, share out the roles and defend the result before a jury."),
    ("Для тех, кто впервые приходит в центр, проводится вводное занятие по технике безопасности.",
     "Для тых, хто ўпершыню прыходзіць у цэнтр, праводзіцца ўводны занятак па тэхніцы бяспекі.",
     "Newcomers to the centre first attend an introductory safety session."),
    ("Лучшие проекты будут рекомендованы на республиканский этап.",
     "Лепшыя праекты будуць рэкамендаваныя на рэспубліканскі этап.",
     "The best projects will be recommended for the national round."),
    ("Родители могут присутствовать на открытой защите проектов в последний день.",
     "Бацькі могуць прысутнічаць на адкрытай абароне праектаў у апошні дзень.",
     "Parents are welcome at the open project defence on the last day."),
    ("Расписание и список необходимых материалов опубликованы в разделе мероприятия.",
     "Расклад і спіс неабходных матэрыялаў апублікаваныя ў раздзеле мерапрыемства.",
     "The schedule and the list of materials are published on the event page."),
    ("Педагоги учреждений образования могут записать на занятия целый класс.",
     "Педагогі ўстаноў адукацыі могуць запісаць на заняткі цэлы клас.",
     "Teachers of schools may enrol a whole class."),
    ("Вопросы можно задать по телефону центра или по электронной почте.",
     "Пытанні можна задаць па тэлефоне цэнтра або па электроннай пошце.",
     "Questions can be asked by phone or by e-mail."),
    ("Оборудование лаборатории обновлено: появились новые 3D-принтеры и лазерный станок.",
     "Абсталяванне лабараторыі абноўлена: з'явіліся новыя 3D-прынтары і лазерны станок.",
     "The lab's equipment is new: more 3D printers and a laser cutter."),
    ("По итогам работы каждый участник получит сертификат центра.",
     "Па выніках працы кожны ўдзельнік атрымае сертыфікат цэнтра.",
     "Every participant receives a certificate from the centre."),
]  # fmt: skip
GRADES = ["5–7", "5–9", "7–9", "8–11", "9–11", "10–11"]

HOME_BLOCKS: list[tuple[str, str, str, str]] = [
    # (kind, title_ru, text_ru, link)
    ("intro", "Детский технопарк Минска", "Лаборатории, проекты и соревнования для школьников города.", ""),
    ("direction", "Робототехника", "Конструирование и программирование роботов.", "/news/"),
    ("direction", "Биотехнологии", "Эксперименты в настоящей лаборатории.", ""),
    ("direction", "Информационные технологии", "Программирование, данные и кибербезопасность.", ""),
    ("direction", "Инженерия и дизайн", "От эскиза до опытного образца.", ""),
    ("lab", "ФабЛаб", "3D-печать, лазерная резка, фрезерные станки.", ""),
    ("lab", "Лаборатория робототехники", "Наборы и полигоны для соревнований.", ""),
    ("lab", "Лаборатория биотехнологий", "Микроскопы, ПЦР, культивирование.", ""),
    ("activity", "Мероприятия", "Конкурсы, хакатоны и технические уик-энды.", "/news/"),
    ("activity", "Проекты", "Паспорт проекта от идеи до защиты.", ""),
    ("activity", "Отбор в НДТП", "Ежегодный отбор в Национальный детский технопарк.", ""),
    ("activity", "Методическая работа", "Материалы и семинары для педагогов.", ""),
]

_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
_SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4"
USER_AGENTS = [
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/124.0 Safari/537.36",
    f"Mozilla/5.0 (Linux; Android 13; SM-A525F) {_WEBKIT} Chrome/123.0 Mobile Safari/537.36",
    f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) {_SAFARI} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    f"Mozilla/5.0 (X11; Linux x86_64) {_WEBKIT} YaBrowser/24.4 Safari/537.36",
    f"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) {_SAFARI} Safari/605.1.15",
]
STREETS = [
    "Притыцкого", "Сурганова", "Якуба Коласа", "Независимости", "Некрасова", "Кальварийская", "Янки Купалы",
    "Московская", "Казинца", "Партизанская", "Маяковского", "Карла Маркса", "Кирова", "Голубева", "Лобанка",
]  # fmt: skip
DENIED_PATHS = ["/staff/news/", "/staff/home/", "/accounts/users/", "/accounts/audit/", "/admin/"]


@dataclass(frozen=True)
class Person:
    """What the audit log needs to know about a generated login."""

    pk: int
    email: str  # what log_action records as the actor's label
    name: str  # what it records as the target's label: str(user), the full name


class Record(NamedTuple):
    """One audit record before it becomes a row."""

    actor: Person | None
    action: str
    actor_label: str
    target_type: int | None
    target_id: str
    target_label: str
    data: dict[str, Any]


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let generated rows keep the dates we give them.

    ``auto_now``/``auto_now_add`` fields overwrite any value with the current time in `pre_save`,
    which `bulk_create` calls too; a year of audit records would all be dated today. The flags are
    switched off only for the duration of the generation, in this process.
    """
    saved: list[tuple[models.DateField[Any, Any], bool, bool]] = []
    for model_class in model_classes:
        for field in model_class._meta.concrete_fields:
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(char, char) for char in text.lower()).replace("-", "")


def sentences(parts: list[tuple[str, str, str]], lang: int, **values: str) -> str:
    """Join the ``lang``-th version (0 ru, 1 be, 2 en) of each sentence, with placeholders filled."""
    return " ".join(part[lang].format(**values) for part in parts)


def paragraphs(parts: list[tuple[str, str, str]], lang: int, **values: str) -> str:
    """Two sentences per paragraph, paragraphs separated by a blank line (as the editor stores them)."""
    return "\n\n".join(sentences(parts[i : i + 2], lang, **values) for i in range(0, len(parts), 2))


def generated_users() -> models.QuerySet[User]:
    return User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)


class Command(BaseCommand):
    help = "Generate synthetic data at the scale of a small installation or a whole city, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(PLANS), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data (default 2026)")
        parser.add_argument("--force", action="store_true", help="Delete previously generated data and generate anew")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when data of this scale were generated already (for scripts such as bench/load.py)",
        )

    def handle(self, *args: Any, scale: str, seed: int, force: bool, if_missing: bool, **options: Any) -> None:
        plan = PLANS[scale]
        self.rng = random.Random(seed)
        self.started = time.perf_counter()
        existing = generated_users().count()
        if existing:
            if if_missing and existing == plan.users and not force:
                self.stdout.write(f"Generated data of scale {scale!r} are present ({existing} logins); nothing to do.")
                return
            if not force:
                found = next((name for name, p in PLANS.items() if p.users == existing), "unknown")
                raise CommandError(
                    f"Generated data exist already ({existing} logins @{EMAIL_DOMAIN}, scale {found!r}). "
                    "Pass --force to delete them and generate anew."
                )
            self._delete_generated()

        self._say(f"Generating scale {scale!r} with seed {seed} on {connection.vendor}")
        with explicit_timestamps(
            User,
            RoleAssignment,
            News,
            AuditLog,
            Institution,
            Agreement,
            Registered,
            Affiliation,
            Event,
            Registration,
            Booking,
        ):
            with transaction.atomic():
                people = self._people(plan)
            with transaction.atomic():
                institutions = self._institutions(plan, people)
            with transaction.atomic():
                students = self._registry(plan, people, institutions)
            with transaction.atomic():
                self._events(plan, people, institutions, students)
            with transaction.atomic():
                self._labs(plan, people)
            with transaction.atomic():
                news = self._news(plan, people["methodologist"])
                self._home_blocks()
            with transaction.atomic():
                self._audit_log(plan, people, news)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the first benchmark runs against plans made for empty tables; and
            # the visibility map that a live database's autovacuum would have set long ago: without
            # it PostgreSQL cannot use index-only scans, and counting the published news becomes a
            # sequential scan of the whole table (measured: 28 ms instead of 5 ms at city scale).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._say("Done")

    # --- output -----------------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.stdout.write(f"[{time.perf_counter() - self.started:7.1f} s] {message}")
        self.stdout.flush()

    def _in_batches(self, rows: Iterator[Any], total: int, label: str, insert: Callable[[list[Any]], None]) -> None:
        """Feed ``rows`` to ``insert`` in batches, reporting progress about ten times per table."""
        done = 0
        step = max(total // 10, BATCH_SIZE)
        next_report = step
        batch: list[Any] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                insert(batch)
                done += len(batch)
                batch = []
                if done >= next_report and done < total:
                    self._say(f"  {label}: {done:,} / {total:,}")
                    next_report += step
        if batch:
            insert(batch)
            done += len(batch)
        self._say(f"  {label}: {done:,} done")

    def _bulk(self, model_class: type[models.Model], rows: Iterator[models.Model], total: int, label: str) -> None:
        self._in_batches(rows, total, label, model_class._default_manager.bulk_create)  # type: ignore[arg-type]

    def _insert_raw(
        self,
        model_class: type[models.Model],
        field_names: list[str],
        rows: Iterator[tuple[Any, ...]],
        total: int,
        label: str,
    ) -> None:
        """INSERT tuples of ready database values with ``executemany``.

        For the biggest table only: `bulk_create` spends ~150 µs per audit row compiling SQL and
        preparing every value through its field, which is most of a city run; the rows here are
        adapted once by the caller (see `_audit_log`), and the driver's executemany does the rest.
        """
        meta = model_class._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in field_names)  # type: ignore[union-attr,arg-type]
        placeholders = ", ".join(["%s"] * len(field_names))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from _meta)

        def insert(batch: list[tuple[Any, ...]]) -> None:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # COPY is several times faster than executemany on PostgreSQL (one stream, no
                    # per-row round trip); `cursor.cursor` is psycopg's own cursor under Django's wrapper.
                    with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    cursor.executemany(sql, batch)

        self._in_batches(rows, total, label, insert)

    # --- deleting ---------------------------------------------------------------------------------

    def _delete_generated(self) -> None:
        self._say("Deleting previously generated data")
        with transaction.atomic():
            # Children first, each a single DELETE: Django's collector would load every row.
            deleted, _ = AuditLog.objects.filter(ip__startswith=IP_PREFIX).delete()
            self._say(f"  audit records: {deleted:,}")
            deleted, _ = News.objects.filter(author__email__endswith="@" + EMAIL_DOMAIN).delete()
            self._say(f"  news: {deleted:,}")
            machines = Equipment.objects.filter(inventory_number__startswith="SCALE-")
            for held in (BookingUnit, Booking):
                booked = held._base_manager.filter(equipment__in=machines.values("pk"))
                booked._raw_delete(booked.db)
            deleted = machines._raw_delete(machines.db)
            self._say(f"  equipment with its bookings: {deleted:,}")
            generated_events = Event.objects.filter(created_by__email__endswith="@" + EMAIL_DOMAIN)
            for table, name in [(Attendance, "registration__event"), (TeamMember, "registration__event"),
                                (Registration, "event"), (EventSession, "event"), (Nomination, "event")]:  # fmt: skip
                rows = table._base_manager.filter(**{f"{name}__in": generated_events.values("pk")})
                rows._raw_delete(rows.db)
            co_organised = Event.co_organisers.through.objects.filter(event__in=generated_events.values("pk"))
            co_organised._raw_delete(co_organised.db)
            deleted = generated_events._raw_delete(generated_events.db)
            self._say(f"  events with their registrations: {deleted:,}")
            registered = Registered.objects.filter(email__endswith="@" + EMAIL_DOMAIN)
            ids = registered.values("pk")
            for table, names in [
                (Consent, ["subject", "giver"]), (Guardianship, ["child", "guardian"]), (Affiliation, ["person"]),
                (ClaimCode, ["person"]), (NotDuplicate, ["first", "second"]),
            ]:  # fmt: skip
                for name in names:
                    rows = table._base_manager.filter(**{f"{name}__in": ids})
                    rows._raw_delete(rows.db)
            deleted = registered._raw_delete(registered.db)
            self._say(f"  people in the registry: {deleted:,}")
            deleted, _ = Institution.objects.filter(email__endswith="@" + EMAIL_DOMAIN).delete()
            self._say(f"  institutions with their agreements: {deleted:,}")
            users = generated_users()
            user_ids = users.values("pk")
            # Every table that points at a login (roles, addresses, tokens, authenticators, admin log…):
            # rows there are deleted or unlinked as their foreign key says, one statement per table.
            # Hidden relations (related_name="+") included: the audit log, news authors, role grantors.
            for relation in User._meta.get_fields(include_hidden=True):
                if not isinstance(relation, models.ManyToOneRel):
                    continue
                model = relation.related_model
                assert isinstance(model, type)  # resolved once the app registry is ready
                related = model._base_manager.filter(**{f"{relation.field.name}__in": user_ids})
                if relation.on_delete is models.SET_NULL:
                    related.update(**{relation.field.name: None})
                else:
                    related.delete()
            deleted = users._raw_delete(users.db)
            self._say(f"  logins: {deleted:,}")

    # --- institutions -----------------------------------------------------------------------------

    def _institutions(self, plan: Plan, people: dict[str, list[Person]]) -> list[Institution]:
        """The cluster: mostly schools of Minsk's districts, some partners in the regions and abroad.

        Generated institutions are recognisable by their e-mail @scale.test; coordinators are linked
        to institutions and partners get one or two cooperation agreements of various ages.
        """
        rng = self.rng
        minsk = list(District.objects.filter(kind=District.Kind.MINSK))
        regions = list(District.objects.filter(kind=District.Kind.REGION))
        abroad = District.objects.get(code="abroad")
        # (kind, role, full name pattern, short name pattern, share)
        shapes = [
            ("school", "base", "ГУО «Средняя школа № {n} г. Минска»", "СШ № {n}", 0.62),
            ("gymnasium", "base", "ГУО «Гимназия № {n} г. Минска»", "Гимназия № {n}", 0.12),
            ("lyceum", "base", "ГУО «Лицей № {n} г. Минска»", "Лицей № {n}", 0.04),
            ("additional", "associate", "ГУО «Центр творчества детей и молодёжи № {n} г. Минска»", "ЦТДМ № {n}", 0.06),
            ("college", "associate", "УО «Минский государственный колледж № {n}»", "МГК № {n}", 0.05),
            ("university", "partner", "УО «Технический университет № {n}»", "ТУ № {n}", 0.03),
            ("nas_institute", "partner", "ГНУ «Институт прикладных исследований № {n} НАН»", "ИПИ № {n}", 0.03),
            ("enterprise", "partner", "ОАО «Технопредприятие № {n}»", "Технопредприятие № {n}", 0.04),
            ("public_organisation", "partner", "ОО «Клуб юных техников № {n}»", "Клуб юных техников № {n}", 0.01),
        ]  # fmt: skip
        countries = ["Россия", "Казахстан", "Китай", "Узбекистан", "Армения"]
        counters: dict[str, int] = {}
        institutions = []
        for index in range(plan.institutions):
            kind, role, full, short, _share = rng.choices(shapes, weights=[shape[4] for shape in shapes])[0]
            counters[kind] = counters.get(kind, 0) + 1
            number = counters[kind]
            if role == "partner" and rng.random() < 0.15:
                district, country = abroad, rng.choice(countries)
            elif role == "partner" and rng.random() < 0.3:
                district, country = rng.choice(regions), ""
            else:
                district, country = rng.choice(minsk), ""
            full_name, short_name = full.format(n=number), short.format(n=number)
            created = BASE_DATE - dt.timedelta(days=rng.randint(0, 3 * 365))
            institutions.append(
                Institution(
                    full_name=full_name, short_name=short_name, kind=kind, district=district, country=country,
                    address=f"ул. {rng.choice(STREETS)}, {rng.randint(1, 120)}",
                    website=f"https://inst{index}.example.by", email=f"inst{index}@{EMAIL_DOMAIN}",
                    phone=f"+375 17 {rng.randint(200, 399)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                    cluster_role=role, is_active=rng.random() > 0.03,
                    search_text=search_key(short_name, full_name), created_at=created, updated_at=created,
                )
            )  # fmt: skip
        Institution.objects.bulk_create(institutions, batch_size=BATCH_SIZE)
        through = Institution.coordinators.through
        coordinators = people.get("coordinator", [])
        through.objects.bulk_create(
            through(institution_id=institutions[i % len(institutions)].pk, user_id=person.pk)
            for i, person in enumerate(coordinators)
        )
        agreements = []
        for institution in institutions:
            if institution.cluster_role != "partner":
                continue
            for number in range(rng.randint(1, 2)):
                start = (BASE_DATE - dt.timedelta(days=rng.randint(0, 4 * 365))).date()
                until = start + dt.timedelta(days=rng.choice([365, 2 * 365, 3 * 365])) if rng.random() < 0.85 else None
                agreements.append(
                    Agreement(
                        institution=institution, number=f"{start.year}/{institution.pk}-{number + 1}",
                        signed_on=start, valid_from=start, valid_until=until,
                        subject="Сотрудничество в области научно-технического творчества учащихся",
                        resources=rng.sample(Agreement.Resource.values, rng.randint(1, 3)),
                        created_at=BASE_DATE, updated_at=BASE_DATE,
                    )
                )  # fmt: skip
        Agreement.objects.bulk_create(agreements, batch_size=BATCH_SIZE)
        self._say(f"  institutions: {len(institutions):,}, agreements: {len(agreements):,}")
        return institutions

    # --- the registry of people -------------------------------------------------------------------

    def _registry(self, plan: Plan, people: dict[str, list[Person]], institutions: list[Institution]) -> list[int]:
        """Records for the logins, guardians, school and teaching links, consents, a few duplicates."""
        rng = self.rng
        schools = [i for i in institutions if i.kind in {"school", "gymnasium", "lyceum"}] or institutions
        coordinated = {
            row[1]: row[0] for row in Institution.coordinators.through.objects.values_list("institution_id", "user_id")
        }
        texts = self._consent_texts()
        users = User.objects.in_bulk([p.pk for kind in ("student", "teacher", "coordinator") for p in people[kind]])
        base_day = BASE_DATE.date()
        categories = list(Registered.Category.values)
        positions = [
            "Учитель информатики",
            "Учитель физики",
            "Учитель трудового обучения",
            "Педагог дополнительного образования",
        ]
        counter = iter(range(10**9))

        def record(user: User | None, **fields: Any) -> Registered:
            created = BASE_DATE - dt.timedelta(days=rng.randint(0, 2 * 365))
            if "names" in fields:
                last, first, patronymic = fields.pop("names")
            else:
                assert user is not None
                last, first, patronymic = user.last_name, user.first_name, user.patronymic
            return Registered(
                user_id=user.pk if user else None, last_name=last, first_name=first, patronymic=patronymic,
                email=user.email if user else f"person.{next(counter)}@{EMAIL_DOMAIN}",
                search_text=search_key(last, first, patronymic), created_at=created, updated_at=created,
                # Dates come with the class lists teachers add: confirmed (DOMAIN.md rule 10).
                birth_date_confirmed_at=created if fields.get("birth_date") else None, **fields,
            )  # fmt: skip

        # Teachers and coordinators: adults, at the institution they coordinate or at a school.
        teachers = [
            record(users[p.pk], birth_date=base_day - dt.timedelta(days=rng.randint(23 * 365, 60 * 365)),
                   qualification_category=rng.choice(categories))
            for kind in ("coordinator", "teacher") for p in people[kind]
        ]  # fmt: skip
        Registered.objects.bulk_create(teachers, batch_size=BATCH_SIZE)
        Affiliation.objects.bulk_create(
            (
                Affiliation(
                    person_id=t.pk,
                    institution_id=coordinated.get(t.user_id or 0) or rng.choice(schools).pk,
                    kind="teacher", position=rng.choice(positions), created_at=t.created_at, updated_at=t.created_at,
                )
                for t in teachers
            ),
            batch_size=BATCH_SIZE,
        )  # fmt: skip
        self._say(f"  teachers' records: {len(teachers):,}")

        # Students: 7 to 17 years old on the base date, the grade follows from the age.
        students: list[Registered] = []
        for p in people["student"]:
            age_days = rng.randint(7 * 365, 17 * 365 + 364)
            grade = min(11, max(1, age_days // 365 - 5))
            students.append(record(users[p.pk], birth_date=base_day - dt.timedelta(days=age_days), grade=grade))
        # The same child typed a second time by another teacher, with a slip in the surname.
        for original in rng.sample(students, min(plan.duplicates, len(students))):
            last = original.last_name
            slip = last[:2] + last[2] + last[2:] if len(last) > 3 else last + "а"
            students.append(
                record(None, names=(slip, original.first_name, original.patronymic), birth_date=original.birth_date,
                       grade=original.grade)
            )  # fmt: skip
        self._bulk(Registered, iter(students), len(students), "students' records")
        school_of = [rng.choice(schools).pk for _ in students]
        self._bulk(
            Affiliation,
            (Affiliation(person_id=s.pk, institution_id=school_of[i], kind="student", created_at=s.created_at,
                         updated_at=s.created_at) for i, s in enumerate(students)),
            len(students), "students' schools",
        )  # fmt: skip

        # Guardians (no logins) for ~70 % of children; consents for ~80 % of those who may have one.
        guardians: list[Registered] = []
        links: list[tuple[int, int]] = []
        for index, child in enumerate(students):
            if rng.random() < 0.7:
                female = rng.random() < 0.6
                forms = next((pair for pair in SURNAMES if child.last_name in pair), (child.last_name, child.last_name))
                name = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                mobile = rng.choice(["25", "29", "33", "44"])
                phone = f"+375 {mobile} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
                guardian = record(None, names=(forms[female], name, rng.choice(PATRONYMICS)[female]), phone=phone)
                guardians.append(guardian)
                links.append((index, len(guardians) - 1))
        self._bulk(Registered, iter(guardians), len(guardians), "guardians' records")
        self._bulk(
            Guardianship,
            (Guardianship(guardian_id=guardians[g].pk, child_id=students[c].pk) for c, g in links),
            len(links), "guardianships",
        )  # fmt: skip
        guardian_of = {c: guardians[g] for c, g in links}

        def consents() -> Iterator[Consent]:
            for index, child in enumerate(students):
                if rng.random() > 0.8 or child.birth_date is None:
                    continue
                given = BASE_DATE - dt.timedelta(days=rng.randint(1, 300))
                under_16 = (given.date() - child.birth_date).days < 16 * 365.25
                giver = guardian_of.get(index) if under_16 else child
                if giver is None:
                    continue
                for purpose, text in texts.items():
                    if purpose != "participation" and rng.random() < 0.5:
                        continue
                    paper = rng.random() < 0.4
                    yield Consent(
                        subject_id=child.pk, giver_id=giver.pk, purpose=purpose, text_id=text.pk, given_at=given,
                        channel="paper" if paper else "online",
                        withdrawn_at=given + dt.timedelta(days=30) if rng.random() < 0.03 else None,
                    )  # fmt: skip

        self._bulk(Consent, consents(), int(len(students) * 0.7), "consents")
        # Who may register for events: 16 or older, or with a consent to take part (most of the rest).
        return [s.pk for s in students if s.user_id is not None]

    # --- events -------------------------------------------------------------------------------------

    def _labs(self, plan: Plan, people: dict[str, list[Person]]) -> None:
        """Equipment across the four labs (inventory numbers ``SCALE-…``) and a year of its bookings from
        the base date: on open days two to four of the day's five slots of each machine are booked, a pool
        by 2–10 units. Slots never overlap, so the rows satisfy the exclusion constraint. Labs without
        opening hours get Monday–Saturday 9:00–20:00."""
        rng = self.rng
        labs = list(Lab.objects.order_by("position"))
        for lab in labs:
            if not lab.hours.exists():
                OpeningHours.objects.bulk_create(
                    OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(6)
                )
        kinds = [k for k in Equipment.Kind.values if k != "other"]
        pools = {"workstation", "robotics_kit", "vr_set", "soldering"}
        machines = []
        for index in range(plan.machines):
            kind = rng.choice(kinds)
            pool = kind in pools and rng.random() < 0.6
            machines.append(
                Equipment(
                    lab=labs[index % len(labs)], kind=kind, name=f"{Equipment.Kind(kind).label} № {index + 1}",
                    inventory_number=f"SCALE-{index + 1:05d}", units=rng.choice([6, 8, 10, 12, 15]) if pool else 1,
                    requires_authorisation=kind in ("laser_cutter", "cnc_mill", "printer_3d"),
                    min_age=rng.choice([None, 10, 12, 14]),
                )
            )  # fmt: skip
        Equipment.objects.bulk_create(machines, batch_size=BATCH_SIZE)
        bookers: list[int | None] = [p.pk for p in people["teacher"][:200]] or [None]
        slots = [(9, 11), (11, 13), (14, 16), (16, 18), (18, 20)]
        first = BASE_DATE.date()
        days = [first + dt.timedelta(days=n) for n in range(365)]
        open_days = [day for day in days if day.weekday() < 6]
        self._say(f"Equipment: {len(machines):,}; bookings over {len(open_days)} open days")

        def bookings() -> Iterator[Booking]:
            for machine in machines:
                for day in open_days:
                    for start, end in rng.sample(slots, rng.randint(2, 4)):
                        begins = dt.datetime.combine(day, dt.time(start), tzinfo=MINSK)
                        yield Booking(
                            equipment_id=machine.pk, units=rng.randint(2, min(10, machine.units)) if machine.units > 1
                            else 1, starts_at=begins, ends_at=begins + dt.timedelta(hours=end - start),
                            purpose="lesson", status="confirmed", booked_by_id=rng.choice(bookers),
                            created_at=begins - dt.timedelta(days=7), updated_at=begins - dt.timedelta(days=7),
                        )  # fmt: skip

        expected = len(machines) * len(open_days) * 3
        self._bulk(Booking, bookings(), expected, "bookings")
        generated = Booking.objects.filter(equipment__inventory_number__startswith="SCALE-")

        def units() -> Iterator[BookingUnit]:
            for booking_id, equipment_id, count, starts_at, ends_at in generated.values_list(
                "pk", "equipment_id", "units", "starts_at", "ends_at"
            ).iterator(chunk_size=BATCH_SIZE):
                for unit in range(1, count + 1):
                    yield BookingUnit(
                        booking_id=booking_id, equipment_id=equipment_id, unit=unit, starts_at=starts_at,
                        ends_at=ends_at, active=True,
                    )  # fmt: skip

        self._bulk(BookingUnit, units(), expected * 2, "held units")

    def _events(
        self, plan: Plan, people: dict[str, list[Person]], institutions: list[Institution], students: list[int]
    ) -> None:
        """Events over five years up to a few months ahead, with sessions, nominations for contests,
        co-organisers, and registrations (confirmed, some on the waiting list or cancelled)."""
        rng = self.rng
        authors = [p.pk for p in people["methodologist"]]
        partners = [i.pk for i in institutions if i.cluster_role == "partner"] or [institutions[0].pk]
        kinds = list(Event.Kind.values)
        teacher_kinds = {"course", "methodical_meeting", "seminar", "conference", "consultation"}
        topics = [t[0] for t in NEWS_TOPICS]
        labs = list(CentreLab.values)
        now = BASE_DATE
        self._say(f"Events: {plan.events:,}")
        events: list[Event] = []
        for index in range(plan.events):
            kind = rng.choice(kinds)
            audience = "teachers" if kind in teacher_kinds else rng.choice(["students", "students", "both"])
            start = now + dt.timedelta(days=rng.randint(-5 * 365, 120), hours=rng.choice([0, 2, 4]))
            start = start.replace(hour=rng.choice([10, 14, 15]), minute=0, second=0, microsecond=0)
            days = 3 if kind in ("course", "camp") else 1
            if start > now + dt.timedelta(days=20):
                status = "published"
            elif start > now:
                status = "registration_open"
            else:
                status = rng.choice(["held", "results_published", "archived", "archived"])
            title = f"{Event.Kind(kind).label} «{rng.choice(topics)}» № {index + 1}"
            events.append(
                Event(
                    title_ru=str(title), summary_ru="Сгенерированное мероприятие для нагрузочного теста.",
                    kind=kind, audience=audience, level=rng.choice(Event.Level.values), format="in_person",
                    directions=rng.sample(list(Direction.values), rng.randint(1, 2)), venue_kind="lab",
                    venue_lab=rng.choice(labs), capacity=rng.choice([None, 20, 30, 60, 100]), status=status,
                    starts_at=start, ends_at=start + dt.timedelta(days=days - 1, hours=3),
                    registration_closes_at=start - dt.timedelta(days=1), created_by_id=rng.choice(authors),
                    search_text=search_key(str(title)), created_at=start - dt.timedelta(days=40),
                    updated_at=start - dt.timedelta(days=40),
                )
            )  # fmt: skip
        self._bulk(Event, iter(events), len(events), "events")

        def sessions() -> Iterator[EventSession]:
            for event in events:
                start, end = event.starts_at, event.ends_at
                assert start is not None
                assert end is not None
                for day in range((end - start).days + 1):
                    yield EventSession(
                        event_id=event.pk, starts_at=start + dt.timedelta(days=day),
                        ends_at=start + dt.timedelta(days=day, hours=3), hours=4 if event.kind == "course" else None,
                    )  # fmt: skip

        self._bulk(
            EventSession,
            sessions(),
            len(events) * 2, "sessions",
        )  # fmt: skip
        through = Event.co_organisers.through
        through.objects.bulk_create(
            (through(event_id=e.pk, institution_id=rng.choice(partners)) for e in events if rng.random() < 0.3),
            batch_size=BATCH_SIZE,
        )
        contests = [e for e in events if e.kind in ("contest", "competition")]
        nominations = [
            Nomination(event_id=e.pk, title_ru=title, position=i, capacity=None)
            for e in contests for i, title in enumerate(["Младшая группа", "Старшая группа"])
        ]  # fmt: skip
        Nomination.objects.bulk_create(nominations, batch_size=BATCH_SIZE)
        nominations_of: dict[int, list[int]] = {}
        for nomination in nominations:
            nominations_of.setdefault(nomination.event_id, []).append(nomination.pk)

        def registrations() -> Iterator[Registration]:
            for event in events:
                if event.status == "published" or event.audience == "teachers" or not students:
                    continue
                count = rng.randint(0, 2 * plan.registrations_per_event)
                taken = 0
                for person_id in rng.sample(students, min(count, len(students))):
                    confirmed = event.capacity is None or taken < event.capacity
                    status = "confirmed" if confirmed else "waitlisted"
                    if rng.random() < 0.05:
                        status = "cancelled"
                    elif confirmed:
                        taken += 1
                    created = (event.starts_at or now) - dt.timedelta(days=rng.randint(2, 30))
                    options = nominations_of.get(event.pk)
                    yield Registration(
                        event_id=event.pk, nomination_id=rng.choice(options) if options else None, form="individual",
                        person_id=person_id, places=1, status=status, code=f"{rng.getrandbits(128):032x}",
                        created_at=created, updated_at=created,
                    )  # fmt: skip

        self._bulk(Registration, registrations(), plan.events * plan.registrations_per_event, "registrations")

    def _consent_texts(self) -> dict[str, ConsentText]:
        """The texts in force, made as version 1 when a purpose has none (they are content: kept by --force)."""
        texts = {}
        for purpose, label in ConsentPurpose.choices:
            text = ConsentText.objects.filter(purpose=purpose, published_at__isnull=False).order_by("-version").first()
            if text is None:
                text = ConsentText.objects.create(
                    purpose=purpose, version=1, title_ru=f"Согласие: {label}", body_ru=str(label),
                    published_at=BASE_DATE - dt.timedelta(days=400),
                )  # fmt: skip
            texts[purpose] = text
        return texts

    # --- people -----------------------------------------------------------------------------------

    def _people(self, plan: Plan) -> dict[str, list[Person]]:
        """Create the logins with their roles and verified addresses; return them grouped by kind."""
        rng = self.rng
        # Which roles each kind of login holds; coordinators are teachers with a second role.
        kinds: list[tuple[str, int, list[str]]] = [
            ("administrator", plan.administrators, [Role.ADMINISTRATOR]),
            ("methodologist", plan.methodologists, [Role.METHODOLOGIST]),
            ("lab_manager", plan.lab_managers, [Role.LAB_MANAGER]),
            ("jury_member", plan.jury_members, [Role.JURY_MEMBER]),
            ("partner", plan.partners, [Role.PARTNER]),
            ("coordinator", plan.coordinators, [Role.TEACHER, Role.COORDINATOR]),
            ("teacher", plan.teachers - plan.coordinators, [Role.TEACHER]),
            ("student", plan.students, [Role.STUDENT]),
        ]
        self._say(f"Logins: {plan.users:,}")
        people: dict[str, list[Person]] = {kind: [] for kind, _count, _roles in kinds}
        people["teacher_or_coordinator"] = []
        unusable = string.ascii_letters + string.digits
        counter = 0
        done = 0
        step = max(plan.users // 10, BATCH_SIZE)
        for kind, count, roles in kinds:
            for start in range(0, count, BATCH_SIZE):
                users: list[User] = []
                for _ in range(min(BATCH_SIZE, count - start)):
                    counter += 1
                    female = rng.random() < 0.5
                    surname = rng.choice(SURNAMES)[female]
                    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                    patronymic = rng.choice(PATRONYMICS)[female]
                    email = f"{translit(surname)}.{translit(first)}.{counter}@{EMAIL_DOMAIN}"
                    joined = BASE_DATE - dt.timedelta(seconds=rng.randrange(NEWS_YEARS * 365 * 86_400))
                    seen_recently = rng.random() < 0.7
                    users.append(
                        User(
                            email=email,
                            last_name=surname,
                            first_name=first,
                            patronymic=patronymic,
                            # An unusable password in Django's own format: no hashing, no way to sign in.
                            password="!" + "".join(rng.choices(unusable, k=40)),
                            is_active=rng.random() < 0.98,
                            is_staff=kind == "administrator",
                            is_superuser=kind == "administrator",
                            date_joined=joined,
                            last_login=(
                                BASE_DATE - dt.timedelta(seconds=rng.randrange(AUDIT_DAYS * 86_400))
                                if seen_recently
                                else None
                            ),
                        )
                    )
                User.objects.bulk_create(users)
                RoleAssignment.objects.bulk_create(
                    RoleAssignment(user_id=user.pk, role=role, created_at=user.date_joined)
                    for user in users
                    for role in roles
                )
                EmailAddress.objects.bulk_create(
                    EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True) for user in users
                )
                for user in users:
                    person = Person(pk=user.pk, email=user.email, name=str(user))
                    people[kind].append(person)
                    if kind in {"teacher", "coordinator"}:
                        people["teacher_or_coordinator"].append(person)
                previous = done
                done += len(users)
                if done // step != previous // step or done == plan.users:
                    self._say(f"  logins: {done:,} / {plan.users:,}")
        return people

    # --- news -------------------------------------------------------------------------------------

    def _news(self, plan: Plan, authors: list[Person]) -> list[tuple[int, str]]:
        """Create the news; return (id, title) of recent published ones (the audit log mentions them)."""
        rng = self.rng
        self._say(f"News: {plan.news:,}")
        span = NEWS_YEARS * 365 * 86_400

        def rows() -> Iterator[News]:
            for _ in range(plan.news):
                title_ru, title_be, title_en = self._news_title()
                grades = rng.choice(GRADES)
                lab_ru, lab_be, lab_en = rng.choice(NEWS_LABS)
                leads = rng.sample(NEWS_LEADS, 2)
                body = rng.sample(NEWS_BODY, rng.randint(4, 8))
                has_be = rng.random() < 0.4
                has_en = rng.random() < 0.25
                published = rng.random() < 0.9
                created = BASE_DATE - dt.timedelta(seconds=rng.randrange(span))

                yield News(
                    title_ru=title_ru,
                    title_be=title_be if has_be else "",
                    title_en=title_en if has_en else "",
                    lead_ru=sentences(leads, 0, grades=grades, lab=lab_ru),
                    lead_be=sentences(leads, 1, grades=grades, lab=lab_be) if has_be else "",
                    lead_en=sentences(leads, 2, grades=grades, lab=lab_en) if has_en else "",
                    body_ru=paragraphs(body, 0, grades=grades, lab=lab_ru),
                    body_be=paragraphs(body, 1, grades=grades, lab=lab_be) if has_be else "",
                    body_en=paragraphs(body, 2, grades=grades, lab=lab_en) if has_en else "",
                    status=News.Status.PUBLISHED if published else News.Status.DRAFT,
                    published_at=created + dt.timedelta(hours=rng.randint(1, 72)) if published else None,
                    author_id=rng.choice(authors).pk,
                    created_at=created,
                    updated_at=created + dt.timedelta(hours=rng.randint(0, 96)),
                )

        self._bulk(News, rows(), plan.news, "news")
        # Capped so the list stays small at any scale; the audit log mentions recent news mostly anyway.
        return list(
            News.objects.filter(author__email__endswith="@" + EMAIL_DOMAIN, status=News.Status.PUBLISHED)
            .order_by("-published_at")
            .values_list("pk", "title_ru")[:5_000]
        )

    def _news_title(self) -> tuple[str, str, str]:
        rng = self.rng
        pattern = rng.choice(NEWS_TITLES)
        ev_acc, ev_gen, be_acc, be_gen, ev_en = rng.choice(NEWS_EVENTS)
        topic = rng.choice(NEWS_TOPICS)
        lab = rng.choice(NEWS_LABS)
        year = f"-{rng.randint(BASE_DATE.year - NEWS_YEARS + 1, BASE_DATE.year)}" if rng.random() < 0.3 else ""
        return (
            pattern[0].format(ev_acc=ev_acc, ev_gen=ev_gen, topic=topic[0] + year, lab=lab[0]),
            pattern[1].format(ev_acc=be_acc, ev_gen=be_gen, topic=topic[1] + year, lab=lab[1]),
            pattern[2].format(ev=ev_en, topic=topic[2] + year, lab=lab[2]),
        )

    def _home_blocks(self) -> None:
        if HomeBlock.objects.exists():
            return
        # Positions follow the list order within each section.
        position: dict[str, int] = {}
        blocks = []
        for kind, title, text, link in HOME_BLOCKS:
            position[kind] = position.get(kind, 0) + 1
            blocks.append(
                HomeBlock(
                    kind=kind,
                    position=position[kind],
                    title_ru=title,
                    text_ru=text,
                    link=link,
                    created_at=BASE_DATE,
                    updated_at=BASE_DATE,
                )
            )
        with explicit_timestamps(HomeBlock):
            HomeBlock.objects.bulk_create(blocks)
        self._say(f"Home page blocks: {len(blocks)}")

    # --- audit log --------------------------------------------------------------------------------

    def _audit_log(self, plan: Plan, people: dict[str, list[Person]], news: list[tuple[int, str]]) -> None:
        """A year of audit records, oldest first (as they would have been written)."""
        rng = self.rng
        self._say(f"Audit records: {plan.audit_records:,}")
        user_type = ContentType.objects.get_for_model(User).pk
        news_type = ContentType.objects.get_for_model(News).pk
        students, teachers = people["student"], people["teacher_or_coordinator"]
        editors = people["methodologist"] + people["administrator"]
        staff = editors + people["lab_manager"]
        # Where one person usually signs in from: their address is stable, which is what makes the
        # ip index realistic. 198.18.0.0/15 only (see IP_PREFIX).
        n_addresses = max(plan.users // 3, 100)

        def ip_of(pk: int) -> str:
            slot = (pk * 2_654_435_761) % n_addresses
            return f"{IP_PREFIX}{slot // 254 % 256}.{slot % 254 + 1}"

        def someone() -> Person:
            # Students are most of the logins and most of the sign-ins.
            roll = rng.random()
            if roll < 0.85:
                return rng.choice(students)
            if roll < 0.97:
                return rng.choice(teachers)
            return rng.choice(staff)

        def on_user(who: Person, action: str, data: dict[str, Any] | None = None) -> Record:
            # Sign-in events are about the login itself: it is both the actor and the target.
            return Record(who, action, who.email, user_type, str(who.pk), who.name, data or {})

        def login_ok() -> Record:
            return on_user(someone(), "accounts.login.succeeded")

        def logout() -> Record:
            return on_user(someone(), "accounts.logout")

        def login_failed() -> Record:
            # Nobody is signed in; the label is the address that was typed, which may not exist.
            known = rng.random() < 0.8
            email = someone().email if known else f"nobody{rng.randrange(10_000)}@{EMAIL_DOMAIN}"
            return Record(None, "accounts.login.failed", email, None, "", "", {"known_account": known})

        def access_denied() -> Record:
            who = someone()
            data = {"path": rng.choice(DENIED_PATHS), "method": "GET"}
            return Record(who, "core.access.denied", who.email, None, "", "", data)

        def news_edit() -> Record:
            who = rng.choice(editors)
            verb = rng.choices(["created", "updated", "published", "unpublished"], weights=[3, 6, 3, 1])[0]
            data = {"fields": sorted(rng.sample(["title_ru", "lead_ru", "body_ru", "title_en", "title_be"], 2))}
            news_id, title = rng.choice(news) if news else (None, "")
            return Record(
                who,
                f"portal.news.{verb}",
                who.email,
                news_type if news_id else None,
                str(news_id or ""),
                title,
                data if verb == "updated" else {},
            )

        def email_confirmed() -> Record:
            who = someone()
            return on_user(who, "accounts.email.confirmed", {"email": who.email})

        def password_changed() -> Record:
            return on_user(someone(), f"accounts.password.{rng.choice(['changed', 'reset'])}")

        def role_granted() -> Record:
            who = rng.choice(people["administrator"])
            whom = rng.choice(teachers)
            role = str(rng.choice([Role.TEACHER, Role.COORDINATOR, Role.JURY_MEMBER]))
            return Record(who, "accounts.role.granted", who.email, user_type, str(whom.pk), whom.name, {"role": role})

        # How often each kind of record occurs: sign-ins dominate any real log.
        makers: list[tuple[float, Callable[[], Record]]] = [
            (45, login_ok),
            (20, logout),
            (12, login_failed),
            (6, access_denied),
            (3, news_edit),
            (3, email_confirmed),
            (1.5, password_changed),
            (0.5, role_granted),
        ]
        weights = [weight for weight, _maker in makers]
        functions = [maker for _weight, maker in makers]
        # Timestamps ascending, as a real log grows; spread evenly over the year with jitter.
        start = BASE_DATE - dt.timedelta(days=AUDIT_DAYS)
        step = AUDIT_DAYS * 86_400 / plan.audit_records

        ops = connection.ops
        fields = ["created_at", "actor", "actor_label", "action", "target_type", "target_id", "target_label"]
        fields += ["data", "ip", "user_agent"]

        def rows() -> Iterator[tuple[Any, ...]]:
            choices = rng.choices(functions, weights=weights, k=plan.audit_records)
            for index, maker in enumerate(choices):
                record = maker()
                actor = record.actor
                # Most people sign in from their usual address; some from elsewhere (phone, school).
                address = ip_of(actor.pk) if actor is not None and rng.random() < 0.9 else ip_of(rng.randrange(10**6))
                # Values adapted as the fields would adapt them (UTC text on SQLite, jsonb on PostgreSQL…).
                yield (
                    ops.adapt_datetimefield_value(start + dt.timedelta(seconds=index * step + rng.random() * step)),
                    actor.pk if actor is not None else None,
                    record.actor_label,
                    record.action,
                    record.target_type,
                    record.target_id,
                    record.target_label[:255],
                    ops.adapt_json_value(record.data, None),
                    ops.adapt_ipaddressfield_value(address),
                    rng.choice(USER_AGENTS),
                )

        self._insert_raw(AuditLog, fields, rows(), plan.audit_records, "audit records")
