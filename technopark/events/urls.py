from django.urls import path

from technopark.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.calendar_list, name="calendar"),
    path("events/month/", views.calendar_month, name="calendar-month"),
    path("events/feed.ics", views.calendar_feed, name="calendar-feed"),
    path("events/<int:event_id>/", views.event_detail, name="event-detail"),
    path("events/<int:event_id>/image/", views.event_image, name="event-image"),
    path("events/<int:event_id>/results/", views.event_results, name="event-results"),
    path("events/documents/<int:document_id>/", views.document_file, name="document-file"),
    path("events/<int:event_id>/register/", views.event_register, name="event-register"),
    path("events/my/", views.my_registrations, name="my-registrations"),
    path("events/my/<str:token>/feed.ics", views.personal_feed, name="personal-feed"),
    path("events/registrations/<int:registration_id>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("events/registrations/<int:registration_id>/qr.svg", views.registration_qr, name="registration-qr"),
    path("events/check-in/<str:code>/", views.check_in, name="check-in"),
    path("staff/events/<int:event_id>/check-in/", views.check_in_list, name="check-in-list"),
    path(
        "events/<int:event_id>/institutions/<int:institution_id>/participants.<str:file_format>",
        views.institution_participants_export,
        name="institution-participants-export",
    ),
    path("staff/events/", views.event_manage, name="event-manage"),
    path(
        "staff/events/<int:event_id>/participants.<str:file_format>",
        views.participants_export,
        name="participants-export",
    ),
    path("staff/events/<int:event_id>/registrations/", views.event_registrations, name="event-registrations"),
    path("staff/events/<int:event_id>/results/", views.results_edit, name="results-edit"),
    path(
        "staff/events/registrations/<int:registration_id>/decide/",
        views.registration_decide,
        name="registration-decide",
    ),
    path("staff/events/new/", views.event_create, name="event-create"),
    path("staff/events/<int:event_id>/", views.event_edit, name="event-edit"),
    path("staff/events/<int:event_id>/sessions/", views.event_sessions, name="event-sessions"),
    path("staff/events/<int:event_id>/nominations/", views.event_nominations, name="event-nominations"),
    path("staff/events/<int:event_id>/status/", views.event_status, name="event-status"),
    path("staff/events/<int:event_id>/documents/", views.document_add, name="document-add"),
    path("staff/events/nominations/<int:nomination_id>/", views.nomination_edit, name="nomination-edit"),
    path("staff/events/nominations/<int:nomination_id>/delete/", views.nomination_delete, name="nomination-delete"),
    path("staff/events/documents/<int:document_id>/delete/", views.document_delete, name="document-delete"),
]
