from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from technopark.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    """Shown for reference only: roles change on the staff page so that every change is audited."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "granted_by", "created_at")
    readonly_fields = ("role", "granted_by", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "is_active", "date_joined", "last_login"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["email", "last_name", "first_name"]
    ordering = ["email"]
    fields = ("email", "last_name", "first_name", "patronymic", "is_active", "date_joined", "last_login")
    readonly_fields = fields
    inlines = [RoleAssignmentInline]

    # Read-only: changes to people go through the platform's pages and services, which audit them.
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
