"""Demo data for trying the platform out (`make run`). Idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.portal.models import News

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

DEMO_NEWS = [
    (
        "Открыта регистрация на технический уик-энд «Собери робота»",
        "Адкрыта рэгістрацыя на тэхнічны ўік-энд «Сабяры робата»",
        "Registration is open for the «Build a robot» technical weekend",
        "Учащиеся 5–9 классов за два дня соберут и запрограммируют робота в лаборатории технологий и инженерии.",
        "Навучэнцы 5–9 класаў за два дні збяруць і запраграмуюць робата ў лабараторыі тэхналогій і інжынерыі.",
        "Students of grades 5–9 will build and program a robot in two days at the lab of technologies and engineering.",
        2,
    ),
    (
        "Семинар для педагогов: проектная деятельность в ФабЛабе",
        "Семінар для педагогаў: праектная дзейнасць у ФабЛабе",
        "Seminar for teachers: project work in the FabLab",
        "Методисты центра покажут, как провести учебный проект от идеи до опытного образца.",
        "Метадысты цэнтра пакажуць, як правесці вучэбны праект ад ідэі да доследнага ўзору.",
        "The centre's methodologists show how to take a class project from an idea to a prototype.",
        9,
    ),
    (
        "Итоги городского конкурса архитектурных макетов",
        "Вынікі гарадскога конкурсу архітэктурных макетаў",
        "Results of the city contest of architectural models",
        "Поздравляем победителей и благодарим педагогов, подготовивших участников.",
        "Віншуем пераможцаў і дзякуем педагогам, якія падрыхтавалі ўдзельнікаў.",
        "Congratulations to the winners, and thanks to the teachers who prepared the participants.",
        20,
    ),
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
        for title_ru, title_be, title_en, lead_ru, lead_be, lead_en, days_ago in DEMO_NEWS:
            News.objects.get_or_create(
                title_ru=title_ru,
                defaults={
                    "title_be": title_be,
                    "title_en": title_en,
                    "lead_ru": lead_ru,
                    "lead_be": lead_be,
                    "lead_en": lead_en,
                    "body_ru": lead_ru,
                    "body_be": lead_be,
                    "body_en": lead_en,
                    "status": News.Status.PUBLISHED,
                    "published_at": now - dt.timedelta(days=days_ago),
                    "author": author,
                },
            )

    def _print_logins(self) -> None:
        from django.conf import settings

        out = self.stdout
        out.write("")
        out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, *_name, roles in DEMO_PEOPLE:
            out.write(f"  {email:<36} {', '.join(str(Role(r).label) for r in roles)}")
        if not settings.MFA_REQUIRED_FOR_STAFF:
            out.write(
                "Note: this demo does NOT require staff to set up two-factor authentication "
                "(MFA_REQUIRED_FOR_STAFF=0). Production requires it; see README → Production."
            )
        out.write("")
