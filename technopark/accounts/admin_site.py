from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from technopark.accounts.access import may_act_as, needs_mfa_enrolment, redirect_to_mfa_enrolment


class TechnoparkAdminSite(admin.AdminSite):
    """The back office of last resort: administrators only, and only after MFA enrolment."""

    site_header = gettext_lazy("Technopark back office")
    site_title = gettext_lazy("Technopark back office")
    index_title = gettext_lazy("Back office")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and may_act_as(user) and not needs_mfa_enrolment(user))

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # One way in for everyone: the site's sign-in, with its rate limits, audit and second factor.
        user = request.user
        if user.is_authenticated:
            if may_act_as(user) and needs_mfa_enrolment(user):
                return redirect_to_mfa_enrolment(request)
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
