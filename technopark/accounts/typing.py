"""The names other modules annotate the people using the site with."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from technopark.accounts.models import User

# Who a page or an access check works for: `request.user`, signed in or not. Narrow it with
# `if not user.is_authenticated: ...`; django-stubs types that flag so mypy then knows the `User`.
AnyUser: TypeAlias = User | AnonymousUser
