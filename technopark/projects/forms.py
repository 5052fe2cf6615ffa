from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from technopark.core.bounds import MAX_SEARCH_LENGTH, validate_calendar_date
from technopark.core.forms import LongSelect
from technopark.core.models import Direction
from technopark.labs.models import Booking, Equipment, Lab
from technopark.network.models import Institution
from technopark.people.models import Person
from technopark.projects.models import Project
from technopark.projects.services import MAX_IMAGES_PER_STEP

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
IMAGE_SLOTS = 3
assert IMAGE_SLOTS <= MAX_IMAGES_PER_STEP


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.grade:
            return str(_("%(name)s, grade %(grade)s") % {"name": obj.full_name, "grade": obj.grade})
        return str(obj.full_name)


class EquipmentField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.lab.name}, {obj.inventory_number})"


class BookingField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = formats.date_format(obj.starts_at, "d.m.Y H:i")
        what = obj.equipment.name if obj.equipment else obj.lab.name
        return f"{when}, {what} ({obj.person.full_name if obj.person else ''})"


_SEVERAL = _("Hold Ctrl (⌘ on a Mac) to choose several.")


class ProjectForm(forms.ModelForm):
    """The passport's fields. The people lists are those the user may name (`projects.access`)."""

    team = PeopleField(
        label=_("Team"), queryset=Person.objects.none(), required=False, help_text=_SEVERAL,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    supervisors = PeopleField(
        label=_("Supervising teachers"), queryset=Person.objects.none(), required=False,
        help_text=_("A supervising teacher publishes the passport."), widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    equipment = EquipmentField(
        label=_("Equipment used"), queryset=Equipment.objects.none(), required=False, help_text=_SEVERAL,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    bookings = BookingField(
        label=_("Bookings used"), queryset=Booking.objects.none(), required=False,
        help_text=_("The team's bookings of the labs' machines for this project."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip

    class Meta:
        model = Project
        fields = ["title", "direction", "stage", "summary", "started_on", "lab", "institution", "licence"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "started_on": _date_input(),
            "institution": LongSelect,
        }

    def __init__(self, *args: Any, team: Any, supervisors: Any, bookings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].input_formats = DATE_FORMATS  # type: ignore[attr-defined]
        self.fields["team"].queryset = team  # type: ignore[attr-defined]
        self.fields["supervisors"].queryset = supervisors  # type: ignore[attr-defined]
        self.fields["bookings"].queryset = bookings  # type: ignore[attr-defined]
        self.fields["equipment"].queryset = Equipment.objects.select_related("lab").order_by(  # type: ignore[attr-defined]
            "lab__position", "kind", "name"
        )
        self.fields["institution"].queryset = Institution.objects.filter(is_active=True).order_by("short_name")  # type: ignore[attr-defined]
        if not self.instance.pk:
            del self.fields["bookings"]  # a new project's team has no bookings to name yet
        else:
            for name in ("team", "supervisors", "equipment", "bookings"):
                self.initial.setdefault(name, list(getattr(self.instance, name).values_list("pk", flat=True)))


class StepForm(forms.Form):
    """A journal step with up to IMAGE_SLOTS photos, each with what it shows and who can be recognised."""

    day = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=_date_input(), validators=[validate_calendar_date]
    )
    text = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, IMAGE_SLOTS + 1):
            self.fields[f"image_{number}"] = forms.ImageField(
                label=_("Image file"), required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )  # fmt: skip
            self.fields[f"alt_{number}"] = forms.CharField(
                label=_("What the photo shows"), max_length=300, required=False
            )
            self.fields[f"people_{number}"] = PeopleField(
                label=_("Who can be recognised on it"), queryset=team,
                required=False, widget=forms.CheckboxSelectMultiple,
                help_text=_("Public pages show the photo only if each of them has a consent to publication."),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, IMAGE_SLOTS + 1):
            if data.get(f"image_{number}") and not (data.get(f"alt_{number}") or "").strip():
                self.add_error(f"alt_{number}", _("Say what the photo shows (for people who cannot see it)."))
        return data

    def images(self) -> list[tuple[Any, str, list[Person]]]:
        data = self.cleaned_data
        return [
            (data[f"image_{n}"], data[f"alt_{n}"], list(data[f"people_{n}"]))
            for n in range(1, IMAGE_SLOTS + 1)
            if data.get(f"image_{n}")
        ]

    def slots(self) -> list[list[Any]]:
        return [[self[f"image_{n}"], self[f"alt_{n}"], self[f"people_{n}"]] for n in range(1, IMAGE_SLOTS + 1)]


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("3D models (STL, OBJ, 3MF), drawings (STEP, DXF, SVG), code, ZIP archives, documents; "
                    "anyone can download the files of a published project."),
    )  # fmt: skip
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class EntryForm(forms.Form):
    contest = forms.CharField(label=_("Contest"), max_length=300)
    day = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=_date_input(), validators=[validate_calendar_date]
    )
    award = forms.CharField(label=_("Award"), max_length=200, required=False)


class GalleryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH)
    direction = forms.ChoiceField(label=_("Direction"), required=False)
    lab = forms.ChoiceField(label=_("Lab"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["direction"].choices = anything + list(Direction.choices)  # type: ignore[attr-defined]
        self.fields["lab"].choices = anything + [(lab.code, lab.name) for lab in Lab.objects.order_by("position")]  # type: ignore[attr-defined]
        self.fields["stage"].choices = anything + list(Project.Stage.choices)  # type: ignore[attr-defined]
        self.fields["year"].choices = anything + [(year, str(year)) for year in years]  # type: ignore[attr-defined]


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)
