from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_to_serve_without_a_secret() -> None:
    """A server with DEBUG off never runs on the built-in placeholder key: sessions and password
    reset links would be forgeable."""
    if settings.SECRET_KEY_MISSING and not settings.DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off")
