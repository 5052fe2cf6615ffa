#!/usr/bin/env python3
"""A burst of bookings for overlapping slots of ten machines (bench/README.md, issue 5's target).

    python bench/book_burst.py [--database-url URL] [--requests 500] [--concurrency 20] [--machines 10]
                               [--workers 4] [--scale small|city]

It prepares the database like `bench/load.py` (migrate, generated data with a year of bookings), then adds
``--machines`` fresh machines to the FabLab (inventory numbers ``SCALE-BURST-…``, removed with the generated
data) and sends ``--requests`` `POST /api/v1/bookings` as a lab manager with an API token, ``--concurrency``
at a time: each for one of the machines, at one of three slots of a day a fortnight ahead that overlap
each other (10:00–12:00, 11:00–13:00, 12:00–14:00). At most two of them fit a machine (10–12 and 12–14), so
most requests are refused with 409 ``overlap``. It reports requests per second, the answers by status, and
what the database holds afterwards: zero overlapping holds of a unit, zero 5xx — rule 2 of DOMAIN.md
under load.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from burst import post_all, run_script  # the sibling script's helpers
from load import (
    DEFAULT_DATABASE_URL,
    PROJECT_DIR,
    RESULTS_DIR,
    database_kind,
    describe_machine,
    ensure_postgres_database,
    free_port,
    manage,
    stop,
    wait_until_serving,
)

PREPARE_SCRIPT = """
import datetime as dt
from django.utils import timezone
from technopark.accounts.models import User
from technopark.api.services import issue_api_token
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
_token, raw = issue_api_token(manager, name="book-burst", actor=None)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--machines", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    kind = database_kind(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix="technopark-book-burst-"))
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": args.database_url, "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "console:", "EMAIL_IN_BACKGROUND": "1",
    }  # fmt: skip
    server = None
    try:
        if not args.skip_prepare:
            if kind == "postgresql":
                ensure_postgres_database(args.database_url)
            elif args.database_url == DEFAULT_DATABASE_URL:
                (PROJECT_DIR / "var").mkdir(exist_ok=True)
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            manage(env, "createcachetable")
            manage(env, "generate_scale_data", "--scale", args.scale, "--if-missing")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        script = PREPARE_SCRIPT.replace("MACHINES", str(args.machines))
        prepared = dict(line.split(" ", 1) for line in run_script(env, script).splitlines() if " " in line)
        token, day = prepared["token"], dt.date.fromisoformat(prepared["day"])
        machines = [int(pk) for pk in prepared["machines"].split(",")]
        bodies = []
        for index in range(args.requests):
            start, end = SLOTS[index % len(SLOTS)]
            bodies.append({
                "equipment": machines[(index // len(SLOTS)) % len(machines)], "purpose": "lesson",
                "starts_at": f"{day.isoformat()}T{start:02d}:00:00+03:00",
                "ends_at": f"{day.isoformat()}T{end:02d}:00:00+03:00",
            })  # fmt: skip
        port = free_port()
        log = static_root / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(args.workers), "--log-level", "warning", "--error-logfile", "-"]  # fmt: skip
        with log.open("wb") as log_file:
            server = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=log_file, stderr=subprocess.STDOUT)
        wait_until_serving(port, server, log)
        result = asyncio.run(post_all(port, "/api/v1/bookings", token, bodies, args.concurrency))
        held = json.loads(
            run_script(env, COUNT_SCRIPT.replace("IDS", ",".join(map(str, machines)))).strip().splitlines()[-1]
        )
        errors_5xx = sum(n for status, n in result["statuses"].items() if status.startswith("5"))
        passed = (
            held["overlapping_holds"] == 0
            and errors_5xx == 0
            and result["requests_per_second"] >= 100
            and result["statuses"].get("201", 0) == held["confirmed"]
            and held["confirmed"] <= 2 * args.machines
        )
        report = {
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": describe_machine(env, kind),
            "config": {
                "database_kind": kind,
                "requests": args.requests,
                "concurrency": args.concurrency,
                "machines": args.machines,
                "workers": args.workers,
                "scale": args.scale,
            },
            "result": result,
            "bookings_in_database": held,
            "target": "≥ 100 requests/s, zero overlapping holds, zero 5xx",
            "passed": passed,
            "server_log_tail": log.read_text(errors="replace")[-2000:],
        }
        summary = {k: report[k] for k in ("config", "result", "bookings_in_database", "passed")}
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        if not args.no_save:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            out = RESULTS_DIR / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{kind}-book-burst.json"
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            print(f"Saved {out.relative_to(PROJECT_DIR)}")
        return 0 if passed else 1
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
