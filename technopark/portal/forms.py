from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from technopark.core.bounds import MAX_SEARCH_LENGTH
from technopark.core.files import validate_image
from technopark.core.forms import TranslatedFormMixin
from technopark.core.i18n import CONTENT_LANGUAGES
from technopark.portal.models import HomeBlock, News


class NewsForm(TranslatedFormMixin, forms.ModelForm):
    """News text in three languages; Russian is required, the others fall back to it."""

    translated_names = ("title", "lead", "body", "image_alt")

    image = forms.ImageField(
        label=_("Image file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)

    class Meta:
        model = News
        fields = [
            "title_ru", "lead_ru", "body_ru", "image_alt_ru",
            "title_be", "lead_be", "body_be", "image_alt_be",
            "title_en", "lead_en", "body_en", "image_alt_en",
        ]  # fmt: skip
        widgets = {
            **{f"lead_{code}": forms.Textarea(attrs={"rows": 3}) for code in CONTENT_LANGUAGES},
            **{f"body_{code}": forms.Textarea(attrs={"rows": 12}) for code in CONTENT_LANGUAGES},
        }

    def clean_image(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            return validate_image(upload)
        return None

    def service_fields(self) -> dict[str, Any]:
        """Values for `create_news` / `update_news`: the texts, plus the image to set or clear."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("image"):
            data["image"] = self.cleaned_data["image"]
        elif self.cleaned_data.get("remove_image"):
            data["image"] = False
        return data


class HomeBlockForm(TranslatedFormMixin, forms.ModelForm):
    translated_names = ("title", "text")

    class Meta:
        model = HomeBlock
        fields = [
            "kind", "position", "is_visible", "link",
            "title_ru", "text_ru", "title_be", "text_be", "title_en", "text_en",
        ]  # fmt: skip
        widgets = {f"text_{code}": forms.Textarea(attrs={"rows": 5}) for code in CONTENT_LANGUAGES}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewsStatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *News.Status.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH)
