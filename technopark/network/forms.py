from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from technopark.core.bounds import MAX_SEARCH_LENGTH, validate_calendar_date
from technopark.core.files import validate_document
from technopark.core.forms import PhoneField
from technopark.network.models import Agreement, Contact, District, Institution

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
