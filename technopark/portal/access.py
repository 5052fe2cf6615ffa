"""Who may read and write news and home page texts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from technopark.accounts.access import may_act_as
from technopark.accounts.roles import CONTENT_EDITOR_ROLES
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.portal.models import HomeBlock, News


def may_edit_content(user: AnyUser) -> bool:
    """Methodologists and administrators write news and edit the home page."""
    return may_act_as(user, *CONTENT_EDITOR_ROLES)


def visible_news(user: AnyUser) -> QuerySet[News]:
    """Everyone sees published news; editors also see drafts."""
    if may_edit_content(user):
        return News.objects.all()
    return News.objects.filter(status=News.Status.PUBLISHED, published_at__lte=timezone.now())


def access_news(user: AnyUser, news_id: int, *, for_write: bool = False) -> News:
    """The news item if ``user`` may see it (404 otherwise, audited); for writing, editors only (403)."""
    if for_write and not may_edit_content(user):
        raise PermissionDenied
    return get_visible_or_404(visible_news(user), user=user, pk=news_id)


def access_home_block(user: AnyUser, block_id: int) -> HomeBlock:
    if not may_edit_content(user):
        raise PermissionDenied
    return get_visible_or_404(HomeBlock.objects.all(), user=user, pk=block_id)
