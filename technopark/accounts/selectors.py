"""Reads of logins."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from technopark.accounts.models import User


def find_users(users: QuerySet[User], *, q: str = "", role: str = "") -> QuerySet[User]:
    """``users`` narrowed by a search in e-mail and surname and by a held role, with roles prefetched."""
    users = users.prefetch_related("role_assignments").order_by("email")
    if q := q.strip():
        users = users.filter(Q(email__icontains=q) | Q(last_name__icontains=q))
    if role:
        users = users.filter(role_assignments__role=role)
    return users


def active_user_with_email(email: str) -> User | None:
    """The active login with this e-mail (any letter case), or None."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()
