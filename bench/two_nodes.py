#!/usr/bin/env python3
"""Two app nodes over one PostgreSQL database and one Redis: a change made through one is seen at once
through the other, anonymous cached pages included (issue 13, decision 0008).

    python bench/two_nodes.py [--database-url postgres://…/technopark_cache] [--redis-url redis://…/5]
                              [--workers 2]

It prepares the database like the other benches (migrate; no generated data needed), makes a machine, a
published project whose 16-year-old member consented to publication, and an administrator with an API
token, then starts two gunicorn instances with production settings on two ports (nodes A and B) sharing
the database and ``REDIS_URL``. For each change it first warms node B's cache (the page requested twice,
the old content checked), makes the change through node A's API, and at once requests the page from node
B: a news item published (home page and news list), a booking made (the machine's and the lab's anonymous
week), a publication consent withdrawn (the project's page no longer names the child). It prints and saves
``bench/results/<date>-two-nodes.json``; the exit status is 1 when node B served anything stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bursts import run_script, server_env, start_server  # the shared harness
from load import PROJECT_DIR, RESULTS_DIR, database_kind, ensure_postgres_database, manage, stop

PREPARE_SCRIPT = """
import datetime as dt
from django.utils import timezone
from allauth.account.models import EmailAddress
from technopark.accounts import services as account_services
from technopark.accounts.models import RoleAssignment, User
from technopark.labs.models import Equipment, Lab, OpeningHours
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services
from technopark.projects import services as project_services

tag = "TAG"
admin = User.objects.create_user(f"two.nodes.{tag}@example.test", None)
EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
RoleAssignment.objects.create(user=admin, role="administrator")
User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
admin.refresh_from_db()
_token, raw = account_services.issue_api_token(admin, name="two-nodes", actor=None, second_factor=True)
school = network_services.create_institution(
    actor=None, full_name=f"ГУО «Школа два узла {tag}»", short_name=f"Школа {tag}", kind="school",
    district=District.objects.order_by("pk").first(), cluster_role="base")
text = people_services.create_consent_text(actor=None, purpose="publication", title_ru="Публикация", body_ru="Т")
people_services.publish_consent_text(text, actor=None)
student_login = User.objects.create_user(f"two.nodes.student.{tag}@example.test", None)
child = people_services.add_student(
    school, actor=None, last_name=f"Двуузлов{tag}", first_name="Иван",
    birth_date=timezone.localdate() - dt.timedelta(days=16 * 366), grade=10)
child.user = student_login
child.save(update_fields=["user"])
consent = people_services.give_consent(child, purpose="publication", giver=child, actor=student_login)
project = project_services.create_project(
    actor=admin, title=f"Проект двух узлов {tag}", direction="engineering", summary="Проверка кэша", team=[child])
project_services.publish_project(project, actor=admin)
lab = Lab.objects.get(code="fablab")
machine = Equipment.objects.create(
    lab=lab, kind="printer_3d", name=f"Принтер двух узлов {tag}", inventory_number=f"TWO-NODES-{tag}")
day = timezone.localdate() + dt.timedelta(days=14)
while day.weekday() > 4:
    day += dt.timedelta(days=1)
if not OpeningHours.objects.filter(lab=lab, weekday=day.weekday()).exists():  # a database without seeded hours
    OpeningHours.objects.create(lab=lab, weekday=day.weekday(), opens=dt.time(9), closes=dt.time(18))
