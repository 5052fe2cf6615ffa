"""Every write to news and home page texts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import DomainError
from technopark.core.i18n import translated_fields
from technopark.core.services import log_action
from technopark.portal.models import HomeBlock, News

NEWS_FIELDS = frozenset(
    [
        *translated_fields("title"),
        *translated_fields("lead"),
        *translated_fields("body"),
        *translated_fields("image_alt"),
        "image",
    ]
)
HOME_BLOCK_FIELDS = frozenset(
    ["kind", "position", "link", "is_visible", *translated_fields("title"), *translated_fields("text")]
)


# The cache scope of everything public that this module writes (`core.cache`: cached pages follow it).
PUBLIC_CONTENT = "news"


class ContentError(DomainError):
    code = "content_error"


def _delete_file_on_commit(storage: Any, name: str) -> None:
    # Only once the row change is committed: a rolled-back edit must still find its file.
    transaction.on_commit(lambda: storage.delete(name))


def _apply(obj: Any, allowed: frozenset[str], values: dict[str, Any]) -> list[str]:
    """Set the allowed fields that differ; return the names of those that changed."""
    unknown = set(values) - allowed
    if unknown:
        raise ContentError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    changed = []
    for name, value in values.items():
        if name == "image":
            if value is None:  # no new upload: keep the current image
                continue
            value = value or ""  # False from a cleared file input: remove the image
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def create_news(*, actor: User, **fields: Any) -> News:
    """Write a news item as a draft. Editors only (checked by the caller)."""
    news = News(author=actor if getattr(actor, "pk", None) else None)
    _apply(news, NEWS_FIELDS, fields)
    news.full_clean()
    news.save()
    cache.changed(PUBLIC_CONTENT)
    log_action(news, "portal.news.created", actor=actor)
    return news


@transaction.atomic
def update_news(news: News, *, actor: User, **fields: Any) -> News:
    old_image = news.image.name if news.image else ""
    changed = _apply(news, NEWS_FIELDS, fields)
    if changed:
        news.full_clean()
        news.save(update_fields=[*changed, "updated_at"])
        cache.changed(PUBLIC_CONTENT)
        log_action(news, "portal.news.updated", actor=actor, data={"fields": sorted(changed)})
        if "image" in changed and old_image:
            _delete_file_on_commit(news.image.storage, old_image)
    return news


@transaction.atomic
def change_news(news: News, *, actor: User, status: str | None = None, **fields: Any) -> News:
    """Edit texts and, if ``status`` is given, publish or unpublish, all or nothing."""
    update_news(news, actor=actor, **fields)
    if status == News.Status.PUBLISHED:
        publish_news(news, actor=actor)
    elif status == News.Status.DRAFT:
        unpublish_news(news, actor=actor)
    return news


@transaction.atomic
def publish_news(news: News, *, actor: User) -> News:
    """Show the item on the portal; it keeps its first publication time if it was published before."""
    if news.is_published:
        return news
    news.status = News.Status.PUBLISHED
    news.published_at = news.published_at or timezone.now()
    news.save(update_fields=["status", "published_at", "updated_at"])
    cache.changed(PUBLIC_CONTENT)
    log_action(news, "portal.news.published", actor=actor)
    return news


@transaction.atomic
def unpublish_news(news: News, *, actor: User) -> News:
    if not news.is_published:
        return news
    news.status = News.Status.DRAFT
    news.save(update_fields=["status", "updated_at"])
    cache.changed(PUBLIC_CONTENT)
    log_action(news, "portal.news.unpublished", actor=actor)
    return news


@transaction.atomic
def delete_news(news: News, *, actor: User) -> None:
    """Delete a draft. Published items must be taken off the portal first, so nothing vanishes by a slip."""
    if news.is_published:
        raise ContentError(_("Unpublish the news item before deleting it."), code="published")
    cache.changed(PUBLIC_CONTENT)
    log_action(news, "portal.news.deleted", actor=actor, data={"title": news.title_ru})
    image = news.image.name if news.image else ""
    storage = news.image.storage
    news.delete()
    if image:
        _delete_file_on_commit(storage, image)


@transaction.atomic
def create_home_block(*, actor: User, **fields: Any) -> HomeBlock:
    block = HomeBlock()
    _apply(block, HOME_BLOCK_FIELDS, fields)
    block.full_clean()
    block.save()
    cache.changed(PUBLIC_CONTENT)
    log_action(block, "portal.home_block.created", actor=actor)
    return block


@transaction.atomic
def update_home_block(block: HomeBlock, *, actor: User, **fields: Any) -> HomeBlock:
    changed = _apply(block, HOME_BLOCK_FIELDS, fields)
    if changed:
        block.full_clean()
        block.save(update_fields=[*changed, "updated_at"])
        cache.changed(PUBLIC_CONTENT)
        log_action(block, "portal.home_block.updated", actor=actor, data={"fields": sorted(changed)})
    return block


@transaction.atomic
def delete_home_block(block: HomeBlock, *, actor: User) -> None:
    cache.changed(PUBLIC_CONTENT)
    log_action(block, "portal.home_block.deleted", actor=actor, data={"title": block.title_ru, "kind": block.kind})
    block.delete()
