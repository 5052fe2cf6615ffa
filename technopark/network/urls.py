from django.urls import path

from technopark.network.views import people, registry

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

urlpatterns += [
    path("people/", people.person_list, name="person-list"),
    path("people/new/", people.student_create, name="student-create"),
    path("people/new/class/", people.class_create, name="class-create"),
    path("people/claim/", people.claim, name="claim"),
    path("people/<int:person_id>/", people.person_detail, name="person-detail"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:person_id>/birth-date/confirm/", people.birth_date_confirm, name="birth-date-confirm"),
    path("people/<int:person_id>/affiliations/", people.affiliation_add, name="affiliation-add"),
    path("people/affiliations/<int:affiliation_id>/remove/", people.affiliation_remove, name="affiliation-remove"),
    path("people/<int:person_id>/guardians/new/", people.guardian_add, name="guardian-add"),
    path("people/<int:person_id>/guardians/<int:guardian_id>/remove/", people.guardian_remove, name="guardian-remove"),
    path("people/<int:person_id>/claim-code/", people.claim_code_issue, name="claim-code-issue"),
    path("people/<int:person_id>/consents/paper/", people.consent_paper, name="consent-paper"),
    path("people/<int:person_id>/consents/<str:purpose>/", people.consent_give, name="consent-give"),
    path("people/consents/<int:consent_id>/withdraw/", people.consent_withdraw, name="consent-withdraw"),
    path("people/consents/<int:consent_id>/scan/", people.consent_scan, name="consent-scan"),
    path("staff/people/duplicates/", people.duplicate_list, name="duplicate-list"),
    path("staff/people/merge/<int:keep_id>/<int:other_id>/", people.person_merge, name="person-merge"),
    path("staff/people/not-duplicate/<int:first_id>/<int:second_id>/", people.not_duplicate, name="not-duplicate"),
]