print("token", raw)
print("machine", machine.pk)
print("project", project.pk)
print("consent", consent.pk)
print("child", f"{child.last_name} {child.first_name}")
print("day", day.isoformat())
"""


def request(port: int, method: str, path: str, token: str = "", body: Any = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", errors="replace")
    connection.close()
    if response.status >= 300 and method != "GET":
        print(f"{method} {path}: {response.status} {text[:300]}")
    return response.status, text


def check(
    name: str, node_a: int, node_b: int, pages: list[str], change: Any, before: Any, after: Any
) -> dict[str, Any]:
    """Warm node B on ``pages`` (twice: the second answer is the cached one), change through node A, then
    read ``pages`` from node B at once."""
    warmed = []
    for path in pages:
        request(node_b, "GET", path)
        status, text = request(node_b, "GET", path)
        warmed.append(status == 200 and before(text))
    started = time.perf_counter()
    change_status = change(node_a)
    changed_at = time.perf_counter()
    seen = []
    for path in pages:
        status, text = request(node_b, "GET", path)
        seen.append(status == 200 and after(text))
    result = {
        "change": name,
        "pages": pages,
        "change_status": change_status,
        "warmed_with_old_content": all(warmed),
        "node_b_shows_the_change_at_once": all(seen),
        "change_ms": round((changed_at - started) * 1000, 1),
        "node_b_ms": round((time.perf_counter() - changed_at) * 1000, 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/technopark_cache")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if database_kind(args.database_url) != "postgresql":
        sys.exit("Two nodes share a PostgreSQL database: give --database-url postgres://…")
    static_root = Path(tempfile.mkdtemp(prefix="technopark-two-nodes-"))
    env = {**server_env(args.database_url, static_root), "REDIS_URL": args.redis_url}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        ensure_postgres_database(args.database_url)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        tag = secrets.token_hex(3)
        prepared = dict(
            line.split(" ", 1)
            for line in run_script(env, PREPARE_SCRIPT.replace("TAG", tag)).splitlines()
            if " " in line
        )
        ports = []
        for name in ("a", "b"):
            server, port = start_server(env, args.workers, static_root / f"gunicorn-{name}.log")
            servers.append(server)
            ports.append(port)
        node_a, node_b = ports
        token, day = prepared["token"], dt.date.fromisoformat(prepared["day"])
        monday = day - dt.timedelta(days=day.weekday())
        title = f"Новость двух узлов {tag}"
        _status, created = request(node_a, "POST", "/api/v1/news", token, {"title_ru": title, "lead_ru": "Кэш"})
        news_id = json.loads(created)["id"]
        results = [
            check(
                "news published", node_a, node_b, ["/", "/news/"],
                lambda port: request(port, "PATCH", f"/api/v1/news/{news_id}", token, {"status": "published"})[0],
                lambda text: title not in text, lambda text: title in text,
            ),
            check(
                "booking made", node_a, node_b,
                [f"/labs/equipment/{prepared['machine']}/?week={monday}", f"/labs/fablab/week/?week={monday}"],
                lambda port: request(port, "POST", "/api/v1/bookings", token, {
                    "equipment": int(prepared["machine"]), "purpose": "lesson",
                    "starts_at": f"{day}T10:00:00+03:00", "ends_at": f"{day}T12:00:00+03:00",
                })[0],
                lambda text: "10:00–12:00" not in text, lambda text: "10:00–12:00" in text,
            ),
            check(
                "publication consent withdrawn", node_a, node_b, [f"/projects/{prepared['project']}/"],
                lambda port: request(port, "POST", f"/api/v1/consents/{prepared['consent']}/withdraw", token)[0],
                lambda text: prepared["child"] in text, lambda text: prepared["child"] not in text,
            ),
        ]  # fmt: skip
        passed = all(r["warmed_with_old_content"] and r["node_b_shows_the_change_at_once"] for r in results)
        report = {
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "config": {"database_kind": "postgresql", "cache": "redis", "nodes": 2, "workers_per_node": args.workers},
            "results": results,
            "passed": passed,
        }
        print("PASS" if passed else "FAIL: node B served something stale or the change was refused")
        if not args.no_save:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            out = RESULTS_DIR / f"{dt.datetime.now():%Y%m%d-%H%M%S}-two-nodes.json"
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            print(f"Saved {out.relative_to(PROJECT_DIR)}")
        return 0 if passed else 1
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
