from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from technopark.accounts.access import may_act_as
from technopark.accounts.roles import CONTENT_EDITOR_ROLES
from technopark.events.access import may_manage_events
from technopark.labs.access import may_manage_labs
from technopark.network.access import may_manage_network
from technopark.people.access import may_manage_people


def _staff_menu(request: HttpRequest) -> list[dict[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_centre_staff:
        return []
    items = []
    if may_act_as(user, *CONTENT_EDITOR_ROLES):
        items += [
            {"url": reverse("portal:news-manage"), "label": _("News")},
            {"url": reverse("portal:home-blocks"), "label": _("Home page texts")},
        ]
    if may_manage_events(user):
        items += [{"url": reverse("events:event-manage"), "label": _("Events")}]
    if may_manage_labs(user):
        items += [
            {"url": reverse("labs:staff"), "label": _("Labs and bookings")},
            {"url": reverse("labs:staff-authorisations"), "label": _("Authorisations")},
        ]
    if may_manage_network(user):
        items += [
            {"url": reverse("network:agreement-list"), "label": _("Cooperation agreements")},
            {"url": reverse("network:import-start"), "label": _("Import institutions")},
        ]
    if may_manage_people(user):
        items += [
            {"url": reverse("people:duplicate-list"), "label": _("Possible duplicates")},
            {"url": reverse("people:consent-text-list"), "label": _("Consent texts")},
        ]
    if may_act_as(user):
        items += [
            {"url": reverse("accounts:user-list"), "label": _("Users and roles")},
            {"url": reverse("accounts:audit-list"), "label": _("Audit log")},
            {"url": reverse("admin:index"), "label": _("Back office")},
        ]
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff menu in the header, built only when a template asks for it."""
    return {"staff_menu": SimpleLazyObject(lambda: _staff_menu(request))}
