#!/usr/bin/env python3
"""A burst of bookings for overlapping slots of ten machines (bench/README.md, issue 5's target).

    python bench/book_burst.py [--database-url URL] [--requests 500] [--concurrency 20] [--machines 10]
                               [--slots 3] [--workers 4] [--scale small|city] [--label WORD]

It prepares the database like `bench/load.py` (migrate, generated data with a year of bookings), then adds
``--machines`` fresh machines to the FabLab (inventory numbers ``SCALE-BURST-…``, removed with the generated
data) and sends ``--requests`` `POST /api/v1/bookings` as a lab manager with an API token, ``--concurrency``
at a time: each for one of the machines, at one of three slots of a day a fortnight ahead that overlap
each other (10:00–12:00, 11:00–13:00, 12:00–14:00). At most two of them fit a machine (10–12 and 12–14), so
most requests are refused with 409 ``overlap``. It reports requests per second, the answers by status, and
what the database holds afterwards: zero overlapping holds of a unit, zero 5xx — rule 2 of DOMAIN.md
under load.

``--slots 1 --machines 500`` spreads the burst instead: every request books a machine of its own at
10:00–12:00, so every one is confirmed and no two of them compete for a machine (issue 13: bookings of
different machines must not queue behind each other).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bursts import Burst, arguments, errors_5xx, run  # the shared harness

PREPARE_SCRIPT = """
import datetime as dt
from django.utils import timezone
from technopark.accounts.models import User
from technopark.accounts.services import issue_api_token
from technopark.labs.models import Equipment, Lab
manager = User.objects.filter(email__endswith="@scale.test", role_assignments__role="lab_manager",
                              is_active=True).first()
lab = Lab.objects.get(code="fablab")
tag = timezone.now().strftime("%H%M%S")
machines = Equipment.objects.bulk_create(
    Equipment(lab=lab, kind="printer_3d", name=f"Нагрузочный принтер {i}", inventory_number=f"SCALE-BURST-{tag}-{i}")
    for i in range(MACHINES))
day = timezone.localdate() + dt.timedelta(days=14)
while day.weekday() > 4:
    day += dt.timedelta(days=1)
_token, raw = issue_api_token(manager, name="book-burst", actor=None, second_factor=True)
print("token", raw)
print("machines", ",".join(str(m.pk) for m in machines))
print("day", day.isoformat())
"""

COUNT_SCRIPT = """
import json
from django.db import connection
from technopark.labs.models import Booking
ids = [IDS]
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT count(*) FROM labs_bookingunit a JOIN labs_bookingunit b ON a.equipment_id = b.equipment_id"
        " AND a.unit = b.unit AND a.id < b.id AND a.active AND b.active"
        " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
        " WHERE a.equipment_id IN (" + ",".join(map(str, ids)) + ")")
    overlaps = cursor.fetchone()[0]
print(json.dumps({"confirmed": Booking.objects.filter(equipment_id__in=ids, status="confirmed").count(),
                  "overlapping_holds": overlaps}))
"""

SLOTS = [(10, 12), (11, 13), (12, 14)]


def _bodies(prepared: dict[str, str], args: argparse.Namespace) -> list[dict[str, Any]]:
    day = dt.date.fromisoformat(prepared["day"])
    machines = [int(pk) for pk in prepared["machines"].split(",")]
    bodies = []
    for index in range(args.requests):
        slots = SLOTS[: args.slots]
        start, end = slots[index % len(slots)]
        bodies.append({
            "equipment": machines[(index // len(slots)) % len(machines)], "purpose": "lesson",
            "starts_at": f"{day.isoformat()}T{start:02d}:00:00+03:00",
            "ends_at": f"{day.isoformat()}T{end:02d}:00:00+03:00",
        })  # fmt: skip
    return bodies


def _passed(result: dict[str, Any], counted: dict[str, Any], args: argparse.Namespace) -> bool:
    return (
        counted["overlapping_holds"] == 0
        and errors_5xx(result) == 0
        and result["requests_per_second"] >= 100
        and result["statuses"].get("201", 0) == counted["confirmed"]
        and counted["confirmed"] <= 2 * args.machines
    )


def main() -> int:
    args = arguments(__doc__ or "", machines=10, slots=3).parse_args()
    if not 1 <= args.slots <= len(SLOTS):
        sys.exit(f"--slots must be 1 to {len(SLOTS)}")
    burst = Burst(
        name="book-burst",
        target="≥ 100 requests/s, zero overlapping holds, zero 5xx",
        prepare_script=PREPARE_SCRIPT.replace("MACHINES", str(args.machines)),
        path=lambda prepared: "/api/v1/bookings",
        bodies=_bodies,
        count_script=lambda prepared: COUNT_SCRIPT.replace("IDS", prepared["machines"]),
        counted_as="bookings_in_database",
        passed=_passed,
        config=("machines", "slots"),
    )
    return run(burst, args)


if __name__ == "__main__":
    sys.exit(main())
