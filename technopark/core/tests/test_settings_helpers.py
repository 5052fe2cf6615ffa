from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from config.env import database_from_url, email_from_url, env_bool
from technopark.core.validators import validate_site_link


def test_sqlite_urls_are_relative_to_the_project_or_absolute():
    base = Path("/srv/app")
    assert database_from_url("sqlite:///var/db.sqlite3", base_dir=base)["NAME"] == "/srv/app/var/db.sqlite3"
    assert database_from_url("sqlite:////data/db.sqlite3", base_dir=base)["NAME"] == "/data/db.sqlite3"


def test_sqlite_is_configured_for_concurrent_writers():
    options = database_from_url("sqlite:///var/db.sqlite3", base_dir=Path("/x"))["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


def test_postgres_url_becomes_connection_settings():
    db = database_from_url("postgres://app:s%40cret@db.local:5433/technopark?sslmode=require", base_dir=Path("/x"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "technopark",
        "app",
        "s@cret",
        "db.local",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y", base_dir=Path("/x"))


def test_email_url_selects_the_backend():
    assert email_from_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_from_url("smtp://user:pw@mail.example.by:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example.by"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_USE_TLS"] is True
    assert email_from_url("smtps://mail.example.by")["EMAIL_PORT"] == 465


def test_env_bool_rejects_typos(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes please")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(
    "link", ["", "/news/", "/en/news/?page=2", "https://mgiro.minsk.edu.by/", "http://example.by/a"]
)
def test_site_links_accept_local_paths_and_web_addresses(link):
    validate_site_link(link)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example/", "data:text/html,x", "/a b", "ftp://x.by"])
def test_site_links_refuse_scripts_and_other_schemes(link):
    with pytest.raises(ValidationError):
        validate_site_link(link)
