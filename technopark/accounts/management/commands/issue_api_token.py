from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.accounts import services
from technopark.accounts.access import has_totp, may_issue_api_token
from technopark.accounts.models import User


class Command(BaseCommand):
    help = (
        "Print a new personal API token for the user with this e-mail (shown once; only its hash is stored). "
        "People issue and revoke their own tokens at /accounts/tokens/; this command is for the operator on "
        "the server. A centre-staff login (administrator, methodologist, lab manager) gets a token only when "
        "it has an authenticator app set up: the token is then recorded as issued with the second factor, "
        "which the API requires of staff tokens while MFA_REQUIRED_FOR_STAFF is on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="A note to tell tokens apart, e.g. the integration's name")
        parser.add_argument(
            "--days",
            type=int,
            default=services.TOKEN_MAX_DAYS,
            help=f"How many days the token works (1–{services.TOKEN_MAX_DAYS}, default {services.TOKEN_MAX_DAYS})",
        )

    def handle(self, *args: Any, email: str, name: str, days: int, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email!r}")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is blocked; unblock the login first")
        # The operator vouches for the second factor only of a login that has one.
        second_factor = has_totp(user)
        if not may_issue_api_token(user, second_factor=second_factor):
            raise CommandError(
                f"The user {email!r} is centre staff without an authenticator app: a staff token needs the "
                "second factor. Let them set up two-factor authentication first (or issue the token on their "
                "token page after signing in with it)."
            )
        try:
            _token, raw = services.issue_api_token(
                user, actor=None, name=name or "issue_api_token", days=days, second_factor=second_factor
            )
        except services.TokenError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(raw)
