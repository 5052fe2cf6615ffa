from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.forms.widgets import Widget
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from technopark.core.errors import DomainError
from technopark.core.i18n import CONTENT_LANGUAGES


class DescribedBoundField(BoundField):
    """A bound field whose input names its error list in ``aria-describedby``.

    Screen readers then read the error together with the field, not only the red text under it.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = attrs.get("aria-describedby", "")
            error_id = f"{self.auto_id}_errors"
            attrs["aria-describedby"] = f"{described} {error_id}".strip()
            attrs["aria-invalid"] = "true"
        return attrs


class FormRenderer(TemplatesSetting):
    """Every form and field on the site renders through the design system's templates.

    Labels, help texts and errors are tied to their inputs; errors sit right under the field they
    belong to, and the values typed stay in the form.
    """

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DescribedBoundField


class PhoneField(forms.CharField):
    """A phone number as people write it, stored as ``+375 XX XXX-XX-XX`` (`core.text.normalize_phone`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "placeholder": "+375 29 123-45-67"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        from technopark.core.text import normalize_phone

        return normalize_phone(super().clean(value) or "")


LANGUAGE_LABELS = {"ru": _("Russian"), "be": _("Belarusian"), "en": _("English")}


class LongSelect(forms.Select):
    """A select of many options (a school's students) rendered in Python: through the option templates
    each costs ~0.3 ms, and a list of 600 people took 170 ms of a page."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(item) for item in values if item not in (None, "")}
        options = []
        for option_value, label in self.choices:
            raw = str(getattr(option_value, "value", option_value))
            selected = " selected" if raw in chosen else ""
            options.append(f'<option value="{escape(raw)}"{selected}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(options)}</select>")


class TranslatedFormMixin:
    """Groups the ``<name>_<lang>`` fields of a form by language for the template."""

    translated_names: tuple[str, ...] = ()

    def language_groups(self) -> list[dict[str, Any]]:
        """One group per language; a group starts open when it is Russian, filled in, or has errors."""
        groups = []
        for code in CONTENT_LANGUAGES:
            fields = [self[f"{name}_{code}"] for name in self.translated_names]  # type: ignore[index]
            is_open = code == "ru" or any(field.value() or field.errors for field in fields)
            groups.append({"code": code, "label": LANGUAGE_LABELS[code], "fields": fields, "open": is_open})
        return groups


def show_service_error(form: forms.BaseForm, error: DomainError | ValidationError) -> None:
    """Show a service's refusal on the form: under the field it names when the form has that field,
    above the form otherwise (a rule about the whole operation, or a field this form does not show)."""
    if isinstance(error, ValidationError):
        form.add_error(None, error)
    elif error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


# --- Empty fields kept rendered -------------------------------------------------------------------

# Rendering a field through the design system's templates costs ~0.5 ms; a page that offers the same
# empty form on every request (the booking form of an equipment page) spent more on its fields than on
# everything else. An unbound field's HTML depends only on what `_field_fingerprint` lists, so each
# process keeps it under that. Bound forms (typed values, errors) are always rendered anew.
MAX_KEPT_FIELDS = 512
_kept_fields: dict[tuple[Any, ...], SafeString] = {}


def _field_fingerprint(form: forms.Form, name: str) -> tuple[Any, ...]:
    """Everything an unbound field's HTML depends on besides its form class and the language."""
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):
        # Its options come from the database: never kept.
        raise TypeError(f"{name}: a field with options from the database is rendered per request")
    options: Any = field.choices if isinstance(field, forms.ChoiceField) else ()
    choices = tuple(str(value) for value, _label in options)
    widget = field.widget
    return (
        name,
        str(field.label),
        str(field.help_text),
        repr(form.get_initial_for_field(field, name)),
        type(widget),
        repr(sorted(widget.attrs.items())),
        repr(sorted(field.widget_attrs(widget).items())),
        getattr(widget, "format", None),
        field.required,
        field.disabled,
        choices,
    )


def kept_field_groups(form: forms.Form, *names: str) -> SafeString:
    """``form[name].as_field_group()`` of each of ``names`` the form has, kept when the form is unbound."""
    present = [name for name in names if name in form.fields]
    if form.is_bound:
        return mark_safe("".join(form[name].as_field_group() for name in present))
    key = (
        type(form),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        get_language(),
        tuple(_field_fingerprint(form, name) for name in present),
    )
    html = _kept_fields.get(key)
    if html is None:
        html = mark_safe("".join(form[name].as_field_group() for name in present))
        if len(_kept_fields) >= MAX_KEPT_FIELDS:
            _kept_fields.clear()
        _kept_fields[key] = html
    return html


@receiver(setting_changed)
def clear_kept_fields(**kwargs: Any) -> None:
    """Forget the kept fields (tests that change templates or settings)."""
    _kept_fields.clear()
