"""Who may see and change events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from technopark.accounts.access import may_act_as
from technopark.accounts.roles import Role
from technopark.core.access import get_visible_or_404
from technopark.events.models import Event, EventDocument

# Centre staff who run events (DOMAIN.md: methodologist — events, results, certificates).
EVENT_MANAGERS = (Role.METHODOLOGIST,)


def may_manage_events(user: Any) -> bool:
    return may_act_as(user, *EVENT_MANAGERS)


def visible_events(user: Any) -> QuerySet[Event]:
    """Everyone sees announced events (anything past the draft); event managers see drafts too."""
    if may_manage_events(user):
        return Event.objects.all()
    return Event.objects.exclude(status=Event.Status.DRAFT)


def access_event(user: Any, event_id: int, *, for_write: bool = False) -> Event:
    """The event if ``user`` may see it (and change it, ``for_write``); a draft is 404 to others (audited)."""
    if for_write and not may_manage_events(user):
        raise PermissionDenied
    return get_visible_or_404(visible_events(user), user=user, pk=event_id)


def access_document(user: Any, document_id: int) -> EventDocument:
    """A document of an event ``user`` sees (regulations are public once the event is announced)."""
    visible = EventDocument.objects.filter(event__in=visible_events(user)).select_related("event")
    return get_visible_or_404(visible, user=user, pk=document_id)


def may_see_online_link(user: Any, event: Event) -> bool:
    """The online link is for confirmed participants (registration adds them) and event managers."""
    return may_manage_events(user)
