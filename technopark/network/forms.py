from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.accounts.models import EARLIEST_BIRTH_DATE, ClaimCode, ConsentPurpose, Person, validate_birth_date
from technopark.core.bounds import MAX_SEARCH_LENGTH, validate_calendar_date
from technopark.core.files import validate_document
from technopark.core.forms import PhoneField
from technopark.network.models import Affiliation, Agreement, Contact, District, Institution

SORTS = [
    ("name", _("Name of the institution")),
    ("district", _("District")),
    ("kind", _("Kind")),
    ("-created", _("Newest first")),
]


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH, help_text=_("Part of the full or short name")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Institution.Kind.choices])
    district = forms.ModelChoiceField(
        label=_("District or region"), required=False, queryset=District.objects.all(), empty_label=_("Anywhere")
    )
    cluster_role = forms.ChoiceField(
        label=_("Role in the cluster"), required=False, choices=[("", _("Any role")), *Institution.ClusterRole.choices]
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: value for key, value in data.items() if value not in (None, "")}


class InstitutionForm(forms.ModelForm):
    phone = PhoneField(label=_("Phone"), required=False)

    class Meta:
        model = Institution
        fields = [
            "full_name", "short_name", "kind", "cluster_role", "district", "country",
            "address", "website", "email", "phone",
        ]  # fmt: skip
        widgets = {"full_name": forms.Textarea(attrs={"rows": 2})}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContactForm(forms.ModelForm):
    phone = PhoneField(label=_("Phone"), required=False)

    class Meta:
        model = Contact
        fields = ["full_name", "position", "phone", "email"]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgreementForm(forms.ModelForm):
    resources = forms.MultipleChoiceField(
        label=_("What the partner offers"),
        required=False,
        choices=Agreement.Resource.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    scan = forms.FileField(
        label=_("Signed scan"),
        required=False,
        help_text=_("PDF or an image, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Agreement
        fields = ["number", "signed_on", "valid_from", "valid_until", "subject", "resources"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "subject": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("signed_on", "valid_from", "valid_until"):
            self.fields[name].validators.append(validate_calendar_date)

    def clean_scan(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("scan")
        return validate_document(upload) if isinstance(upload, UploadedFile) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data

    def service_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("scan"):
            fields["scan"] = self.cleaned_data["scan"]
        return fields


class CoordinatorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered user"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of institutions (XLSX or CSV)"),
        help_text=_("At most 5 MB; the columns of the template."),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: at most %(limit)s MB.") % {"limit": 5})
        return upload


class AgreementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Agreement.Status.choices]
    )


# --- People -------------------------------------------------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
GRADES = [(grade, str(grade)) for grade in range(1, 12)]


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def birth_date_field(*, required: bool = False) -> forms.DateField:
    """A date of birth: from 1900 to today, as the services check it too."""
    field = date_field(_("Date of birth"), required=required)
    field.validators.append(validate_birth_date)
    min_date = EARLIEST_BIRTH_DATE.isoformat()
    field.widget.attrs.update({"min": min_date})
    return field


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Surname or its beginning, then the name"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), required=False, queryset=Institution.objects.none(), empty_label=_("Any institution")
    )
    kind = forms.ChoiceField(label=_("Who"), required=False, choices=[("", _("Everyone")), *Affiliation.Kind.choices])
    grade = forms.TypedChoiceField(
        label=_("Grade"), required=False, coerce=int, empty_value=None, choices=[("", _("Any grade")), *GRADES]
    )

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: value for key, value in data.items() if value not in (None, "")}


class PersonForm(forms.Form):
    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("Name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    birth_date = birth_date_field()
    grade = forms.TypedChoiceField(
        label=_("Grade"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *GRADES]
    )
    qualification_category = forms.ChoiceField(
        label=_("Qualification category"), required=False, choices=[("", "—"), *Person.Category.choices],
        help_text=_("For teachers"),
    )  # fmt: skip
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)

    def __init__(self, *args: Any, birth_date_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if birth_date_locked:
            # The person's own record with a confirmed date (DOMAIN.md rule 10): shown, not editable; a
            # changed value posted anyway is refused by the service with the same advice.
            self.fields["birth_date"].widget.attrs["readonly"] = True
            self.fields["birth_date"].help_text = _(
                "Confirmed by your teacher, your guardian or the centre. If it is wrong, ask them to correct it."
            )

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class StudentForm(PersonForm):
    """A new student of an institution: the date of birth is required (the consent rule needs the age)."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    field_order = ["institution", "last_name", "first_name", "patronymic", "birth_date", "grade", "email", "phone"]

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["qualification_category"]
        self.fields["birth_date"].required = True
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        if institutions.count() == 1:
            self.fields["institution"].initial = institutions.first()

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields.pop("institution", None)
        return fields


class ClassListForm(forms.Form):
    """The head of a class list: where and which grade; the rows follow as `ClassRowFormSet`."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, choices=[("", "—"), *GRADES])

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        if institutions.count() == 1:
            self.fields["institution"].initial = institutions.first()


class ClassRowForm(forms.Form):
    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    birth_date = birth_date_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = (self.prefix or "").rsplit("-", 1)[-1]
        for field in self.fields.values():
            # Each cell of the table names its column and row for screen readers.
            field.widget.attrs["aria-label"] = _("%(column)s, row %(row)s") % {
                "column": field.label,
                "row": int(number) + 1 if number.isdigit() else "",
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank(data):
            for name in ("last_name", "first_name", "birth_date"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data

    @staticmethod
    def is_blank(data: dict[str, Any]) -> bool:
        return not any(data.get(name) for name in ("last_name", "first_name", "patronymic", "birth_date"))


ClassRowFormSet = forms.formset_factory(ClassRowForm, extra=35, max_num=60, absolute_max=60)


class AffiliationForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    kind = forms.ChoiceField(label=_("As"), choices=Affiliation.Kind.choices)
    position = forms.CharField(
        label=pgettext_lazy("job", "Position"), max_length=200, required=False, help_text=_("For teachers")
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class GuardianForm(forms.Form):
    """A guardian without a login: who they are and how to reach them."""

    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("Name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ClaimCodeForm(forms.Form):
    claimant = forms.ChoiceField(label=_("Who will use the code"), choices=ClaimCode.Claimant.choices)


class ClaimForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("As the teacher wrote it, for example K7QF-M2XP-9TAB; letter case does not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class PaperConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    giver = forms.TypedChoiceField(label=_("Signed by"), coerce=int, choices=[])
    given_on = date_field(_("Signed on"))
    scan = forms.FileField(
        label=_("Signed scan"),
        help_text=_("PDF or an image, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, givers: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["giver"].choices = [(p.pk, p.full_name) for p in givers]  # type: ignore[attr-defined]

    def clean_scan(self) -> UploadedFile:
        return validate_document(self.cleaned_data["scan"])
