from django.contrib.admin.apps import AdminConfig


class TechnoparkAdminConfig(AdminConfig):
    """The Django admin, gated by the same role and second-factor rules as staff pages."""

    default_site = "technopark.accounts.admin_site.TechnoparkAdminSite"
