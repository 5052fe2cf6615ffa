from django.urls import path

from technopark.network import views

app_name = "network"

urlpatterns = [
    path("network/", views.institution_list, name="institution-list"),
    path("network/<int:institution_id>/", views.institution_detail, name="institution-detail"),
    path("network/agreements/<int:agreement_id>/scan/", views.agreement_scan, name="agreement-scan"),
    path("staff/network/export.<str:file_format>", views.institution_export, name="institution-export"),
    path("staff/network/new/", views.institution_create, name="institution-create"),
    path("staff/network/<int:institution_id>/", views.institution_edit, name="institution-edit"),
    path("staff/network/<int:institution_id>/active/", views.institution_set_active, name="institution-set-active"),
    path("staff/network/<int:institution_id>/coordinators/", views.coordinator_add, name="coordinator-add"),
    path(
        "staff/network/<int:institution_id>/coordinators/<int:user_id>/remove/",
        views.coordinator_remove,
        name="coordinator-remove",
    ),
    path("staff/network/<int:institution_id>/contacts/new/", views.contact_create, name="contact-create"),
    path("staff/network/contacts/<int:contact_id>/", views.contact_edit, name="contact-edit"),
    path("staff/network/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact-delete"),
    path("staff/network/<int:institution_id>/agreements/new/", views.agreement_create, name="agreement-create"),
    path("staff/agreements/", views.agreement_list, name="agreement-list"),
    path("staff/agreements/<int:agreement_id>/", views.agreement_edit, name="agreement-edit"),
    path("staff/agreements/<int:agreement_id>/delete/", views.agreement_delete, name="agreement-delete"),
    path("staff/network/import/", views.import_start, name="import-start"),
    path("staff/network/import/template.xlsx", views.import_template, name="import-template"),
    path("staff/network/import/<int:job_id>/", views.import_job, name="import-job"),
    path("staff/network/import/<int:job_id>/progress/", views.import_progress, name="import-progress"),
    path("staff/network/import/<int:job_id>/confirm/", views.import_confirm, name="import-confirm"),
]
