"""Template helpers of the design system, loaded in every template (settings ``builtins``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

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
    path = request.get_full_path() if request is not None else "/"
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"].capitalize(),
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.inclusion_tag("core/components/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Any) -> dict[str, Any]:
    return {"page_obj": page_obj, "request": context.get("request")}
