from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from technopark.api.api import api
from technopark.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", core_views.api_not_found),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("technopark.accounts.urls")),
    path("", include("technopark.network.urls")),
    path("", include("technopark.people.urls")),
    path("", include("technopark.events.urls")),
    path("", include("technopark.labs.urls")),
    path("", include("technopark.projects.urls")),
    path("", include("technopark.portal.urls")),
    prefix_default_language=False,
)

handler400 = "technopark.core.views.bad_request"
handler403 = "technopark.core.views.permission_denied"
handler404 = "technopark.core.views.page_not_found"
handler500 = "technopark.core.views.server_error"
