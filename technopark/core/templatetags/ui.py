"""Template helpers of the design system, loaded in every template (settings ``builtins``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from technopark.core import chrome
from technopark.core.forms import kept_field_groups
from technopark.core.i18n import translated

register = template.Library()


@register.filter
def tr(obj: Any, name: str) -> str:
    """``{{ news|tr:"title" }}``: the field in the reader's language, falling back to Russian."""
    return translated(obj, name)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, Any]]:
    """The current page in every interface language, for the language switch."""
    request = context.get("request")
    return chrome.language_links(request.get_full_path() if request is not None else "/")


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    """base.html's header, kept rendered per language, role set and menu section (`core.chrome`)."""
    return chrome.header(context)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    """base.html's footer, kept rendered per language (`core.chrome`)."""
    return chrome.footer(context)


@register.simple_tag
def field_groups(form: Any, *names: str) -> SafeString:
    """``{% field_groups form "day" "start" %}``: the fields' groups, kept rendered while the form is empty
    (`core.forms.kept_field_groups`); fields the form does not have are skipped."""
    return kept_field_groups(form, *names)


@register.inclusion_tag("core/components/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Any) -> dict[str, Any]:
    return {"page_obj": page_obj, "request": context.get("request")}
