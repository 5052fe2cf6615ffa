#!/usr/bin/env python3
"""Load test of the public pages against a real server on a city-sized data set (bench/README.md).

    python bench/load.py [--scale small|city] [--database-url URL] [--workers 4] [--worker-class gthread]
                         [--connections 20] [--duration 15] [--warmup 3] [--regenerate]

What it does, in order:

1. prepares a benchmark database of its own (``var/bench.sqlite3`` unless ``--database-url`` says
   otherwise; a PostgreSQL database is created when missing): migrate, createcachetable,
   ``generate_scale_data --if-missing``, and ``collectstatic`` into a temporary STATIC_ROOT;
2. starts gunicorn with production settings (DEBUG off, manifest static files) on a free port of
   127.0.0.1, with only what plain HTTP needs relaxed (no TLS redirect, no secure cookies);
3. for each endpoint, keeps ``--connections`` HTTP/1.1 keep-alive connections busy for a warm-up
   and then for ``--duration`` seconds, and measures requests/s and latency percentiles;
4. prints a table with PASS/FAIL against the targets and writes the same as JSON to bench/results/.

The client is asyncio with raw sockets and nothing but the standard library: wrk or locust are not
on every developer's machine, and a client that needs a core of its own would distort a benchmark
on a two-core laptop. Its own CPU use is measured and reported so that the distortion is visible.
Every page's throughput is also given as a share of the trivial view's (/healthz) in the same run,
which cancels much of the noise of a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
DEFAULT_DATABASE_URL = "sqlite:///var/bench.sqlite3"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPU_COUNT = os.cpu_count() or 1


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    target: bool = False  # held to the targets below (the pages people open most)
    # Signed in as a generated login: "teacher" (with a session cookie, for pages) or "staff" (a
    # methodologist's API token). Anonymous when empty.
    as_who: str = ""
    # Held to the p95 only: a signed-in page is rendered for each request, so it cannot keep up with the
    # trivial view's share (issue 5 asks p95 ≤ 60 ms of every week calendar, signed in too).
    p95_only: bool = False


ENDPOINTS = [
    Endpoint("trivial view", "/healthz"),
    Endpoint("home page", "/", target=True),
    Endpoint("news list", "/news/", target=True),
    Endpoint("news list, page 2", "/news/?page=2"),
    Endpoint("home page (en)", "/en/"),
    Endpoint("API news list", "/api/v1/news?limit=50"),
    Endpoint("institution list", "/network/"),
    Endpoint("institution search", "/network/?q=%D0%B3%D0%B8%D0%BC%D0%BD%D0%B0%D0%B7%D0%B8%D1%8F&sort=district"),
    Endpoint("API institution search", "/api/v1/institutions?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&limit=50"),
    # Events (anonymous): the calendar of two months around the data's base date, that month's grid, and
    # the page of the event with the most registrations ({event} is filled in at run time).
    Endpoint("event calendar", "/events/?date_from=2026-05-01&date_to=2026-06-30", target=True),
    Endpoint("event month", "/events/month/?year=2026&month=6"),
    Endpoint("event page", "/events/{event}/", target=True),
    Endpoint("API event list", "/api/v1/events?date_from=2026-05-01&date_to=2026-06-30&limit=50"),
    # Labs (anonymous): the search for a free 3D printer for 2 hours on a Saturday afternoon, a lab's week,
    # a printer's page with its week, and the API's availability of it for that week ({machine} and {day}
    # are filled in at run time: a generated printer, a Saturday ahead inside the generated year).
    Endpoint(
        "equipment search",
        "/labs/search/?kind=printer_3d&day={day}&hours=2&after=12:00&before=20:00&units=1",
        target=True,
    ),
    Endpoint("lab week", "/labs/fablab/week/?week={day}", target=True),
    Endpoint("equipment week", "/labs/equipment/{machine}/?week={day}", target=True),
    Endpoint("API availability", "/api/v1/equipment/{machine}/availability?starts_at={day}T00:00:00%2B03:00"),
    # The same weeks signed in (rendered for each request, with who holds each slot).
    Endpoint(
        "lab week (teacher)", "/labs/fablab/week/?week={day}&as=teacher", target=True, as_who="teacher", p95_only=True
    ),
    Endpoint(
        "equipment week (teacher)",
        "/labs/equipment/{machine}/?week={day}&as=teacher",
        target=True,
        as_who="teacher",
        p95_only=True,
    ),
    # The booking form the equipment page fetches (htmx); measured as its no-script page (week + form).
    Endpoint("booking form page (teacher)", "/labs/equipment/{machine}/book/?as=teacher", as_who="teacher"),
    # People (signed in): a teacher's list of their school's students; staff searching the registry.
    Endpoint("people list (teacher)", "/people/", as_who="teacher"),
    Endpoint(
        "people search (staff API)",
        "/api/v1/persons?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0&limit=50",
        as_who="staff",
    ),
]
TRIVIAL = ENDPOINTS[0]

# Targets (bench/README.md): a page may cost at most 2.5× the trivial view, and stay snappy under load.
TARGET_P95_MS = 60.0
TARGET_SHARE_OF_TRIVIAL = 40.0
# --wait-quiet: the machine counts as quiet below this share of busy CPU (all cores together).
QUIET_THRESHOLD_PCT = 15.0


# --- Measuring ------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """What one endpoint did during one measured window."""

    name: str
    path: str
    seconds: float
    requests: int = 0
    errors: int = 0  # non-2xx answers
    connection_errors: int = 0  # connections closed or refused before an answer
    status_counts: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    response_bytes: int = 0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    db_cpu_s: float | None = None
    machine_busy_pct: float = 0.0
    other_cpu_pct: float = 0.0  # of the whole machine, taken by processes that are not this benchmark

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self, trivial_rps: float | None) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        rps = self.rps
        per_request = 1000.0 / self.requests if self.requests else 0.0
        return {
            "name": self.name,
            "path": self.path,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "rps": round(rps, 1),
            "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1),
            "p99_ms": round(percentile(lat, 99), 1),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
            "max_ms": round(lat[-1], 1) if lat else 0.0,
            "errors": self.errors,
            "connection_errors": self.connection_errors,
            "status_counts": self.status_counts,
            "bytes_per_response": round(self.response_bytes / self.requests) if self.requests else 0,
            "rps_pct_of_trivial": round(100.0 * rps / trivial_rps, 1) if trivial_rps else None,
            # CPU time per answered request: independent of concurrency, so comparable across machines
            # of the same speed and across runs on a busy machine.
            "server_cpu_ms_per_request": round(self.server_cpu_s * per_request, 2),
            "db_cpu_ms_per_request": round(self.db_cpu_s * per_request, 2) if self.db_cpu_s is not None else None,
            "client_cpu_ms_per_request": round(self.client_cpu_s * per_request, 2),
            "machine_busy_pct": round(self.machine_busy_pct, 1),
            "other_cpu_pct": round(self.other_cpu_pct, 1),
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(pct / 100.0 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class LoadRun:
    """Shared state of the connections hammering one endpoint."""

    def __init__(self, host: str, port: int, path: str, connections: int, headers: str = "") -> None:
        self.host, self.port, self.connections = host, port, connections
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: technopark-bench/1\r\n"
            "Accept: text/html,application/json\r\nAccept-Language: ru,en;q=0.5\r\nConnection: keep-alive\r\n"
            f"{headers}\r\n"
        ).encode("ascii")
        self.active = True  # send new requests
        self.recording = False  # count what completes
        self.result: Measurement | None = None
        self.open = 0
        self.all_closed = asyncio.Event()

    def record(self, status: int, latency_s: float, size: int) -> None:
        result = self.result
        if result is None or not self.recording:
            return
        result.requests += 1
        result.latencies_ms.append(latency_s * 1000.0)
        result.response_bytes += size
        key = str(status)
        result.status_counts[key] = result.status_counts.get(key, 0) + 1
        if not 200 <= status < 300:
            result.errors += 1

    def connection_failed(self) -> None:
        if self.result is not None and self.recording:
            self.result.connection_errors += 1

    async def open_connection(self) -> None:
        loop = asyncio.get_running_loop()
        while self.active:
            try:
                await loop.create_connection(lambda: HttpConnection(self), self.host, self.port)
                return
            except OSError:
                self.connection_failed()
                await asyncio.sleep(0.01)

    def closed(self, connection: HttpConnection) -> None:
        """A connection ended: open another while the run goes on (gunicorn's sync worker closes each one)."""
        self.open -= 1
        if self.active:
            asyncio.get_running_loop().create_task(self.open_connection())
        elif self.open == 0:
            self.all_closed.set()


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection: send a request, read the whole answer, send the next.

    A minimal HTTP/1.1 response parser: status line, Content-Length or chunked body, and
    ``Connection: close``. Enough for Django behind gunicorn, cheap in CPU.
    """

    def __init__(self, run: LoadRun) -> None:
        self.run = run
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.waiting = False
        self._reset()

    def _reset(self) -> None:
        self.header_end = -1
        self.status = 0
        self.content_length = -1
        self.chunked = False
        self.close_after = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.run.open += 1
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if not self.run.active:
            self.transport.close()
            return
        self.waiting = True
        self.sent_at = time.perf_counter()
        self.transport.write(self.run.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.waiting:
            end = self._complete_at()
            if end < 0:
                return
            self.waiting = False
            self.run.record(self.status, time.perf_counter() - self.sent_at, end)
            del self.buffer[:end]
            close = self.close_after
            self._reset()
            if close:
                assert self.transport is not None
                self.transport.close()
                return
            self._send()

    def _complete_at(self) -> int:
        """Where the current answer ends in the buffer, or -1 while it is incomplete."""
        buf = self.buffer
        if self.header_end < 0:
            head_end = buf.find(b"\r\n\r\n")
            if head_end < 0:
                return -1
            self.header_end = head_end + 4
            lines = bytes(buf[:head_end]).decode("latin-1").split("\r\n")
            self.status = int(lines[0].split(" ", 2)[1])
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    self.content_length = int(value)
                elif name == "transfer-encoding" and "chunked" in value.lower():
                    self.chunked = True
                elif name == "connection" and value.strip().lower() == "close":
                    self.close_after = True
            if self.content_length < 0 and not self.chunked:
                self.content_length = 0
        if not self.chunked:
            end = self.header_end + self.content_length
            return end if len(buf) >= end else -1
        # Chunked: walk the chunks from the start of the body each time (answers here are small).
        pos = self.header_end
        while True:
            line_end = buf.find(b"\r\n", pos)
            if line_end < 0:
                return -1
            size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
            if size == 0:
                trailer_end = buf.find(b"\r\n\r\n", line_end)
                return trailer_end + 4 if trailer_end >= 0 else -1
            pos = line_end + 2 + size + 2
            if pos > len(buf):
                return -1

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiting and self.run.active:
            self.run.connection_failed()
        self.waiting = False
        self.run.closed(self)


async def drive(
    host: str,
    port: int,
    endpoint: Endpoint,
    *,
    connections: int,
    warmup: float,
    duration: float,
    probes: Probes,
    headers: str = "",
) -> Measurement:
    """Warm up, then measure ``duration`` seconds of ``connections`` busy connections."""
    run = LoadRun(host, port, endpoint.path, connections, headers)
    for _ in range(connections):
        await run.open_connection()
    await asyncio.sleep(warmup)
    result = Measurement(endpoint.name, endpoint.path, seconds=duration)
    run.result = result
    before = probes.snapshot()
    started = time.perf_counter()
    run.recording = True
    await asyncio.sleep(duration)
    run.recording = False
    result.seconds = time.perf_counter() - started
    probes.fill(result, before)
    run.active = False
    if run.open == 0:
        run.all_closed.set()
    # Answers still in flight are read and dropped; then every connection is closed.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(run.all_closed.wait(), timeout=10)
    return result


# --- CPU accounting from /proc ----------------------------------------------------------------------


@dataclass
class Snapshot:
    client: float
    server: dict[int, float]  # pid → CPU seconds
    db: dict[int, float] | None
    busy: int
    total: int


def _delta(after: dict[int, float], before: dict[int, float]) -> float:
    """CPU spent between two snapshots by the processes alive at the second one.

    Per process, so that a PostgreSQL backend that ended in between (Django reconnects every
    CONN_MAX_AGE seconds) cannot make the sum go down; its last moments are not counted.
    """
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class Probes:
    """CPU seconds of this client, of the gunicorn processes, of our PostgreSQL backends, and of the machine.

    The machine's total shows how much of the CPU something else took during a measurement (another
    program on a developer's laptop, a test suite in the next terminal): rps is only comparable
    between runs where that share is small, CPU time per request much more so.
    """

    def __init__(self, server_pid: int, database_name: str | None) -> None:
        self.server_pid = server_pid
        self.database_name = database_name

    def snapshot(self) -> Snapshot:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        stats = _process_stats()
        server_pids = {self.server_pid} | {pid for pid, (ppid, _comm, _cpu) in stats.items() if ppid == self.server_pid}
        server = {pid: stats[pid][2] for pid in server_pids if pid in stats}
        db = None
        if self.database_name is not None:
            # A PostgreSQL backend's title names its database: "postgres: user dbname 127.0.0.1(port) idle".
            marker = f" {self.database_name} "
            db = {pid: cpu for pid, (_ppid, comm, cpu) in stats.items() if comm == "postgres" and marker in _title(pid)}
        busy, total = _machine_ticks()
        return Snapshot(client=usage.ru_utime + usage.ru_stime, server=server, db=db, busy=busy, total=total)

    def fill(self, result: Measurement, before: Snapshot) -> None:
        after = self.snapshot()
        result.client_cpu_s = after.client - before.client
        result.server_cpu_s = _delta(after.server, before.server)
        if after.db is not None and before.db is not None:
            result.db_cpu_s = _delta(after.db, before.db)
        ticks = after.total - before.total
        result.machine_busy_pct = 100.0 * (after.busy - before.busy) / ticks if ticks else 0.0
        ours = result.client_cpu_s + result.server_cpu_s + (result.db_cpu_s or 0.0)
        capacity = result.seconds * CPU_COUNT
        result.other_cpu_pct = max(0.0, result.machine_busy_pct - 100.0 * ours / capacity) if capacity else 0.0


def wait_until_quiet(max_wait: float, threshold_pct: float) -> float:
    """Wait (at most ``max_wait`` s) for a second in which the machine is less than ``threshold_pct`` busy.

    Called while our server is idle, so whatever keeps the CPU busy is someone else. Returns the
    busy share of the last second sampled.
    """
    deadline = time.monotonic() + max_wait
    while True:
        busy0, total0 = _machine_ticks()
        time.sleep(1.0)
        busy1, total1 = _machine_ticks()
        busy_pct = 100.0 * (busy1 - busy0) / max(total1 - total0, 1)
        if busy_pct < threshold_pct or time.monotonic() >= deadline:
            return busy_pct


def _title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _process_stats() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command name, CPU seconds) for every process we may read."""
    stats: dict[int, tuple[int, str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may itself contain spaces or parentheses.
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry.name)] = (int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return stats


def _machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


# --- The machine -------------------------------------------------------------------------------------


def describe_machine(env: dict[str, str], database_kind: str) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
    versions = subprocess.run(
        [sys.executable, "-c", "import django, gunicorn; print(django.get_version()); print(gunicorn.__version__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_DIR,
    ).stdout.split()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_DIR)
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=PROJECT_DIR)
    return {
        "cpu_model": models[0] if models else platform.processor(),
        "cpu_count": len(models) or os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": versions[0],
        "gunicorn": versions[1],
        "database": database_version(env, database_kind),
        "git_commit": commit.stdout.strip() + (" (with local changes)" if dirty.stdout.strip() else ""),
        "load_average_before": list(os.getloadavg()),
    }


def database_version(env: dict[str, str], kind: str) -> str:
    code = (
        "import django; django.setup(); from django.db import connection as c; c.ensure_connection(); "
        "print(c.vendor, c.Database.sqlite_version if c.vendor == 'sqlite' "
        "else c.cursor().connection.info.server_version)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=PROJECT_DIR
    ).stdout.split()
    if kind == "postgresql":
        number = int(out[1])  # e.g. 150020 → 15.20
        return f"PostgreSQL {number // 10000}.{number % 10000}"
    return f"SQLite {out[1]}"


# --- Preparing the database and the server ---------------------------------------------------------------


def database_kind(url: str) -> str:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return "postgresql"
    raise SystemExit(f"--database-url: unsupported scheme {scheme!r} (use sqlite:/// or postgres://)")


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import psycopg  # the project's PostgreSQL driver, in its virtual environment
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if not name:
        raise SystemExit(
            "--database-url must name a database, e.g. postgres://postgres@127.0.0.1:5432/technopark_bench"
        )
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            print(f"Creating PostgreSQL database {name!r}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# Who the signed-in endpoints act as: the teacher of the generated school with the most students, and
# a generated methodologist. Prints the header lines to send.
CREDENTIALS_SCRIPT = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from technopark.accounts.models import User
from technopark.accounts.services import issue_api_token
from technopark.people.models import Affiliation
from technopark.network.models import Institution
school = Institution.objects.filter(email__endswith="@scale.test").annotate(
    n=Count("affiliations", filter=models.Q(affiliations__kind="student"))).order_by("-n").first()
teacher = Affiliation.objects.filter(institution=school, kind="teacher", person__user__is_active=True,
    person__user__role_assignments__role="teacher").select_related("person__user").first().person.user
session = SessionStore()
session[SESSION_KEY] = str(teacher.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
session.create()
staff = User.objects.filter(
    email__endswith="@scale.test", role_assignments__role="methodologist", is_active=True).first()
_token, raw = issue_api_token(staff, name="bench", actor=None, second_factor=True)
from technopark.events.models import Event
busiest = Event.objects.exclude(status="draft").annotate(n=Count("registrations")).order_by("-n", "id").first()
print("event\t" + str(busiest.pk if busiest else 0))
import datetime as dt
from django.utils import timezone
from technopark.labs.models import Equipment
machine = Equipment.objects.filter(inventory_number__startswith="SCALE-", kind="printer_3d").order_by("pk").first()
print("machine\t" + str(machine.pk if machine else 0))
# A Saturday a week or more ahead, inside the generated year of bookings (2026-06-01 to 2027-05-31).
day = timezone.localdate() + dt.timedelta(days=7)
day += dt.timedelta(days=(5 - day.weekday()) % 7)
if day > dt.date(2027, 5, 29):
    day = dt.date(2027, 5, 29)
print("day\t" + day.isoformat())
print("teacher\tCookie: " + settings.SESSION_COOKIE_NAME + "=" + session.session_key)
print("staff\tAuthorization: Bearer " + raw)
"""


def credentials(env: dict[str, str]) -> dict[str, str]:
    """Header lines that sign the bench in, by ``Endpoint.as_who``."""
    script = "from django.db import models\n" + CREDENTIALS_SCRIPT
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=env, check=True, cwd=PROJECT_DIR,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    headers = {}
    for line in output.splitlines():
        who, _tab, header = line.partition("\t")
        if who in ("event", "machine", "day"):
            # Not a header: an id or a date for the paths.
            for index, endpoint in enumerate(ENDPOINTS):
                if "{" + who + "}" in endpoint.path:
                    path = endpoint.path.replace("{" + who + "}", header)
                    ENDPOINTS[index] = replace(endpoint, path=path)
        elif header:
            headers[who] = header + "\r\n"
    return headers


def manage(env: dict[str, str], *args: str) -> None:
    print("$ manage.py " + " ".join(args), flush=True)
    subprocess.run([sys.executable, "manage.py", *args], env=env, check=True, cwd=PROJECT_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(port: int, server: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout} s:\n{log.read_text()[-3000:]}")


def check_endpoints(port: int, signed_in: dict[str, str]) -> dict[str, int]:
    """One request to each endpoint before the load: a page that fails is reported, not hammered blindly."""
    sizes = {}
    for endpoint in ENDPOINTS:
        url = f"http://127.0.0.1:{port}{endpoint.path}"
        headers = {}
        if endpoint.as_who:
            name, _colon, value = signed_in[endpoint.as_who].strip().partition(": ")
            headers[name] = value
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
                sizes[endpoint.path] = len(response.read())
        except OSError as error:
            print(f"WARNING: {endpoint.path} fails before any load: {error}", file=sys.stderr)
    return sizes


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown stops its workers too
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Reporting -------------------------------------------------------------------------------------------


def verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    targeted = {endpoint.path: endpoint for endpoint in ENDPOINTS if endpoint.target}
    for row in rows:
        if row["path"] not in targeted:
            continue
        p95_ok = row["p95_ms"] <= TARGET_P95_MS and row["requests"] > 0
        share_ok = targeted[row["path"]].p95_only or (row["rps_pct_of_trivial"] or 0) >= TARGET_SHARE_OF_TRIVIAL
        errors_ok = row["errors"] == 0 and row["connection_errors"] == 0
        out.append(
            {
                "name": row["name"],
                "path": row["path"],
                "p95_ms": row["p95_ms"],
                "p95_ok": p95_ok,
                "rps_pct_of_trivial": row["rps_pct_of_trivial"],
                "share_ok": share_ok,
                "errors_ok": errors_ok,
                "passed": p95_ok and share_ok and errors_ok,
            }
        )
    return out


def print_report(report: dict[str, Any]) -> None:
    machine, config = report["machine"], report["config"]
    print()
    print(
        f"Machine: {machine['cpu_model']} × {machine['cpu_count']}, {machine['ram_gib']} GiB RAM, "
        f"Python {machine['python']}, Django {machine['django']}, gunicorn {machine['gunicorn']}, "
        f"{machine['database']}"
    )
    threads = f" × {config['threads']} threads" if config["worker_class"] == "gthread" else ""
    print(
        f"Server: {config['workers']} {config['worker_class']} workers{threads}; load: {config['connections']} "
        f"keep-alive connections, {config['warmup']} s warm-up + {config['duration']} s per endpoint; "
        f"scale {config['scale']}"
    )
    header = (
        f"{'endpoint':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'% triv':>7}"
        f" {'srv ms/req':>10} {'db ms/req':>9} {'cli ms/req':>10} {'other':>6} {'KiB':>6}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in report["results"]:
        share = f"{row['rps_pct_of_trivial']:.0f} %" if row["rps_pct_of_trivial"] is not None else "—"
        db = f"{row['db_cpu_ms_per_request']:.2f}" if row["db_cpu_ms_per_request"] is not None else "—"
        print(
            f"{row['name'] + ' ' + row['path']:<28.28} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
            f" {row['p99_ms']:>8.1f} {row['errors'] + row['connection_errors']:>7} {share:>7}"
            f" {row['server_cpu_ms_per_request']:>10.2f} {db:>9} {row['client_cpu_ms_per_request']:>10.2f}"
            f" {row['other_cpu_pct']:>5.0f}% {row['bytes_per_response'] / 1024:>6.1f}"
        )
    print()
    print(
        f"Targets: p95 ≤ {TARGET_P95_MS:.0f} ms and ≥ {TARGET_SHARE_OF_TRIVIAL:.0f} % of the trivial view's req/s "
        "(signed-in pages: the p95 only)"
    )
    for verdict in report["targets"]:
        reasons = []
        if not verdict["p95_ok"]:
            reasons.append(f"p95 {verdict['p95_ms']:.1f} ms > {TARGET_P95_MS:.0f} ms")
        if not verdict["share_ok"]:
            reasons.append(f"{verdict['rps_pct_of_trivial']} % < {TARGET_SHARE_OF_TRIVIAL:.0f} % of trivial")
        if not verdict["errors_ok"]:
            reasons.append("errors")
        status = "PASS" if verdict["passed"] else "FAIL"
        detail = f"p95 {verdict['p95_ms']:.1f} ms, {verdict['rps_pct_of_trivial']} % of trivial"
        print(
            f"  {status}  {verdict['name']:<12} {verdict['path']:<8} {detail}"
            + (f"  ({'; '.join(reasons)})" if reasons else "")
        )
    other = [row["other_cpu_pct"] for row in report["results"]]
    print(
        f"Columns: server/PostgreSQL/client CPU milliseconds per request; 'other' = share of the machine's CPU "
        f"taken by other programs during the measurement (here {min(other):.0f}–{max(other):.0f} %)."
    )
    print(f"Load average before {machine['load_average_before'][0]:.2f}, after {report['load_average_after'][0]:.2f}")


# --- Main -------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "city"], default="small", help="data set size (default small)")
    parser.add_argument("--seed", type=int, default=2026, help="seed for generate_scale_data")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"benchmark database (default {DEFAULT_DATABASE_URL}; e.g. "
        "postgres://postgres@127.0.0.1:5432/technopark_bench, created when missing)",
    )
    parser.add_argument("--regenerate", action="store_true", help="delete generated data and generate anew")
    parser.add_argument("--skip-prepare", action="store_true", help="use the database as it is (no migrate/generate)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="gunicorn worker class (default sync: measured better on 2 cores, see bench/README.md)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker (default 2)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent keep-alive connections (default 20)")
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per endpoint (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each (default 3)")
    parser.add_argument("--rounds", type=int, default=1, help="measure every endpoint N times, keep the best")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each endpoint, wait up to SECONDS for other programs to leave the CPU idle",
    )
    parser.add_argument(
        "--only", nargs="*", help="measure only the paths that start with these (the trivial view is always measured)"
    )
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR, help="where the JSON goes (bench/results)")
    parser.add_argument("--label", default="", help="a word for the result file name and JSON, e.g. before-cache")
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind = database_kind(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix="technopark-bench-static-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no redirect to https, cookies without the Secure flag, no HSTS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(static_root),
        "PYTHONUNBUFFERED": "1",
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        if not args.skip_prepare:
            if kind == "postgresql":
                ensure_postgres_database(args.database_url)
            elif args.database_url == DEFAULT_DATABASE_URL:
                (PROJECT_DIR / "var").mkdir(exist_ok=True)
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            manage(env, "createcachetable")
            generate = ["generate_scale_data", "--scale", args.scale, "--seed", str(args.seed)]
            try:
                manage(env, *generate, "--force" if args.regenerate else "--if-missing")
            except subprocess.CalledProcessError:
                # Typically data of the other scale: the command has said so above.
                print(
                    "Preparing the data failed. Another scale in this database? Pass --regenerate to replace "
                    "it, or --database-url for a database of its own.",
                    file=sys.stderr,
                )
                return 2
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        machine = describe_machine(env, kind)

        port = free_port()
        log = static_root / "gunicorn.log"
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers),
            "--worker-class", args.worker_class,
            # gunicorn turns a sync worker with threads > 1 into gthread, so threads only for gthread.
            *(["--threads", str(args.threads)] if args.worker_class == "gthread" else []),
            "--log-level", "warning",
            "--error-logfile", "-",
        ]  # fmt: skip
        print(f"$ {' '.join(command[1:])}", flush=True)
        with log.open("wb") as log_file:
            server = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=log_file, stderr=subprocess.STDOUT)
        wait_until_serving(port, server, log)
        signed_in = credentials(env)
        sizes = check_endpoints(port, signed_in)
        database_name = urllib.parse.unquote(urllib.parse.urlsplit(args.database_url).path.lstrip("/"))
        probes = Probes(server.pid, database_name if kind == "postgresql" else None)

        endpoints = [
            e for e in ENDPOINTS if not args.only or e is TRIVIAL or any(e.path.startswith(p) for p in args.only)
        ]
        # Best of --rounds per endpoint: interference from other programs only ever makes a round
        # slower, so the fastest round is the closest to what the server itself can do.
        best: dict[str, Measurement] = {}
        for round_number in range(1, args.rounds + 1):
            for endpoint in endpoints:
                label = f"round {round_number}/{args.rounds}: " if args.rounds > 1 else ""
                if args.wait_quiet:
                    busy = wait_until_quiet(args.wait_quiet, QUIET_THRESHOLD_PCT)
                    if busy >= QUIET_THRESHOLD_PCT:
                        print(f"  (machine still {busy:.0f} % busy with other work; measuring anyway)")
                size = sizes.get(endpoint.path, 0) / 1024
                print(f"… {label}{endpoint.name} {endpoint.path} ({size:.1f} KiB)", flush=True)
                measurement = asyncio.run(
                    drive(
                        "127.0.0.1",
                        port,
                        endpoint,
                        connections=args.connections,
                        warmup=args.warmup,
                        duration=args.duration,
                        probes=probes,
                        headers=signed_in.get(endpoint.as_who, ""),
                    )
                )
                previous = best.get(endpoint.path)
                if previous is None or measurement.rps > previous.rps:
                    best[endpoint.path] = measurement
        measurements = [best[endpoint.path] for endpoint in endpoints]
        trivial_rps = measurements[0].rps or None
        rows = [m.summary(None if m.path == TRIVIAL.path else trivial_rps) for m in measurements]
        report: dict[str, Any] = {
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "config": {
                "scale": args.scale,
                "seed": args.seed,
                "database_kind": kind,
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads if args.worker_class == "gthread" else 1,
                "connections": args.connections,
                "duration": args.duration,
                "warmup": args.warmup,
                "rounds": args.rounds,
                "label": args.label,
                "client": "bench/load.py asyncio raw-socket HTTP/1.1 keep-alive",
            },
            "targets_definition": {"p95_ms_max": TARGET_P95_MS, "rps_pct_of_trivial_min": TARGET_SHARE_OF_TRIVIAL},
            "results": rows,
            "targets": verdicts(rows),
            "load_average_after": list(os.getloadavg()),
        }
        server_log = log.read_text(errors="replace").strip()
        if server_log:
            report["server_log_tail"] = server_log[-2000:]
        print_report(report)
        if not args.no_save:
            args.output_dir.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            label = f"-{args.label}" if args.label else ""
            out = args.output_dir / f"{stamp}-{kind}-{args.scale}-{args.worker_class}{label}.json"
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            print(f"Saved {out.relative_to(PROJECT_DIR) if out.is_relative_to(PROJECT_DIR) else out}")
        missed = not all(verdict["passed"] for verdict in report["targets"])
        return 1 if args.strict and missed else 0
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
