"""The roles a login can hold (DOMAIN.md, "People and roles"). One login may hold several."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    METHODOLOGIST = "methodologist", _("Methodologist")
    LAB_MANAGER = "lab_manager", _("Lab manager")
    TEACHER = "teacher", _("Teacher")
    COORDINATOR = "coordinator", _("Institution coordinator")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    JURY_MEMBER = "jury_member", _("Jury member")
    PARTNER = "partner", _("Partner representative")


# Centre staff: they reach staff pages and must enrol a second factor first (MFA_REQUIRED_FOR_STAFF).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.METHODOLOGIST, Role.LAB_MANAGER})

# Roles that may write news and edit the home page.
CONTENT_EDITOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.METHODOLOGIST})
