"""iCalendar (RFC 5545) for the calendar feeds: one VEVENT per session, in the Minsk time zone.

Each session keeps the same UID across downloads (event and session ids), so a calendar program that
subscribes updates its entries instead of doubling them. The time zone is written out as a VTIMEZONE,
which Outlook and older programs need to show local times right. Online links are never in the feed:
they are for confirmed participants only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from technopark.events.models import Event

PRODUCT_ID = "-//Technoproryv//Events//RU"


def feed(events: Iterable[Event], *, name: Any, base_url: str) -> bytes:
    """The calendar of ``events`` (with their sessions prefetched)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", str(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = base_url.split("//", 1)[-1].strip("/") or "technopark"
    for event in events:
        url = urljoin(base_url, reverse("events:event-detail", kwargs={"event_id": event.pk}))
        for session in event.sessions.all():
            entry = VEvent()
            entry.add("uid", f"event-{event.pk}-session-{session.pk}@{host}")
            entry.add("dtstamp", event.updated_at or timezone.now())
            entry.add("dtstart", session.starts_at.astimezone(zone))
            entry.add("dtend", session.ends_at.astimezone(zone))
            entry.add("summary", f"{event.title}: {session.title}" if session.title else event.title)
            if location := event.venue_label():
                entry.add("location", location)
            entry.add("description", "\n\n".join(part for part in (event.summary, url) if part))
            entry.add("url", url)
            entry.add("status", "CONFIRMED")
            calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
