"""What the burst scripts share (`burst.py`: registrations for an event's last places; `book_burst.py`:
bookings of overlapping slots): their command line, the server's environment, preparing the database like
`load.py`, gunicorn with production settings, firing the POSTs over keep-alive connections, and the report
printed and saved under ``bench/results/<date>-<db>-<name>.json``.

A script describes only its own part as a `Burst`: the Django shell script that makes its objects (and
prints ``key value`` lines), the requests built from what that printed, the count of what the database
holds afterwards, and whether the target is met.
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
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Burst:
    name: str  # the result file's suffix, e.g. "book-burst"
    target: str  # the target, in words, for the report
    prepare_script: str  # Django shell code printing "key value" lines (e.g. "token tp_…")
    path: Callable[[dict[str, str]], str]  # the URL path to POST to, from what the script printed
    bodies: Callable[[dict[str, str], argparse.Namespace], list[dict[str, Any]]]
    count_script: Callable[[dict[str, str]], str]  # Django shell code printing one JSON line
    counted_as: str  # the report's key for that JSON, e.g. "bookings_in_database"
    passed: Callable[[dict[str, Any], dict[str, Any], argparse.Namespace], bool]  # (result, counted, args)
    config: tuple[str, ...] = ()  # the script's own options to record


def arguments(doc: str, **extra: int) -> argparse.ArgumentParser:
    """The options every burst has, plus the script's own integer ones with their defaults."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--label", default="", help="tag the result file, e.g. before/after")
    return parser


def server_env(database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings on 127.0.0.1; e-mails go to the console backend in the background (a burst
    measures writing, not sending)."""
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "console:", "EMAIL_IN_BACKGROUND": "1",
    }  # fmt: skip


def prepare_database(env: dict[str, str], args: argparse.Namespace) -> None:
    """Like `load.py`: the database, its tables and the generated data (kept when the scale is there)."""
    if database_kind(args.database_url) == "postgresql":
        ensure_postgres_database(args.database_url)
    elif args.database_url == DEFAULT_DATABASE_URL:
        (PROJECT_DIR / "var").mkdir(exist_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    manage(env, "generate_scale_data", "--scale", args.scale, "--if-missing")


def run_script(env: dict[str, str], script: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=env, check=True, cwd=PROJECT_DIR,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning", "--error-logfile", "-"]  # fmt: skip
    with log.open("wb") as log_file:
        server = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=log_file, stderr=subprocess.STDOUT)
    wait_until_serving(port, server, log)
    return server, port


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


def errors_5xx(result: dict[str, Any]) -> int:
    return sum(n for status, n in result["statuses"].items() if status.startswith("5"))


def run(burst: Burst, args: argparse.Namespace) -> int:
    """Prepare, serve, fire, count, report; the exit status is 1 when the target is missed."""
    kind = database_kind(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix=f"technopark-{burst.name}-"))
    env = server_env(args.database_url, static_root)
    server = None
    try:
        if not args.skip_prepare:
            prepare_database(env, args)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        prepared = dict(
            line.split(" ", 1) for line in run_script(env, burst.prepare_script).splitlines() if " " in line
        )
        log = static_root / "gunicorn.log"
        server, port = start_server(env, args.workers, log)
        bodies = burst.bodies(prepared, args)
        result = asyncio.run(post_all(port, burst.path(prepared), prepared["token"], bodies, args.concurrency))
        counted = json.loads(run_script(env, burst.count_script(prepared)).strip().splitlines()[-1])
        passed = burst.passed(result, counted, args)
        report = {
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": describe_machine(env, kind),
            "config": {
                "database_kind": kind,
                "requests": args.requests,
                "concurrency": args.concurrency,
                **{name: getattr(args, name) for name in burst.config},
                "workers": args.workers,
                "scale": args.scale,
            },
            "result": result,
            burst.counted_as: counted,
            "target": burst.target,
            "passed": passed,
            "server_log_tail": log.read_text(errors="replace")[-2000:],
        }
        summary = {k: report[k] for k in ("config", "result", burst.counted_as, "passed")}
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        if not args.no_save:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            label = f"-{args.label}" if args.label else ""
            out = RESULTS_DIR / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{kind}-{burst.name}{label}.json"
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            print(f"Saved {out.relative_to(PROJECT_DIR)}")
        return 0 if passed else 1
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)
