"""Template tags of the labs' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def week_calendar(
    context: template.Context, days: Any, *, show_equipment: bool = False, level: str = "3"
) -> SafeString:
    """``labs/_week.html`` for ``days``; a kept week (`selectors.Week`, per lab or machine, week and language,
    in the cache) keeps its HTML too, so it is rendered once per change rather than once per request."""
    monday, previous_week, next_week = context.get("monday"), context.get("previous_week"), context.get("next_week")
    key = (get_language(), show_equipment, level, monday, previous_week, next_week)
    kept: dict[tuple[Any, ...], str] | None = getattr(days, "html", None)
    if kept is not None and key in kept:
        return mark_safe(kept[key])
    html = get_template("labs/_week.html").render(
        {
            "days": days,
            "monday": monday,
            "previous_week": previous_week,
            "next_week": next_week,
            "show_equipment": show_equipment,
            "level": level,
        }
    )
    if kept is not None:
        kept[key] = html
        days.keep_again()
    return mark_safe(html)
