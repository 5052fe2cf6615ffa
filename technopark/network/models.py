"""The capital's educational cluster: districts, institutions and partners, their contacts and
cooperation agreements (DOMAIN.md: Institution, District, Agreement)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import TEXT_LENGTH, BoundedTextField, TimeStampedModel

# An agreement is "expiring" this many days before its end.
EXPIRING_WITHIN_DAYS = 60


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class DistrictKind(models.TextChoices):
    MINSK = "minsk", _("District of Minsk")
    REGION = "region", _("Region of Belarus")
    ABROAD = "abroad", _("Abroad")


class District(models.Model):
    """Where an institution is: one of Minsk's 9 districts, one of Belarus's 6 regions, or abroad."""

    Kind: TypeAlias = DistrictKind

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_be = models.CharField(_("name (Belarusian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("Secondary school")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    LYCEUM = "lyceum", _("Lyceum")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    ADDITIONAL = "additional", _("Centre of additional education")
    NAS_INSTITUTE = "nas_institute", _("Institute of the Academy of Sciences")
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC_ORGANISATION = "public_organisation", _("Public organisation")
    OTHER = "other", _("Other organisation")


class Institution(TimeStampedModel):
    """A member of the cluster: a school, college, university, centre of additional education, an
    Academy of Sciences institute, an enterprise, a public organisation or a foreign partner."""

    Kind: TypeAlias = InstitutionKind

    class ClusterRole(models.TextChoices):
        BASE = "base", _("Base institution")
        PARTNER = "partner", _("Partner")
        ASSOCIATE = "associate", _("Associate member")

    full_name = models.CharField(_("full official name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    country = models.CharField(_("country"), max_length=100, blank=True, help_text=_("For partners abroad"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    cluster_role = models.CharField(_("role in the cluster"), max_length=12, choices=ClusterRole.choices)
    is_active = models.BooleanField(pgettext_lazy("institution", "active"), default=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinators"), blank=True, related_name="coordinated_institutions"
    )
    # Lower-cased names for search that works alike on SQLite and PostgreSQL, whatever the case and
    # the letters ё/е; kept up to date by the services.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["short_name", "id"]
        indexes = [
            models.Index(fields=["kind", "short_name"], name="institution_kind"),
            models.Index(fields=["district", "short_name"], name="institution_district"),
            models.Index(fields=["cluster_role", "short_name"], name="institution_role"),
        ]

    def __str__(self) -> str:
        return self.short_name


class Contact(models.Model):
    """A person to call at an institution (not necessarily a user of the platform)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(pgettext_lazy("job", "position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name


def agreement_scan_path(instance: Any, filename: str) -> str:
    return random_upload_name("agreements", filename)


class AgreementStatus(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet in force")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")


class Agreement(TimeStampedModel):
    """A cooperation agreement with a partner: its number, dates, subject, what the partner offers."""

    class Resource(models.TextChoices):
        MENTORS = "mentors", _("Mentors")
        EQUIPMENT = "equipment", _("Equipment")
        VENUES = "venues", _("Venues")
        INTERNSHIPS = "internships", _("Internships")

    Status: TypeAlias = AgreementStatus

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="agreements"
    )
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: without an end date"))
    subject = BoundedTextField(_("subject"), max_length=TEXT_LENGTH)
    resources = models.JSONField(_("resources the partner offers"), default=list, blank=True)
    scan = models.FileField(_("signed scan"), upload_to=agreement_scan_path, blank=True)

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["valid_until"], name="agreement_valid_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"№ {self.number} ({self.institution})"

    def status_on(self, day: dt.date) -> str:
        """The status on ``day``: computed from the dates, never stored."""
        if day < self.valid_from:
            return self.Status.NOT_YET
        if self.valid_until is None:
            return self.Status.ACTIVE
        if day > self.valid_until:
            return self.Status.EXPIRED
        if (self.valid_until - day).days <= EXPIRING_WITHIN_DAYS:
            return self.Status.EXPIRING
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def resource_labels(self) -> list[str]:
        return [str(self.Resource(code).label) for code in self.resources if code in self.Resource.values]
