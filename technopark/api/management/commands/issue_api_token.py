from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.accounts.models import User
from technopark.api.services import issue_api_token


class Command(BaseCommand):
    help = "Print a new personal API token for the user with this e-mail (shown once; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="A note to tell tokens apart, e.g. the integration's name")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email!r}")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is blocked; unblock the login first")
        _token, raw = issue_api_token(user, name=name or "issue_api_token", actor=None)
        self.stdout.write(raw)
