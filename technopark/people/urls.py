from django.urls import path

from technopark.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.student_create, name="student-create"),
    path("people/new/class/", views.class_create, name="class-create"),
    path("people/claim/", views.claim, name="claim"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:person_id>/birth-date/confirm/", views.birth_date_confirm, name="birth-date-confirm"),
    path("people/<int:person_id>/affiliations/", views.affiliation_add, name="affiliation-add"),
    path("people/affiliations/<int:affiliation_id>/remove/", views.affiliation_remove, name="affiliation-remove"),
    path("people/<int:person_id>/guardians/new/", views.guardian_add, name="guardian-add"),
    path("people/<int:person_id>/guardians/<int:guardian_id>/remove/", views.guardian_remove, name="guardian-remove"),
    path("people/<int:person_id>/claim-code/", views.claim_code_issue, name="claim-code-issue"),
    path("people/<int:person_id>/consents/paper/", views.consent_paper, name="consent-paper"),
    path("people/<int:person_id>/consents/<str:purpose>/", views.consent_give, name="consent-give"),
    path("people/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("people/consents/<int:consent_id>/scan/", views.consent_scan, name="consent-scan"),
    path("staff/people/duplicates/", views.duplicate_list, name="duplicate-list"),
    path("staff/people/merge/<int:keep_id>/<int:other_id>/", views.person_merge, name="person-merge"),
    path("staff/people/not-duplicate/<int:first_id>/<int:second_id>/", views.not_duplicate, name="not-duplicate"),
    path("staff/consent-texts/", views.consent_text_list, name="consent-text-list"),
    path("staff/consent-texts/new/", views.consent_text_create, name="consent-text-create"),
    path("staff/consent-texts/<int:text_id>/", views.consent_text_edit, name="consent-text-edit"),
    path("staff/consent-texts/<int:text_id>/publish/", views.consent_text_publish, name="consent-text-publish"),
]
