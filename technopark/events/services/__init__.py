"""Every write to events: announcing (`announce.py`), the registration form's questions (`questions.py`),
registering (`registrations.py`), the day of the event and its results (`attendance.py`), the e-mails
(`mail.py`) and issuing documents (`certificates.py`). Views, the API and commands import from here:
``from technopark.events import services``."""

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
from technopark.events.services.attendance import (
    check_in,
    current_session,
    send_reminders,
    set_results,
    undo_check_in,
)
from technopark.events.services.certificates import (
    CertificateError,
    issue_certificates,
    revoke_certificate,
)
from technopark.events.services.questions import (
    AnswerError,
    QuestionError,
    delete_question,
    save_question,
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
    "AnswerError",
    "CertificateError",
    "EventError",
    "QuestionError",
    "RegistrationError",
    "add_document",
    "approve_registration",
    "cancel_registration",
    "change_status",
    "check_in",
    "create_event",
    "current_session",
    "delete_document",
    "delete_nomination",
    "delete_question",
    "free_places",
    "issue_certificates",
    "localise",
    "places_held",
    "promote_waitlist",
    "register",
    "reject_registration",
    "revoke_certificate",
    "save_nomination",
    "save_question",
    "send_reminders",
    "set_results",
    "set_sessions",
    "undo_check_in",
    "update_event",
]
