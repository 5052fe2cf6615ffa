from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from technopark.events import services
from technopark.events.models import Event


def at(days: int, hour: int = 10) -> dt.datetime:
    """A moment ``days`` from today at ``hour`` o'clock in Minsk."""
    return services.localise(timezone.localdate() + dt.timedelta(days=days), dt.time(hour))


@pytest.fixture
def methodologist(make_user: Any) -> Any:
    return make_user("events.m@example.test", "methodologist")


@pytest.fixture
def make_event(db: Any, methodologist: Any) -> Any:
    def _make(
        title: str = "Городской конкурс «Юный инженер»",
        *,
        days: int = 5,
        status: str = "published",
        sessions: int = 1,
        **values: Any,
    ) -> Event:
        fields = {
            "title_ru": title, "kind": "contest", "audience": "students", "level": "city", "format": "in_person",
            "directions": ["engineering"], "venue_kind": "lab", "venue_lab": "fablab",
        }  # fmt: skip
        fields.update(values)
        event = services.create_event(actor=methodologist, **fields)
        if sessions:
            services.set_sessions(
                event,
                [{"starts_at": at(days + i), "ends_at": at(days + i, 14)} for i in range(sessions)],
                actor=methodologist,
            )
        path = ["published", "registration_open", "registration_closed", "held", "results_published", "archived"]
        for step in path[: path.index(status) + 1] if status != "draft" else []:
            services.change_status(event, step, actor=methodologist)
        event.refresh_from_db()
        return event

    return _make
