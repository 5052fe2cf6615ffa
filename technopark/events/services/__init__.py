"""Every write to events: announcing (`announce.py`) and registering (`registrations.py`). Views, the API
and commands import from here: ``from technopark.events import services``."""

from technopark.events.services.announce import (
    EVENT_FIELDS,
    NOMINATION_FIELDS,
    PUBLIC_EVENTS,
    TRANSITIONS,
    EventError,
    add_document,
    change_status,
    create_event,
    delete_document,
    delete_nomination,
    localise,
    save_nomination,
    set_sessions,
    update_event,
)
from technopark.events.services.registrations import (
    RegistrationError,
    approve_registration,
    cancel_registration,
    free_places,
    places_held,
    promote_waitlist,
    register,
    reject_registration,
)

__all__ = [
    "EVENT_FIELDS",
    "NOMINATION_FIELDS",
    "PUBLIC_EVENTS",
    "TRANSITIONS",
    "EventError",
    "RegistrationError",
    "add_document",
    "approve_registration",
    "cancel_registration",
    "change_status",
    "create_event",
    "delete_document",
    "delete_nomination",
    "free_places",
    "localise",
    "places_held",
    "promote_waitlist",
    "register",
    "reject_registration",
    "save_nomination",
    "set_sessions",
    "update_event",
]
