from django.urls import path

from technopark.network.views import registry

app_name = "network"

urlpatterns = [
    path("network/", registry.institution_list, name="institution-list"),
    path("network/<int:institution_id>/", registry.institution_detail, name="institution-detail"),
    path("network/agreements/<int:agreement_id>/scan/", registry.agreement_scan, name="agreement-scan"),
    path("staff/network/export.<str:file_format>", registry.institution_export, name="institution-export"),
    path("staff/network/new/", registry.institution_create, name="institution-create"),
    path("staff/network/<int:institution_id>/", registry.institution_edit, name="institution-edit"),
    path("staff/network/<int:institution_id>/active/", registry.institution_set_active, name="institution-set-active"),
    path("staff/network/<int:institution_id>/coordinators/", registry.coordinator_add, name="coordinator-add"),
    path(
        "staff/network/<int:institution_id>/coordinators/<int:user_id>/remove/",
        registry.coordinator_remove,
        name="coordinator-remove",
    ),
    path("staff/network/<int:institution_id>/contacts/new/", registry.contact_create, name="contact-create"),
    path("staff/network/contacts/<int:contact_id>/", registry.contact_edit, name="contact-edit"),
    path("staff/network/contacts/<int:contact_id>/delete/", registry.contact_delete, name="contact-delete"),
    path("staff/network/<int:institution_id>/agreements/new/", registry.agreement_create, name="agreement-create"),
    path("staff/agreements/", registry.agreement_list, name="agreement-list"),
    path("staff/agreements/<int:agreement_id>/", registry.agreement_edit, name="agreement-edit"),
    path("staff/agreements/<int:agreement_id>/delete/", registry.agreement_delete, name="agreement-delete"),
    path("staff/network/import/", registry.import_start, name="import-start"),
    path("staff/network/import/template.xlsx", registry.import_template, name="import-template"),
    path("staff/network/import/<int:job_id>/", registry.import_job, name="import-job"),
    path("staff/network/import/<int:job_id>/progress/", registry.import_progress, name="import-progress"),
    path("staff/network/import/<int:job_id>/confirm/", registry.import_confirm, name="import-confirm"),
]
