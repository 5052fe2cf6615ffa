from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.bounds import validate_calendar_date
from technopark.core.files import validate_image
from technopark.core.forms import LongSelect, TranslatedFormMixin
from technopark.labs.models import Booking, Equipment, Lab, Training
from technopark.people.models import Person

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
TIME_FORMATS = ["%H:%M"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class _SpanForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=_date_input(), validators=[validate_calendar_date]
    )
    start = forms.TimeField(label=_("Start time"), input_formats=TIME_FORMATS, widget=_time_input())
    end = forms.TimeField(label=_("End time"), input_formats=TIME_FORMATS, widget=_time_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return _moment(data["day"], data["start"]), _moment(data["day"], data["end"])


class BookingForm(_SpanForm):
    """Book a machine or units of a pool. The choices are whom the user may book for and which teachers
    may approve; the rules are the service's."""

    purpose = forms.ChoiceField(label=_("What for"), choices=Booking.Purpose.choices[:2], widget=forms.RadioSelect)
    units = forms.IntegerField(label=_("Units"), min_value=1, initial=1)
    person = forms.ModelChoiceField(
        label=_("Who uses it"), queryset=Person.objects.none(), required=False, widget=LongSelect
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervising teacher"), queryset=Person.objects.none(), required=False, widget=LongSelect,
        help_text=_("The teacher who approves a student's booking"),
    )  # fmt: skip
    weekly_until = forms.DateField(
        label=_("Repeat every week until"), required=False, input_formats=DATE_FORMATS, widget=_date_input(),
        validators=[validate_calendar_date],
        help_text=_("For a term's lessons: all the dates are checked first, and nothing is booked if one conflicts"),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, equipment: Equipment, people: Any, shown_people: list[Person], searchable: bool,
        teachers: Any, lessons: bool, **kwargs: Any,
    ) -> None:  # fmt: skip
        """``people``: whom the user may choose (called only when the form is sent, to check the choice);
        ``shown_people``: the few listed before a search; ``searchable``: a search by name finds the rest
        (a school's students are hundreds, too many to list on every page); ``teachers``: who may approve,
        or None when the user books outright (no supervisor field)."""
        super().__init__(*args, **kwargs)
        self.fields["units"].max_value = equipment.units  # type: ignore[attr-defined]
        self.fields["units"].widget.attrs["max"] = equipment.units
        if equipment.units == 1:
            del self.fields["units"]
        person = self.fields["person"]
        person.queryset = people() if self.is_bound else Person.objects.none()  # type: ignore[attr-defined]
        person.widget.choices = [("", "---------")] + [
            (str(item.pk), person.label_from_instance(item))  # type: ignore[attr-defined]
            for item in shown_people
        ]
        self.searchable_people = searchable
        if teachers is None:  # the user books outright: nobody approves
            del self.fields["supervisor"]
        else:
            self.fields["supervisor"].queryset = teachers  # type: ignore[attr-defined]
        if lessons:
            self.fields["purpose"].initial = Booking.Purpose.LESSON
        else:
            self.fields["purpose"].choices = [Booking.Purpose.choices[1]]  # type: ignore[attr-defined]
            self.fields["purpose"].initial = Booking.Purpose.PROJECT
            del self.fields["weekly_until"]


class LabBookingForm(_SpanForm):
    """Book the whole lab for a group lesson, once or every week of a term; the rules are the service's."""

    weekly_until = forms.DateField(
        label=_("Repeat every week until"), required=False, input_formats=DATE_FORMATS, widget=_date_input(),
        validators=[validate_calendar_date],
        help_text=_("For a term's lessons: all the dates are checked first, and nothing is booked if one conflicts"),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("The group and the topic, for the lab's staff")
    )


class SearchForm(forms.Form):
    """ "A free 3D printer for 2 hours on Saturday afternoon"."""

    kind = forms.ChoiceField(label=_("Equipment"), choices=Equipment.Kind.choices)
    day = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=_date_input(), validators=[validate_calendar_date]
    )
    hours = forms.DecimalField(label=_("For how long, hours"), min_value=0.5, max_value=12, decimal_places=1, initial=2)
    after = forms.TimeField(
        label=_("Not before"), required=False, input_formats=TIME_FORMATS, widget=_time_input(), initial=dt.time(9)
    )
    before = forms.TimeField(
        label=_("Ending by"), required=False, input_formats=TIME_FORMATS, widget=_time_input(), initial=dt.time(21)
    )
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.all(), required=False, empty_label=_("Any lab"))
    units = forms.IntegerField(label=_("Units"), min_value=1, max_value=100, initial=1)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Equipment.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MaintenanceForm(_SpanForm):
    note = forms.CharField(label=_("What is done"), max_length=300)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AuthorisationForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.all(), widget=forms.NumberInput)
    kind = forms.ChoiceField(label=_("Equipment kind"), choices=Equipment.Kind.choices)
    months = forms.IntegerField(label=_("Valid for, months"), min_value=1, max_value=60, initial=12)


