from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from technopark.core.bounds import Id
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH
from technopark.core.pagination import Pagination
from technopark.portal import selectors, services
from technopark.portal.access import access_news, may_edit_content, visible_news
from technopark.portal.models import News

router = Router(tags=["news"])


class NewsSummaryOut(Schema):
    """A news item in a list: everything but the full texts (fetch one item for those)."""

    id: int
    status: str
    published_at: dt.datetime | None
    title: str = Field(description="In the language of the request (Accept-Language), falling back to Russian")
    title_ru: str
    title_be: str
    title_en: str
    lead_ru: str
    lead_be: str
    lead_en: str
    image_url: str | None
    url: str

    @staticmethod
    def resolve_title(obj: News) -> str:
        return translated(obj, "title")

    @staticmethod
    def resolve_image_url(obj: News) -> str | None:
        return reverse("portal:news-image", kwargs={"news_id": obj.pk}) if obj.image else None

    @staticmethod
    def resolve_url(obj: News) -> str:
        return reverse("portal:news-detail", kwargs={"news_id": obj.pk})


class NewsOut(NewsSummaryOut):
    body_ru: str
    body_be: str
    body_en: str


class NewsIn(Schema):
    title_ru: str = Field(min_length=1, max_length=200)
    title_be: str = Field("", max_length=200)
    title_en: str = Field("", max_length=200)
    lead_ru: str = Field("", max_length=500)
    lead_be: str = Field("", max_length=500)
    lead_en: str = Field("", max_length=500)
    body_ru: str = Field("", max_length=LONG_TEXT_LENGTH)
    body_be: str = Field("", max_length=LONG_TEXT_LENGTH)
    body_en: str = Field("", max_length=LONG_TEXT_LENGTH)


class NewsPatch(Schema):
    title_ru: str | None = Field(None, min_length=1, max_length=200)
    title_be: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    lead_ru: str | None = Field(None, max_length=500)
    lead_be: str | None = Field(None, max_length=500)
    lead_en: str | None = Field(None, max_length=500)
    body_ru: str | None = Field(None, max_length=LONG_TEXT_LENGTH)
    body_be: str | None = Field(None, max_length=LONG_TEXT_LENGTH)
    body_en: str | None = Field(None, max_length=LONG_TEXT_LENGTH)
    status: News.Status | None = Field(None, description="'published' publishes, 'draft' takes it off the portal")


@router.get("/news", response=list[NewsSummaryOut], url_name="news-list", summary="News")
@paginate(Pagination)
def list_news(request: HttpRequest) -> Any:
    """Published news, newest first. Methodologists and administrators also get drafts."""
    user = request.auth  # type: ignore[attr-defined]
    if may_edit_content(user):
        return selectors.news_cards(visible_news(user).order_by("-created_at", "-id"))
    return selectors.news_cards(selectors.published_news())


@router.get("/news/{news_id}", response=NewsOut, url_name="news-detail", summary="One news item")
def get_news(request: HttpRequest, news_id: Id) -> News:
    return access_news(request.auth, news_id)  # type: ignore[attr-defined]


@router.post("/news", response={201: NewsOut}, url_name="news-create", summary="Write a news item (draft)")
def create_news(request: HttpRequest, payload: NewsIn) -> Status[News]:
    """Methodologists and administrators. The item starts as a draft; PATCH ``status`` to publish it."""
    user = request.auth  # type: ignore[attr-defined]
    if not may_edit_content(user):
        raise PermissionDenied
    return Status(201, services.create_news(actor=user, **payload.dict()))


@router.patch("/news/{news_id}", response=NewsOut, url_name="news-update", summary="Change or publish a news item")
def update_news(request: HttpRequest, news_id: Id, payload: NewsPatch) -> News:
    user = request.auth  # type: ignore[attr-defined]
    news = access_news(user, news_id, for_write=True)
    return services.change_news(news, actor=user, **payload.dict(exclude_unset=True, exclude_none=True))
