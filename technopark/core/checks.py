from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Error(
                "SECRET_KEY is not set in the environment.",
                hint="Set SECRET_KEY to a long random string (README → Production).",
                id="technopark.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def staff_need_a_second_factor(app_configs: Any, **kwargs: Any) -> list[checks.Warning]:
    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", True):
        return [
            checks.Warning(
                "MFA_REQUIRED_FOR_STAFF is off: centre staff reach children's personal data with a password alone.",
                hint="Remove MFA_REQUIRED_FOR_STAFF from the environment or set it to 1 (README → Production); "
                "only the local demo turns it off.",
                id="technopark.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def proxy_hops_are_counted(app_configs: Any, **kwargs: Any) -> list[checks.Warning]:
    if getattr(settings, "BEHIND_PROXY", False) and getattr(settings, "TRUSTED_PROXY_COUNT", 0) < 1:
        return [
            checks.Warning(
                "BEHIND_PROXY is on but TRUSTED_PROXY_COUNT is 0: every visitor would share the proxy's address, "
                "so one person's failed sign-ins would lock everyone out, and the audit log would record the "
                "proxy instead of the visitor.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
                "(1 for the README's nginx).",
                id="technopark.W002",
            )
        ]
    return []
