from django.urls import path

from technopark.events.views import announce, attendance, calendar, documents, registration, results

app_name = "events"

urlpatterns = [
    path("events/", calendar.calendar_list, name="calendar"),
    path("events/month/", calendar.calendar_month, name="calendar-month"),
    path("events/feed.ics", calendar.calendar_feed, name="calendar-feed"),
    path("events/<int:event_id>/", calendar.event_detail, name="event-detail"),
    path("events/<int:event_id>/image/", calendar.event_image, name="event-image"),
    path("events/<int:event_id>/results/", results.event_results, name="event-results"),
    path("events/documents/<int:document_id>/", calendar.document_file, name="document-file"),
    path("events/<int:event_id>/register/", registration.event_register, name="event-register"),
    path("events/my/", registration.my_registrations, name="my-registrations"),
    path("events/my/<str:token>/feed.ics", registration.personal_feed, name="personal-feed"),
    path(
        "events/registrations/<int:registration_id>/cancel/",
        registration.registration_cancel,
        name="registration-cancel",
    ),
    path(
        "events/registrations/<int:registration_id>/leave/",
        registration.registration_leave,
        name="registration-leave",
    ),
    path(
        "events/registrations/<int:registration_id>/project/",
        registration.registration_project,
        name="registration-project",
    ),
    path("events/registrations/<int:registration_id>/qr.svg", attendance.registration_qr, name="registration-qr"),
    path("events/check-in/<str:code>/", attendance.check_in, name="check-in"),
    path("staff/events/<int:event_id>/check-in/", attendance.check_in_list, name="check-in-list"),
    path(
        "events/<int:event_id>/institutions/<int:institution_id>/participants.<str:file_format>",
        attendance.institution_participants_export,
        name="institution-participants-export",
    ),
    path("staff/events/", announce.event_manage, name="event-manage"),
    path(
        "staff/events/<int:event_id>/participants.<str:file_format>",
        attendance.participants_export,
        name="participants-export",
    ),
    path("staff/events/<int:event_id>/registrations/", attendance.event_registrations, name="event-registrations"),
    path("staff/events/<int:event_id>/results/", results.results_edit, name="results-edit"),
    path(
        "staff/events/registrations/<int:registration_id>/decide/",
        attendance.registration_decide,
        name="registration-decide",
    ),
    path("staff/events/new/", announce.event_create, name="event-create"),
    path("staff/events/<int:event_id>/", announce.event_edit, name="event-edit"),
    path("staff/events/<int:event_id>/sessions/", announce.event_sessions, name="event-sessions"),
    path("staff/events/<int:event_id>/nominations/", announce.event_nominations, name="event-nominations"),
    path("staff/events/<int:event_id>/status/", announce.event_status, name="event-status"),
    path("staff/events/<int:event_id>/documents/", announce.document_add, name="document-add"),
    path("staff/events/nominations/<int:nomination_id>/", announce.nomination_edit, name="nomination-edit"),
    path("staff/events/nominations/<int:nomination_id>/delete/", announce.nomination_delete, name="nomination-delete"),
    path("staff/events/documents/<int:document_id>/delete/", announce.document_delete, name="document-delete"),
    path("staff/events/<int:event_id>/questions/", announce.event_questions, name="event-questions"),
    path("staff/events/questions/<int:question_id>/", announce.question_edit, name="question-edit"),
    path("staff/events/questions/<int:question_id>/delete/", announce.question_delete, name="question-delete"),
    path("events/answers/<int:answer_id>/", attendance.answer_file, name="answer-file"),
    path("staff/events/<int:event_id>/certificates/", documents.certificates_manage, name="certificates"),
    path("staff/events/certificates/jobs/<int:job_id>/", documents.certificates_job, name="certificates-job"),
    path(
        "staff/events/certificates/jobs/<int:job_id>/progress/",
        documents.certificates_progress,
        name="certificates-progress",
    ),
    path(
        "staff/events/certificates/<int:certificate_id>/revoke/",
        documents.certificate_revoke,
        name="certificate-revoke",
    ),
    path("events/certificates/<int:certificate_id>.pdf", documents.certificate_file, name="certificate-file"),
    path(
        "events/<int:event_id>/institutions/<int:institution_id>/documents.zip",
        documents.certificates_zip,
        name="certificates-zip",
    ),
    path("verify/", documents.verify, name="verify-form"),
    path("verify/<str:code>/", documents.verify, name="verify"),
]