class UseForm(forms.Form):
    used_from = forms.TimeField(label=_("Used from"), required=False, input_formats=TIME_FORMATS, widget=_time_input())
    used_until = forms.TimeField(
        label=_("Used until"), required=False, input_formats=TIME_FORMATS, widget=_time_input()
    )
    consumables = forms.CharField(label=_("Consumables"), max_length=200, required=False)
    no_show = forms.BooleanField(label=_("Nobody came"), required=False)


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["kind", "title_ru", "title_be", "title_en", "valid_months", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TrainingSessionForm(_SpanForm):
    training = forms.ModelChoiceField(label=_("Training"), queryset=Training.objects.all())
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.all())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100, initial=8)


class SeatForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Who takes the training"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class LabForm(TranslatedFormMixin, forms.ModelForm):
    translated_names = ("name", "description")

    class Meta:
        model = Lab
        fields = ["name_ru", "name_be", "name_en", "description_ru", "description_be", "description_en", "room",
                  "photo", "photo_alt", "staff"]  # fmt: skip
        widgets = {f"description_{code}": forms.Textarea(attrs={"rows": 5}) for code in ("ru", "be", "en")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The lab's staff, shown on its page: the centre's lab managers.
        field = self.fields["staff"]
        field.queryset = User.objects.filter(role_assignments__role="lab_manager", is_active=True).order_by(  # type: ignore[attr-defined]
            "last_name", "first_name"
        )
        field.label_from_instance = lambda user: user.get_full_name() or user.email  # type: ignore[attr-defined]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            return validate_image(photo)
        return photo


class HoursForm(forms.Form):
    """The weekly schedule as text, one line per span: «пн 9:00-20:00» is easier than 14 fields."""

    hours = forms.CharField(
        label=_("Opening hours"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One line per span: the day (1 = Monday … 7 = Sunday) and the hours, e.g. «1 09:00-20:00». "
                    "Two lines for a day with a break."),
    )  # fmt: skip

    def clean_hours(self) -> list[tuple[int, dt.time, dt.time]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["hours"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                day, span = line.split(None, 1)
                opens, closes = (dt.datetime.strptime(part.strip(), "%H:%M").time() for part in span.split("-", 1))
                weekday = int(day) - 1
                if not 0 <= weekday <= 6:
                    raise ValueError
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(number)s: write the day number and the hours, e.g. «1 09:00-20:00».") % {"number": number}
                ) from None
            rows.append((weekday, opens, closes))
        return rows

    @staticmethod
    def text_of(lab: Lab) -> str:
        return "\n".join(f"{row.weekday + 1} {row.opens:%H:%M}-{row.closes:%H:%M}" for row in lab.hours.all())


class ClosedDayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=_date_input(), validators=[validate_calendar_date]
    )
    opens = forms.TimeField(label=_("Opens"), required=False, input_formats=TIME_FORMATS, widget=_time_input(),
                            help_text=_("Empty: closed all day"))  # fmt: skip
    closes = forms.TimeField(label=_("Closes"), required=False, input_formats=TIME_FORMATS, widget=_time_input())
    reason_ru = forms.CharField(label=_("Reason"), max_length=200)
    all_labs = forms.BooleanField(label=_("For all labs (a public holiday)"), required=False)


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["lab", "kind", "name", "inventory_number", "units", "min_age", "requires_authorisation",
                  "description"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
