from __future__ import annotations

from typing import Any, TypeAlias

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH, TEXT_LENGTH, BoundedTextField, TimeStampedModel
from technopark.core.validators import validate_site_link


def news_image_path(instance: Any, filename: str) -> str:
    return random_upload_name("news", filename)


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class News(TimeStampedModel):
    """A news item on the portal, written by methodologists in up to three languages."""

    Status: TypeAlias = NewsStatus

    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_be = models.CharField(_("title (Belarusian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead_ru = BoundedTextField(_("summary (Russian)"), max_length=500, blank=True)
    lead_be = BoundedTextField(_("summary (Belarusian)"), max_length=500, blank=True)
    lead_en = BoundedTextField(_("summary (English)"), max_length=500, blank=True)
    body_ru = BoundedTextField(_("text (Russian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    body_be = BoundedTextField(_("text (Belarusian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    body_en = BoundedTextField(_("text (English)"), max_length=LONG_TEXT_LENGTH, blank=True)
    image = models.ImageField(_("image"), upload_to=news_image_path, blank=True)
    image_alt_ru = models.CharField(_("image description (Russian)"), max_length=200, blank=True)
    image_alt_be = models.CharField(_("image description (Belarusian)"), max_length=200, blank=True)
    image_alt_en = models.CharField(_("image description (English)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="news_status_published")]

    def __str__(self) -> str:
        return self.title  # in the reader's language: drop-downs and lists show it

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class HomeBlockKind(models.TextChoices):
    INTRO = "intro", _("Introduction")
    DIRECTION = "direction", _("Direction")
    LAB = "lab", _("Laboratory")
    ACTIVITY = "activity", _("Line of activity")


class HomeBlock(TimeStampedModel):
    """A text on the home page that methodologists edit: the introduction, a direction, a lab,
    a line of activity. Sections show their visible blocks in ``position`` order."""

    Kind: TypeAlias = HomeBlockKind

    kind = models.CharField(_("section"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ru = models.CharField(_("heading (Russian)"), max_length=200)
    title_be = models.CharField(_("heading (Belarusian)"), max_length=200, blank=True)
    title_en = models.CharField(_("heading (English)"), max_length=200, blank=True)
    text_ru = BoundedTextField(_("text (Russian)"), max_length=TEXT_LENGTH, blank=True)
    text_be = BoundedTextField(_("text (Belarusian)"), max_length=TEXT_LENGTH, blank=True)
    text_en = BoundedTextField(_("text (English)"), max_length=TEXT_LENGTH, blank=True)
    link = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        help_text=_("A page of this site (/news/) or a full web address (https://…); leave empty for none."),
        validators=[validate_site_link],
    )
    is_visible = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("home page block")
        verbose_name_plural = _("home page blocks")
        ordering = ["kind", "position", "id"]
        indexes = [models.Index(fields=["kind", "is_visible", "position"], name="homeblock_section")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title_ru}"
