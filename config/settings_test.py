"""Settings for the test suite: the production settings with fast hashing and in-memory side effects."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789abcdef")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# One process per xdist worker, so local memory is shared by everything a test runs; bounded by entries (a
# culled version token is replaced by a new one: core.cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# `make test` runs the suite in parallel processes (pytest-xdist); each keeps its files apart. Their
# databases are apart too: pytest-django appends the worker's id to the test database's name (…_gw0).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = VAR_DIR / (f"test-media-{_WORKER}" if _WORKER else "test-media")
MFA_REQUIRED_FOR_STAFF = True
PAGE_CACHE = True  # as in production: the cache is emptied before each test (conftest.py)
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    # Tests use a file database so that the live server thread and concurrency tests share it.
    # TEST_SQLITE_NAME lets two test runs on one machine use separate files.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / os.environ.get("TEST_SQLITE_NAME", "test_db.sqlite3"))}
