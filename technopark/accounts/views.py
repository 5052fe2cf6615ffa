from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts import services
from technopark.accounts.access import (
    access_api_token,
    access_user,
    has_totp,
    may_issue_api_token,
    session_used_second_factor,
    signed_in_user,
    staff_required,
    visible_users,
)
from technopark.accounts.forms import ApiTokenForm, AuditFilterForm, GrantRoleForm, ProfileForm, UserFilterForm
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.accounts.selectors import find_users
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.core.selectors import audit_records

PAGE_SIZE = 50


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.update_profile(user, actor=user, **form.cleaned_data)
            messages.success(request, _("Your name has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={"last_name": user.last_name, "first_name": user.first_name, "patronymic": user.patronymic}
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": [Role(role).label for role in sorted(user.held_roles)],
            "has_totp": has_totp(user),
        },
    )


# --- Personal API tokens (DOMAIN.md rule 11 for staff tokens) -----------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The signed-in login's API tokens; a POST issues one and shows it this once."""
    user = signed_in_user(request)
    # A staff login awaiting its second factor has its session's records but may not act on them yet.
    second_factor = session_used_second_factor(request, user) and not user.awaiting_second_factor
    form = ApiTokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = services.issue_api_token(
                    user, actor=user, second_factor=second_factor, **form.cleaned_data
                )
            except DomainError as error:
                show_service_error(form, error)
            else:
                issued = {"token": token, "raw": raw}
                form = ApiTokenForm()
        if form.errors:
            status = 400
    response = render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "issued": issued,
            "tokens": user.api_tokens.all(),
            "may_issue": may_issue_api_token(user, second_factor=second_factor),
            "now": timezone.now(),
        },
        status=status,
    )
    if issued:
        response["Cache-Control"] = "no-store"  # the token itself is on this page, once
    return response


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke a token: its owner, or an administrator from the login's staff page."""
    token = access_api_token(request.user, token_id, for_write=True)
    services.revoke_api_token(token, actor=signed_in_user(request), reason="revoked")
    messages.success(request, _("The token %(prefix)s… no longer works.") % {"prefix": token.prefix})
    if token.user_id == request.user.pk:
        return redirect("accounts:token-list")
    return redirect("accounts:user-detail", user_id=token.user_id)


@staff_required()
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = find_users(visible_users(request.user), **filters)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page_obj": page})


@staff_required()
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user(request.user, user_id)
    return _render_user_detail(request, person, GrantRoleForm())


def _render_user_detail(
    request: HttpRequest, person: User, grant_form: GrantRoleForm, status: int = 200
) -> HttpResponse:
    user_type = ContentType.objects.get_for_model(User)
    history = audit_records(target_type_id=user_type.pk, target_id=str(person.pk))[:20]
    held = sorted(person.held_roles)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "held_roles": [(role, Role(role).label) for role in held],
            "grant_form": grant_form,
            "history": history,
            "person_has_totp": has_totp(person),
            "tokens": person.api_tokens.all(),
            "now": timezone.now(),
        },
        status=status,
    )


@require_POST
@staff_required()
def user_grant_role(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user(request.user, user_id, for_write=True)
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        try:
            services.grant_role(person, form.cleaned_data["role"], actor=signed_in_user(request))
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Role granted: %(role)s.") % {"role": Role(form.cleaned_data["role"]).label})
            return redirect("accounts:user-detail", user_id=person.pk)
    return _render_user_detail(request, person, form, status=400)


@require_POST
@staff_required()
def user_revoke_role(request: HttpRequest, user_id: int, role: str) -> HttpResponse:
    person = access_user(request.user, user_id, for_write=True)
    try:
        services.revoke_role(person, role, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role removed: %(role)s.") % {"role": Role(role).label})
    return redirect("accounts:user-detail", user_id=person.pk)


@require_POST
@staff_required()
def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user(request.user, user_id, for_write=True)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(person, active, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The login is active again.") if active else _("The login is blocked."))
    return redirect("accounts:user-detail", user_id=person.pk)


@staff_required()
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    records = audit_records(**form.filters()) if form.is_valid() else audit_records()
    if form.is_bound and not form.is_valid():
        records = records.none()
    page = Paginator(records.select_related("target_type"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_list.html", {"form": form, "page_obj": page})
