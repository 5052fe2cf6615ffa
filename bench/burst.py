#!/usr/bin/env python3
"""A burst of registrations for the last places of one event (bench/README.md, issue 4's target).

    python bench/burst.py [--database-url URL] [--requests 500] [--concurrency 20] [--places 100]
                          [--workers 4] [--scale small|city]

It prepares the database like `bench/load.py` (migrate, generated data), then creates a fresh event with
``--places`` places, open for registration, and ``--requests`` adult participants (so no consent is
needed; @scale.test, removed with the generated data). It starts gunicorn with production settings and
sends one `POST /api/v1/events/{id}/registrations` per participant, ``--concurrency`` at a time over
keep-alive connections, as a methodologist with an API token. It reports registrations per second,
the answers by status, and what the database holds afterwards: exactly ``--places`` confirmed, the
rest on the waiting list, zero 5xx — rule 1 of DOMAIN.md under load.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bursts import Burst, arguments, errors_5xx, run  # the shared harness

PREPARE_SCRIPT = """
import datetime as dt
from django.utils import timezone
from technopark.people.models import Person
from technopark.accounts.models import User
from technopark.accounts.services import issue_api_token
from technopark.core.text import search_key
from technopark.events import services
staff = User.objects.filter(email__endswith="@scale.test", role_assignments__role="methodologist",
                            is_active=True).first()
event = services.create_event(actor=staff, title_ru="Нагрузочный тест: последние места", kind="contest",
    audience="students", level="city", format="in_person", venue_kind="lab", venue_lab="fablab",
    capacity=PLACES)
day = timezone.localdate() + dt.timedelta(days=30)
services.set_sessions(event, [{"starts_at": services.localise(day, dt.time(10)),
                               "ends_at": services.localise(day, dt.time(14))}], actor=staff)
services.change_status(event, "published", actor=staff)
services.change_status(event, "registration_open", actor=staff)
born = timezone.localdate() - dt.timedelta(days=17 * 366)
tag = str(event.pk)
people = Person.objects.bulk_create(
    Person(last_name=f"Нагрузка{tag}-{i}", first_name="Участник", birth_date=born, grade=11,
           email=f"burst.{tag}.{i}@scale.test", search_text=search_key(f"Нагрузка{tag}-{i}", "Участник"))
    for i in range(REQUESTS))
_token, raw = issue_api_token(staff, name="burst", actor=None, second_factor=True)
print("event", event.pk)
print("token", raw)
print("people", ",".join(str(p.pk) for p in people))
"""

COUNT_SCRIPT = """
import json
from django.db.models import Count
from technopark.events.models import Registration
print(json.dumps(dict(Registration.objects.filter(event_id=EVENT).values_list("status").annotate(n=Count("id")))))
"""


def _passed(result: dict[str, Any], counted: dict[str, Any], args: argparse.Namespace) -> bool:
    return (
        counted.get("confirmed", 0) == args.places
        and errors_5xx(result) == 0
        and result["requests_per_second"] >= 100
        and result["statuses"].get("201", 0) == args.requests
    )


def main() -> int:
    args = arguments(__doc__ or "", places=100).parse_args()
    burst = Burst(
        name="burst",
        target="≥ 100 registrations/s, exactly the places confirmed, zero 5xx",
        prepare_script=PREPARE_SCRIPT.replace("PLACES", str(args.places)).replace("REQUESTS", str(args.requests)),
        path=lambda prepared: f"/api/v1/events/{prepared['event']}/registrations",
        bodies=lambda prepared, args: [{"person": int(pk)} for pk in prepared["people"].split(",")],
        count_script=lambda prepared: COUNT_SCRIPT.replace("EVENT", prepared["event"]),
        counted_as="registrations_in_database",
        passed=_passed,
        config=("places",),
    )
    return run(burst, args)


if __name__ == "__main__":
    sys.exit(main())
