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
import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # the sibling script's helpers
    DEFAULT_DATABASE_URL,
    PROJECT_DIR,
    RESULTS_DIR,
    database_kind,
    describe_machine,
    ensure_postgres_database,
    free_port,
    manage,
    percentile,
    stop,
    wait_until_serving,
)

PREPARE_SCRIPT = """
import datetime as dt
from django.utils import timezone
from technopark.accounts.models import Person, User
from technopark.api.services import issue_api_token
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
_token, raw = issue_api_token(staff, name="burst", actor=None)
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


def run_script(env: dict[str, str], script: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=env, check=True, cwd=PROJECT_DIR,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


async def burst(port: int, event_id: int, token: str, people: list[int], concurrency: int) -> dict[str, Any]:
    """Send one registration per person, ``concurrency`` keep-alive connections at a time."""
    bodies = [{"person": person} for person in people]
    return await post_all(port, f"/api/v1/events/{event_id}/registrations", token, bodies, concurrency)


async def post_all(port: int, path: str, token: str, bodies: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    """POST each of ``bodies`` as JSON to ``path``, ``concurrency`` keep-alive connections at a time; the
    answers by status, requests per second and latency percentiles."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    statuses: dict[str, int] = {}
    latencies: list[float] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not queue.empty():
            body = json.dumps(queue.get_nowait()).encode()
            request = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status_line = await reader.readline()
                if not status_line:  # the server closed the connection (gunicorn sync workers may)
                    raise ConnectionResetError
                length, close = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _sep, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value.strip())
                    if name.lower() == "connection" and value.strip().lower() == "close":
                        close = True
                await reader.readexactly(length)
                status = status_line.split()[1].decode()
            except (ConnectionError, asyncio.IncompleteReadError):
                status, close = "connection error", True
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "seconds": round(seconds, 3),
        "requests_per_second": round(len(bodies) / seconds, 1),
        "statuses": statuses,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    kind = database_kind(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix="technopark-burst-static-"))
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": args.database_url, "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(static_root),
        # E-mails of the confirmations go to the console backend's null: the burst measures registering.
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
        script = PREPARE_SCRIPT.replace("PLACES", str(args.places)).replace("REQUESTS", str(args.requests))
        prepared = dict(line.split(" ", 1) for line in run_script(env, script).splitlines() if " " in line)
        event_id, token = int(prepared["event"]), prepared["token"]
        people = [int(pk) for pk in prepared["people"].split(",")]
        port = free_port()
        log = static_root / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(args.workers), "--log-level", "warning", "--error-logfile", "-"]  # fmt: skip
        with log.open("wb") as log_file:
            server = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=log_file, stderr=subprocess.STDOUT)
        wait_until_serving(port, server, log)
        result = asyncio.run(burst(port, event_id, token, people, args.concurrency))
        held = json.loads(run_script(env, COUNT_SCRIPT.replace("EVENT", str(event_id))).strip().splitlines()[-1])
        errors_5xx = sum(n for status, n in result["statuses"].items() if status.startswith("5"))
        passed = (
            held.get("confirmed", 0) == args.places
            and errors_5xx == 0
            and result["requests_per_second"] >= 100
            and result["statuses"].get("201", 0) == args.requests
        )
        report = {
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": describe_machine(env, kind),
            "config": {
                "database_kind": kind,
                "requests": args.requests,
                "concurrency": args.concurrency,
                "places": args.places,
                "workers": args.workers,
                "scale": args.scale,
            },
            "result": result,
            "registrations_in_database": held,
            "target": "≥ 100 registrations/s, exactly the places confirmed, zero 5xx",
            "passed": passed,
            "server_log_tail": log.read_text(errors="replace")[-2000:],
        }
        summary = {k: report[k] for k in ("config", "result", "registrations_in_database", "passed")}
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        if not args.no_save:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            out = RESULTS_DIR / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{kind}-burst.json"
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            print(f"Saved {out.relative_to(PROJECT_DIR)}")
        return 0 if passed else 1
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
