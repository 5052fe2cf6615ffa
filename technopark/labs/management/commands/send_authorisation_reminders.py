"""Tell holders (and a child's guardians) that an authorisation ends within two weeks; run daily from cron
(each authorisation's reminder goes once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from technopark.labs.services import send_expiry_reminders


class Command(BaseCommand):
    help = "E-mail the holders of authorisations that expire within two weeks."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("ru"):
            told = send_expiry_reminders()
        self.stdout.write(f"{told} holder(s) told")
