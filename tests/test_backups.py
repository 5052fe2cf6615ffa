"""The README's backups, command for command (README → Production → Backups): a backup of the database the
tests run on, restored where the README says it may be restored, gives back what was saved.

Each database's test runs in the suite's run on that database (`.ci/run` runs both); a missing client
program (`sqlite3`, `pg_dump`/`pg_restore`/`createdb`/`dropdb`) skips it with the reason.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True)]

TITLE = "Резервная копия: проверка"


def _programs(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: apt-get install sqlite3 postgresql-client)")


def _saved_row() -> int:
    """A committed row the backup must carry (a news item)."""
    from technopark.portal.models import News

    return News.objects.create(title_ru=TITLE).pk


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="runs in the suite's run on SQLite")
def test_the_documented_sqlite_backup_restores_into_a_fresh_file(tmp_path: Path) -> None:
    _programs("sqlite3")
    news_id = _saved_row()
    database = str(connection.settings_dict["NAME"])
    backup, restored = tmp_path / "backup.sqlite3", tmp_path / "db.sqlite3"

    made = _run("sqlite3", database, f".backup {backup}")
    assert made.returncode == 0, made.stderr
    back = _run("sqlite3", str(restored), f".restore {backup}")
    assert back.returncode == 0, back.stderr

    with sqlite3.connect(restored) as copy:
        rows = copy.execute("SELECT title_ru FROM portal_news WHERE id = ?", (news_id,)).fetchall()
    assert rows == [(TITLE,)]


def _pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": str(settings.get("HOST") or ""), "PGPORT": str(settings.get("PORT") or "")}
    env["PGUSER"] = str(settings.get("USER") or "")
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return {key: value for key, value in env.items() if value}


def _titles(env: dict[str, str], database: str, news_id: int) -> list[str]:
    result = _run(
        "psql", "--no-psqlrc", "--tuples-only", "--no-align", "--dbname", database,
        "--command", f"SELECT title_ru FROM portal_news WHERE id = {int(news_id)}", env=env,  # noqa: S608
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="runs in the suite's run on PostgreSQL")
def test_the_documented_postgresql_backup_restores_into_an_empty_and_into_a_populated_database(
    tmp_path: Path,
) -> None:
    _programs("pg_dump", "pg_restore", "createdb", "dropdb", "psql")
    news_id = _saved_row()
    env = _pg_env()
    source = str(connection.settings_dict["NAME"])
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "technopark.dump"

    made = _run("pg_dump", "--format=custom", "--dbname", source, "--file", str(dump), env=env)
    assert made.returncode == 0, made.stderr
    created = _run("createdb", target, env=env)
    assert created.returncode == 0, created.stderr
    try:
        restore = ("pg_restore", "--clean", "--if-exists", "--dbname", target, str(dump))
        into_empty: Any = _run(*restore, env=env)
        assert into_empty.returncode == 0, into_empty.stderr
        assert _titles(env, target, news_id) == [TITLE]

        into_populated = _run(*restore, env=env)  # the nightly restore over yesterday's copy
        assert into_populated.returncode == 0, into_populated.stderr
        assert _titles(env, target, news_id) == [TITLE]
    finally:
        _run("dropdb", "--if-exists", target, env=env)
