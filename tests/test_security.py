"""Production settings and response headers (README → Production; CONTRACTS.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Y-" + "production-like-secret-for-the-deploy-check-" * 2,
    "ALLOWED_HOSTS": "technopark.example.by",
    "DATABASE_URL": "sqlite:///var/deploy-check.sqlite3",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "MFA_", "SECURE_"))
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_passes_with_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_serve_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    check = _run("manage.py", "check", "--deploy", env=env)
    assert check.returncode != 0
    assert "technopark.E001" in check.stderr + check.stdout
    server = _run("-c", "import config.wsgi", env=env)
    assert server.returncode != 0
    assert "SECRET_KEY must be set" in server.stderr


def test_commands_that_serve_nothing_run_without_a_secret_key():
    result = _run("manage.py", "makemigrations", "--check", "--dry-run", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_production_cookies_are_secure_httponly_and_samesite_and_mfa_is_required():
    code = (
        "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SECURE',"
        "'CSRF_COOKIE_HTTPONLY','CSRF_COOKIE_SAMESITE','SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT',"
        "'MFA_REQUIRED_FOR_STAFF','DEBUG','LANGUAGE_COOKIE_SECURE']}))"
    )
    values = json.loads(_run("-c", code, env=PRODUCTION_ENV).stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "MFA_REQUIRED_FOR_STAFF": True,
        "DEBUG": False,
        "LANGUAGE_COOKIE_SECURE": True,
    }


@pytest.fixture
def production_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.parametrize("url", ["/", "/en/news/", "/accounts/login/", "/api/v1/", "/healthz"])
def test_responses_carry_the_security_headers(client, db, production_headers, url):
    response = client.get(url, secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp["script-src"]
    assert "unsafe-eval" not in csp["script-src"]
    assert csp["default-src"] == "'self'"


def test_pages_contain_no_inline_scripts_or_handlers(client, db):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html and " onload=" not in html
    assert 'src="https://' not in html  # no CDN


def test_login_session_cookie_is_httponly(make_user, client):
    from conftest import PASSWORD

    make_user("x@example.test")
    response = client.post("/accounts/login/", {"login": "x@example.test", "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_nul_character_in_a_pages_query_is_refused_with_400_not_a_server_error(make_user):
    """PostgreSQL can neither store nor compare a NUL; a staff list searched with one used to answer 500.
    Pages refuse it in one place (`core.middleware`); the API in its own format (`api.parser`)."""
    from django.test import Client

    client = Client()
    client.force_login(make_user("nul.methodologist@example.test", "methodologist"))
    refused = client.get("/staff/events/", {"q": "олимпиада\x00"})
    assert refused.status_code == 400 and "недопустимый символ" in refused.content.decode()
    assert client.get("/staff/events/", {"q": "олимпиада"}).status_code == 200
    api = client.get("/api/v1/institutions", {"q": "школа\x00"})
    assert api.status_code == 422 and api.json()["code"] == "invalid"


def test_the_deploy_check_warns_when_staff_need_no_second_factor():
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "MFA_REQUIRED_FOR_STAFF": "0"},
    )
    assert result.returncode != 0
    assert "technopark.W001" in result.stdout + result.stderr


def test_the_deploy_check_warns_behind_a_proxy_whose_hops_are_not_counted():
    behind = {**PRODUCTION_ENV, "BEHIND_PROXY": "1", "TRUSTED_PROXY_COUNT": "0"}
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=behind)
    assert result.returncode != 0
    assert "technopark.W002" in result.stdout + result.stderr
    counted = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env={**behind, "TRUSTED_PROXY_COUNT": "1"}
    )
    assert counted.returncode == 0, counted.stdout + counted.stderr


def test_allauth_counts_the_same_client_address_and_no_rate_limit_is_left_to_its_default(settings):
    from allauth.account import app_settings

    code = "import config.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    assert _run("-c", code, env={**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "2"}).stdout.strip() == "2"
    configured = dict(settings.ACCOUNT_RATE_LIMITS)
    settings.ACCOUNT_RATE_LIMITS = {}
    assert set(app_settings.RATE_LIMITS) <= set(configured)


def test_the_readme_proxy_lets_the_largest_upload_through(settings):
    """nginx answers 413 before the platform sees a request above its client_max_body_size: the README's
    sample must let through the largest request the forms send (one project file and the form's fields)."""
    import math
    import re

    from technopark.core.files import DOCUMENT_MAX_BYTES
    from technopark.projects.forms import IMAGE_SLOTS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sizes = re.findall(r"client_max_body_size (\d+)m;", readme)
    assert len(sizes) == 1, sizes
    allowed = int(sizes[0]) * 1024 * 1024
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    largest = settings.PROJECT_FILE_MAX_BYTES + fields
    assert allowed == math.ceil(largest / (1024 * 1024)) * 1024 * 1024
    assert allowed >= IMAGE_SLOTS * settings.UPLOAD_IMAGE_MAX_BYTES + fields  # a journal step's photos
    assert allowed >= 2 * DOCUMENT_MAX_BYTES + fields  # two file answers of a registration form


def test_an_api_request_above_the_size_limit_is_refused_with_413_not_a_server_error(db, settings):
    from django.test import Client

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"title_ru": "x" * (2 * 1024 * 1024)})
    response = Client().post("/api/v1/news", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
