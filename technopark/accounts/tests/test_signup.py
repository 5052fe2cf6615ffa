"""Sign-up asks for ФИО (issue 14, item 8): a new login has a name from its first day."""

from __future__ import annotations

from typing import Any

from django.test import Client

from technopark.accounts.models import User


def test_signing_up_takes_the_full_name(db: Any) -> None:
    password = "first-passphrase-of-mine"
    form = {
        "last_name": "Новикова", "first_name": "Алеся", "patronymic": "Игоревна",
        "email": "alesia@example.test", "password1": password, "password2": password,
    }  # fmt: skip
    assert Client().post("/accounts/signup/", form).status_code == 302
    user = User.objects.get(email="alesia@example.test")
    assert user.get_full_name() == "Новикова Алеся Игоревна"


def test_a_sign_up_without_a_surname_is_refused_and_keeps_what_was_typed(db: Any) -> None:
    form = {"first_name": "Алеся", "email": "alesia@example.test", "password1": "p" * 12, "password2": "p" * 12}
    page = Client().post("/accounts/signup/", form)
    assert page.status_code == 200 and not User.objects.exists()
    assert 'value="Алеся"' in page.content.decode() and 'value="alesia@example.test"' in page.content.decode()
