"""Settings for the technopark platform.

Everything an operator may change comes from the environment (see CONTRACTS.md and the README's
"Production" section); the defaults are safe for production except where `make run` overrides them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# The local demo (`make run`): every page says that its data are made up.
DEMO_MODE = env_bool("DEMO_MODE", False)

SECRET_KEY = env_str("SECRET_KEY")
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    # Commands that serve nothing (makemigrations, compilemessages…) may run without a secret. A server
    # with DEBUG off refuses to start without one (config/wsgi.py, config/asgi.py), and
    # `check --deploy` fails (technopark/core/checks.py); only the local demo serves with this key.
    SECRET_KEY = "insecure-local-development-key-never-used-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Project apps first: their templates override allauth's.
    "technopark.core",
    "technopark.accounts",
    "technopark.network",
    "technopark.people",
    "technopark.labs",
    "technopark.projects",
    "technopark.events",
    "technopark.portal",
    "technopark.api",
    "technopark.accounts.admin_config.TechnoparkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "technopark.core.middleware.ApiLanguageMiddleware",
    "technopark.core.middleware.RefuseNulCharactersMiddleware",
    "technopark.core.middleware.BadQueryValueMiddleware",
    "technopark.core.middleware.WriteCollisionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Centre staff act as staff only after their second factor (DOMAIN.md rule 11).
    "technopark.accounts.middleware.SecondFactorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "technopark.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "technopark.core.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "technopark.core.context_processors.centre",
                "technopark.accounts.context_processors.second_factor",
                "technopark.portal.context_processors.navigation",
            ],
            "builtins": ["technopark.core.templatetags.ui"],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///var/db.sqlite3"), base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Seconds a write waits for rows another write has locked (PostgreSQL's lock_timeout, set by
# `core.locking`) before it is refused with "try again" instead of queueing on.
DATABASE_LOCK_TIMEOUT = env_int("DATABASE_LOCK_TIMEOUT", 5)

# --- Cache ------------------------------------------------------------------------------------
# Login rate limits and the versions of cached pages and reads (`core.cache`, decision 0008) live in the
# cache, so it must be shared by every worker process: Redis when REDIS_URL is set (bounded by its own
# maxmemory), the database otherwise; local memory for a development server (one process; bounded by
# MAX_ENTRIES, a culled version is replaced by a new one).
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "technopark_cache",
        }
    }

# --- Accounts and authentication -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# allauth's sign-in by e-mail; a session's login is read with its roles in one query. The only backend
# listed: a session names the backend that signed it in (technopark/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["technopark.accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

ACCOUNT_ADAPTER = "technopark.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "technopark.accounts.forms.SignupNamesForm"  # and ФИО
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Every limit of allauth, stated here so none is left to a default: each counts one client address (the
# one `TRUSTED_PROXY_COUNT` makes of X-Forwarded-For, below), one account (`key`: the e-mail address) or
# one signed-in login (`user`), never the whole site. Failed sign-ins: at most 5 per 5 minutes for one
# account and 20 per minute from one address; the form then refuses further attempts until the window
# passes (allauth's cache-based limiter). Codes of authenticator apps count as sign-in attempts too.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "20/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "request_login_code": "20/m/ip,3/m/key",
    "change_phone": "1/m/user",
    "verify_phone": "1/30s/key,3/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Технопрорыв"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
# Staff (administrator, methodologist, lab manager) must enrol TOTP before any staff page. Only the
# local demo turns this off, and says so when it prints the demo logins.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("be", _("Belarusian")), ("en", _("English"))]
# Our own catalogs first; locale-vendor holds Belarusian for third-party apps that lack it (allauth).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-vendor"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Minsk")
# The last day of the school year ("MM-DD"): teachers book a term's lessons in a lab until it.
SCHOOL_YEAR_ENDS = env_str("SCHOOL_YEAR_ENDS", "05-31")
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served from MEDIA_URL by the web server: views check access and stream
# them (DOMAIN.md rule 8). Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
# DATA_UPLOAD_MAX_MEMORY_SIZE bounds everything of a request but its files (a form's fields, an API call's
# JSON): the largest request is then one project file and its form's fields, which the proxy in front must
# let through (README → Production: client_max_body_size; tests/test_security.py compares the two).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The body of a request but its files, refused before it is read (413 in the API): the longest form (an event's
# description in three languages, `core.models.LONG_TEXT_LENGTH` characters each, six bytes apiece
# URL-encoded or \u-escaped) is under 2 MB;
# README → Production adds it to the largest file for the proxy's client_max_body_size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_IMAGE_MAX_BYTES = env_int("UPLOAD_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
# Project files (3D models, CAD drawings, code archives) are bigger than photos.
PROJECT_FILE_MAX_BYTES = env_int("PROJECT_FILE_MAX_BYTES", 50 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600

# --- E-mail -----------------------------------------------------------------------------------------
_email = email_from_url(env_str("EMAIL_URL", "console:"))
globals().update(_email)
EMAIL_BACKEND = str(_email["EMAIL_BACKEND"])
# In production e-mail is handed to the background worker (technopark/core/mail.py); the real
# backend from EMAIL_URL then delivers it.
EMAIL_IN_BACKGROUND = env_bool("EMAIL_IN_BACKGROUND", not DEBUG)
if EMAIL_IN_BACKGROUND:
    EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
    EMAIL_BACKEND = "technopark.core.mail.TaskEmailBackend"
# The address of the site as people open it, for links in e-mails that background tasks send (they have
# no request to take it from). Defaults to https:// and the first allowed host.
SITE_URL = env_str(
    "SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not DEBUG else "http://127.0.0.1:8000",
).rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Технопрорыв <noreply@technopark.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work -----------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Security ----------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README → Production).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For; 0 means trust REMOTE_ADDR only. The
# client's address it gives (`core.context.client_ip`) is what the audit log records and what every sign-in
# rate limit counts: behind a proxy with 0 here, every visitor would share the proxy's address and its limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Rendered public pages for anonymous visitors, per worker process (technopark/core/pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# --- API ---------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- The centre (name and contacts are configuration, not code) ------------------------------------------
CENTRE = json.loads(Path(env_str("CENTRE_FILE", str(BASE_DIR / "config" / "centre.json"))).read_text("utf-8"))

# --- Logging ------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO; its warnings (a missing font) still show.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
