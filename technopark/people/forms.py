"""Forms of the people pages: the registry, class lists, guardians, claim codes, consents and their texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.bounds import MAX_SEARCH_LENGTH
from technopark.core.files import validate_document
from technopark.core.forms import PhoneField, TranslatedFormMixin
from technopark.core.i18n import CONTENT_LANGUAGES
from technopark.network.models import Institution
from technopark.people.models import (
    EARLIEST_BIRTH_DATE,
    Affiliation,
    ClaimCode,
    ConsentPurpose,
    ConsentText,
    Person,
    validate_birth_date,
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


# --- Consent texts ------------------------------------------------------------------------------------


class ConsentTextForm(TranslatedFormMixin, forms.ModelForm):
    """A version of a consent text in three languages; Russian is required."""

    translated_names = ("title", "body")

    class Meta:
        model = ConsentText
        fields = ["purpose", "title_ru", "body_ru", "title_be", "body_be", "title_en", "body_en"]
        widgets = {f"body_{code}": forms.Textarea(attrs={"rows": 12}) for code in CONTENT_LANGUAGES}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The purpose of a version never changes.
            del self.fields["purpose"]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}
