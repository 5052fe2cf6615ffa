from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.bounds import MAX_SEARCH_LENGTH, validate_calendar_date, validate_calendar_datetime
from technopark.core.files import validate_document, validate_image
from technopark.core.forms import TranslatedFormMixin
from technopark.core.i18n import CONTENT_LANGUAGES
from technopark.events.models import Direction, Event, EventDocument, Nomination, Question, Registration
from technopark.network.models import Institution
from technopark.people.models import Person

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CalendarFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH, help_text=_("Words of the title")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Event.Kind.choices])
    audience = forms.ChoiceField(
        label=_("For whom"), required=False, choices=[("", _("Everyone")), *Event.Audience.choices[:2]]
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("Any direction")), *Direction.choices]
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any level")), *Event.Level.choices])
    date_from = forms.DateField(
        label=_("From"), required=False, input_formats=DATE_FORMATS, widget=_date_input(),
        validators=[validate_calendar_date],
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("To"), required=False, input_formats=DATE_FORMATS, widget=_date_input(),
        validators=[validate_calendar_date],
    )  # fmt: skip
    free_places = forms.BooleanField(label=_("Only with free places"), required=False)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: value for key, value in data.items() if value not in (None, "", False)}


class EventForm(TranslatedFormMixin, forms.ModelForm):
    """The announcement of an event; sessions, nominations and documents have forms of their own."""

    translated_names = ("title", "summary", "description")

    directions = forms.MultipleChoiceField(
        label=_("Directions"), required=False, choices=Direction.choices, widget=forms.CheckboxSelectMultiple
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        required=False,
        queryset=Institution.objects.filter(is_active=True).order_by("short_name"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    image = forms.ImageField(
        label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip

    class Meta:
        model = Event
        fields = [
            "title_ru", "summary_ru", "description_ru", "title_be", "summary_be", "description_be",
            "title_en", "summary_en", "description_en",
            "kind", "audience", "level", "format", "directions",
            "venue_kind", "venue_lab", "venue_details", "online_url", "co_organisers",
            "min_age", "max_age", "min_grade", "max_grade",
            "registration_opens_at", "registration_closes_at", "capacity", "needs_approval", "image_alt",
        ]  # fmt: skip
        widgets = {
            **{f"description_{code}": forms.Textarea(attrs={"rows": 8}) for code in CONTENT_LANGUAGES},
            **{f"summary_{code}": forms.Textarea(attrs={"rows": 2}) for code in CONTENT_LANGUAGES},
            "registration_opens_at": _datetime_input(),
            "registration_closes_at": _datetime_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]
            self.fields[name].validators.append(validate_calendar_datetime)

    def clean_image(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image")
        return validate_image(upload) if isinstance(upload, UploadedFile) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for low, high in (("min_age", "max_age"), ("min_grade", "max_grade")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("The upper limit is below the lower one."))
        return data

    def service_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "co_organisers"}
        if self.cleaned_data.get("image"):
            fields["image"] = self.cleaned_data["image"]
        return fields


class SessionForm(forms.Form):
    """One session in the wall-clock time of Minsk."""

    day = forms.DateField(
        label=_("Date"), required=False, input_formats=DATE_FORMATS, widget=_date_input(),
        validators=[validate_calendar_date],
    )  # fmt: skip
    # "From"/"To" alone are the date filters' words elsewhere ("С даты"); these are times of day.
    start = forms.TimeField(
        label=pgettext_lazy("time of day", "Starts"), required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )  # fmt: skip
    end = forms.TimeField(
        label=pgettext_lazy("time of day", "Ends"), required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )  # fmt: skip
    title = forms.CharField(label=_("Topic"), required=False, max_length=300)
    hours = forms.DecimalField(label=_("Academic hours"), required=False, min_value=0, max_digits=4, decimal_places=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = (self.prefix or "").rsplit("-", 1)[-1]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = _("%(column)s, session %(row)s") % {
                "column": field.label,
                "row": int(number) + 1 if number.isdigit() else "",
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank(data):
            return data
        for name in ("day", "start", "end"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data

    @staticmethod
    def is_blank(data: dict[str, Any]) -> bool:
        return not any(data.get(name) for name in ("day", "start", "end", "title", "hours"))

    def session(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": timezone.make_aware(dt.datetime.combine(data["day"], data["start"])),
            "ends_at": timezone.make_aware(dt.datetime.combine(data["day"], data["end"])),
            "title": data.get("title") or "",
            "hours": data.get("hours"),
        }


SessionFormSet = forms.formset_factory(SessionForm, extra=3, max_num=60, absolute_max=60)


class NominationForm(TranslatedFormMixin, forms.ModelForm):
    translated_names = ("title",)

    class Meta:
        model = Nomination
        fields = [
            "title_ru",
            "title_be",
            "title_en",
            "min_age",
            "max_age",
            "min_grade",
            "max_grade",
            "capacity",
            "position",
        ]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DocumentForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF or an image, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = EventDocument
        fields = ["kind", "title"]

    def clean_file(self) -> UploadedFile:
        return validate_document(self.cleaned_data["file"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Event.Status.choices)


def _person_label(person: Any) -> str:
    if person.grade:
        return str(_("%(name)s, grade %(grade)s") % {"name": person.full_name, "grade": person.grade})
    return str(person.full_name)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class RegistrationForm(forms.Form):
    """Register one participant, a team or a class. The choices are the people the user may register
    (`events.access.registration_candidates`); the rules are the service's."""

    form = forms.ChoiceField(label=_("Who takes part"), choices=Registration.Form.choices, widget=forms.RadioSelect)
    nomination = forms.ModelChoiceField(label=_("Nomination"), queryset=Nomination.objects.none(), required=False)
    person = PersonChoiceField(label=_("Participant"), queryset=Person.objects.none(), required=False)
    team_name = forms.CharField(label=_("Team name"), max_length=200, required=False)
    members = PeopleChoiceField(
        label=_("Team members"), queryset=Person.objects.none(), required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."), widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    head_count = forms.IntegerField(label=_("Number of students"), min_value=1, max_value=500, required=False)
    supervisors = PeopleChoiceField(
        label=_("Supervising teachers"), queryset=Person.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip

    def __init__(
        self, *args: Any, event: Event, candidates: Any, institutions: Any, teachers: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = event.nominations.all()  # type: ignore[attr-defined]
        if not event.nominations.exists():
            del self.fields["nomination"]
        self.fields["person"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["members"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["supervisors"].queryset = teachers  # type: ignore[attr-defined]
        forms_allowed = [Registration.Form.INDIVIDUAL]
        if event.audience != Event.Audience.TEACHERS and institutions.exists():
            forms_allowed += [Registration.Form.TEAM, Registration.Form.GROUP]
        self.fields["form"].choices = [(f, Registration.Form(f).label) for f in forms_allowed]  # type: ignore[attr-defined]
        self.fields["form"].initial = Registration.Form.INDIVIDUAL
        if len(forms_allowed) == 1:
            for name in ("team_name", "members", "institution", "head_count", "supervisors"):
                del self.fields[name]
        if institutions.count() == 1 and "institution" in self.fields:
            self.fields["institution"].initial = institutions.first()
        self.questions = list(event.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = question_field(question)

    def question_fields(self) -> list[Any]:
        return [self[f"q_{question.pk}"] for question in self.questions]

    @property
    def has_file_questions(self) -> bool:
        return any(question.kind == Question.Kind.FILE for question in self.questions)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "form": data["form"],
            "nomination": data.get("nomination"),
            "person": data.get("person"),
            "team_name": data.get("team_name") or "",
            "members": list(data.get("members") or []),
            "institution": data.get("institution"),
            "head_count": data.get("head_count"),
            "supervisors": list(data.get("supervisors") or []),
            "answers": {question.pk: data.get(f"q_{question.pk}") for question in self.questions},
        }


def question_field(question: Question) -> forms.Field:
    """The form field of a custom question; the service checks the answer again (the API uses it too)."""
    common: dict[str, Any] = {"label": question.label, "required": question.required}
    if question.kind == Question.Kind.NUMBER:
        return forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in question.options())], **common)
    if question.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)
    if question.kind == Question.Kind.FILE:
        return forms.FileField(help_text=_("A PDF or an image, up to 20 MB."), **common)
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)


class QuestionForm(TranslatedFormMixin, forms.ModelForm):
    translated_names = ("label",)

    class Meta:
        model = Question
        fields = ["label_ru", "label_be", "label_en", "kind", "choices", "required", "position"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IssueCertificatesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the documents"),
        choices=[("ru", "Русский"), ("be", "Беларуская"), ("en", "English")],
        help_text=_("Documents already issued in another language are issued again in this one."),
    )
    signatory_position = forms.CharField(
        label=_("Position of the signatory"),
        max_length=200,
        required=False,
        help_text=_(
            "Printed under the signature line, in the language of the documents. Leave both empty to sign by hand."
        ),
    )
    signatory_name = forms.CharField(
        label=_("Name of the signatory"),
        max_length=100,
        required=False,
        help_text=_("As on documents: initials, then the surname (А. В. Кравченко)."),
    )


class RevokeCertificateForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
