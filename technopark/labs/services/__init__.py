"""Every write of the labs: setting them up (`setup.py`), bookings (`bookings.py`) and trainings with
authorisations (`trainings.py`).
Views, the API and commands import from here: ``from technopark.labs import services``."""

from technopark.labs.services.bookings import (
    HORIZON_DAYS,
    BookingError,
    SeriesConflict,
    SeriesError,
    block_for_maintenance,
    book,
    book_weekly,
    cancel_booking,
    check_rules,
    decide_booking,
    maintenance_conflicts,
    record_use,
    set_equipment_status,
)
from technopark.labs.services.setup import (
    SetupError,
    add_closed_day,
    delete_closed_day,
    save_equipment,
    set_opening_hours,
    update_lab,
)
from technopark.labs.services.trainings import (
    TrainingError,
    cancel_training_seat,
    grant_authorisation,
    mark_training,
    places_left,
    register_for_training,
    revoke_authorisation,
    schedule_training,
    send_expiry_reminders,
)

__all__ = [
    "HORIZON_DAYS",
    "BookingError",
    "SeriesConflict",
    "SeriesError",
    "SetupError",
    "TrainingError",
    "add_closed_day",
    "block_for_maintenance",
    "book",
    "book_weekly",
    "cancel_booking",
    "cancel_training_seat",
    "check_rules",
    "decide_booking",
    "delete_closed_day",
    "grant_authorisation",
    "maintenance_conflicts",
    "mark_training",
    "places_left",
    "record_use",
    "register_for_training",
    "revoke_authorisation",
    "save_equipment",
    "schedule_training",
    "send_expiry_reminders",
    "set_equipment_status",
    "set_opening_hours",
    "update_lab",
]
