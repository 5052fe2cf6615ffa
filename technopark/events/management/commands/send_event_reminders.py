"""Queue the reminders of the day before for tomorrow's sessions; run from cron (hourly is safe: each
session's reminders go once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from technopark.events.services.attendance import send_reminders


class Command(BaseCommand):
    help = "Queue e-mail reminders for the sessions of events that start tomorrow (Europe/Minsk)."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("ru"):
            queued = send_reminders()
        self.stdout.write(f"{queued} reminder(s) queued")
