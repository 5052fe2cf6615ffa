from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy

from technopark.accounts.access import apply_second_factor_rule, may_act_as, redirect_to_second_factor
from technopark.accounts.roles import Role


class TechnoparkAdminSite(admin.AdminSite):
    """The back office of last resort: administrators only, and only after their second factor."""

    site_header = gettext_lazy("Technopark back office")
    site_title = gettext_lazy("Technopark back office")
    index_title = gettext_lazy("Back office")

    def has_permission(self, request: HttpRequest) -> bool:
        # `is_staff` follows the administrator role in the database; `may_act_as` also knows whether this
        # session has used the second factor (DOMAIN.md rule 11).
        user = apply_second_factor_rule(request, request.user)
        return bool(user.is_active and user.is_staff and may_act_as(user))

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # One way in for everyone: the site's sign-in, with its rate limits, audit and second factor.
        user = apply_second_factor_rule(request, request.user)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index")
        if user.is_authenticated:
            if user.awaiting_second_factor and Role.ADMINISTRATOR in user.held_roles:
                return redirect_to_second_factor(request, next_url=next_url)
            raise PermissionDenied
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
