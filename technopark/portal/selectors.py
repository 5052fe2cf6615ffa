"""Reads for the public pages."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from technopark.events.models import Event
from technopark.events.selectors import upcoming
from technopark.portal.models import HomeBlock, News

HOME_NEWS_COUNT = 3
HOME_EVENTS_COUNT = 4

# Columns a news list or card needs; the long texts stay in the database.
NEWS_CARD_FIELDS = [
    "id", "status", "published_at", "image",
    "title_ru", "title_be", "title_en", "lead_ru", "lead_be", "lead_en",
    "image_alt_ru", "image_alt_be", "image_alt_en",
]  # fmt: skip


def published_news() -> QuerySet[News]:
    return News.objects.filter(status=News.Status.PUBLISHED, published_at__lte=timezone.now()).order_by(
        "-published_at", "-id"
    )


def news_cards(news: QuerySet[News]) -> QuerySet[News]:
    return news.only(*NEWS_CARD_FIELDS)


def home_sections() -> dict[str, list[HomeBlock]]:
    """Visible home page blocks grouped by section, in one query."""
    sections: dict[str, list[HomeBlock]] = defaultdict(list)
    for block in HomeBlock.objects.filter(is_visible=True).order_by("kind", "position", "id"):
        sections[block.kind].append(block)
    return dict(sections)


def staff_news(news: QuerySet[News], *, status: str = "", q: str = "") -> QuerySet[News]:
    """News for the staff list: drafts first (they need work), then the most recently published."""
    if status:
        news = news.filter(status=status)
    if q := q.strip():
        news = news.filter(Q(title_ru__icontains=q) | Q(title_be__icontains=q) | Q(title_en__icontains=q))
    return (
        news.select_related("author")
        .order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
        .only(
            "id", "title_ru", "title_be", "title_en", "status", "published_at", "created_at",
            "author__email", "author__last_name", "author__first_name", "author__patronymic",
        )
    )  # fmt: skip


def home_blocks_by_section() -> list[dict[str, object]]:
    """Every home page block, hidden ones too, grouped by section in the sections' order."""
    blocks = list(HomeBlock.objects.order_by("kind", "position", "id"))
    return [
        {"kind": kind, "label": label, "blocks": [block for block in blocks if block.kind == kind]}
        for kind, label in HomeBlock.Kind.choices
    ]


def home_events() -> dict[str, list[Event]]:
    """What the home page offers before the news: the next announced events, and those one can register for
    now, soonest deadline first (an open registration without a deadline last)."""
    announced = Event.objects.exclude(status__in=(Event.Status.DRAFT, Event.Status.ARCHIVED))
    coming = upcoming(announced).order_by("starts_at", "id")[:HOME_EVENTS_COUNT]
    open_now = (
        announced.filter(status=Event.Status.REGISTRATION_OPEN)
        .filter(Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=timezone.now()))
        .order_by(F("registration_closes_at").asc(nulls_last=True), "starts_at", "id")[:HOME_EVENTS_COUNT]
    )
    return {"upcoming_events": list(coming), "open_registrations": list(open_now)}
