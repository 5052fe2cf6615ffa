from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.accounts.services import update_profile
from technopark.core.bounds import MAX_SEARCH_LENGTH, validate_calendar_date


class SignupNamesForm(forms.Form):
    """ФИО asked on the sign-up page (allauth's `ACCOUNT_SIGNUP_FORM_CLASS`): a new login has a name from its
    first day, so teachers, staff and the audit log see a person, not an e-mail address."""

    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("Name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)

    def signup(self, request: Any, user: User) -> None:
        # allauth's form inherits this one: its own fields (e-mail, passwords) are among self.fields.
        names = ("last_name", "first_name", "patronymic")
        update_profile(user, actor=user, **{name: self.cleaned_data[name].strip() for name in names})


class ProfileForm(forms.Form):
    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"), max_length=100, required=False,
        help_text=_("A note to tell your tokens apart, e.g. the name of the script or program."),
    )  # fmt: skip
    days = forms.TypedChoiceField(
        label=_("Valid for"), coerce=int, initial=180,
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (180, _("180 days"))],
    )  # fmt: skip


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH, help_text=_("E-mail or surname")
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])


def _project_content_types() -> list[tuple[str, Any]]:
    """Every kind of object of the platform's own apps (events, labs, projects, institutions, people…), by the
    name the reader knows it by; the audit log can be filtered by any of them."""
    labels = [config.label for config in apps.get_app_configs() if config.name.startswith("technopark.")]
    types = sorted(ContentType.objects.filter(app_label__in=labels), key=lambda ct: str(ct.name).lower())
    return [("", _("Any"))] + [(str(ct.pk), str(ct.name).capitalize()) for ct in types]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who"), required=False, help_text=_("E-mail or name"))
    action = forms.CharField(
        label=_("Action"), required=False, help_text=_("The beginning of the action code, e.g. accounts.login")
    )
    target_type = forms.TypedChoiceField(label=_("Object type"), required=False, coerce=int, empty_value=None)
    target_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_calendar_date],
    )  # fmt: skip
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_calendar_date],
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = _project_content_types()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned values as arguments of `audit_records`; dates cover whole days in Minsk."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()

        def day_start(day: dt.date | None, shift: int = 0) -> dt.datetime | None:
            if day is None:
                return None
            return dt.datetime.combine(day + dt.timedelta(days=shift), dt.time.min, tzinfo=tz)

        return {
            "actor": data.get("actor", "").strip(),
            "action": data.get("action", "").strip(),
            "target_type_id": data.get("target_type"),
            "target_id": data.get("target_id", "").strip(),
            "ip": data.get("ip") or "",
            "since": day_start(data.get("since")),
            "until": day_start(data.get("until"), 1),
        }
