from django.urls import path

from technopark.labs.views import booking, public, staff, trainings

app_name = "labs"

urlpatterns = [
    path("labs/", public.lab_list, name="lab-list"),
    path("labs/search/", public.search, name="search"),
    path("labs/my/", booking.my_bookings, name="my-bookings"),
    path("labs/people/", booking.people_search, name="people-search"),
    path("labs/trainings/", trainings.trainings, name="trainings"),
    path("labs/trainings/<int:session_id>/register/", trainings.training_register, name="training-register"),
    path("labs/equipment/<int:equipment_id>/", public.equipment_detail, name="equipment-detail"),
    path("labs/equipment/<int:equipment_id>/book/", booking.book, name="book"),
    path("labs/bookings/<int:booking_id>/cancel/", booking.booking_cancel, name="booking-cancel"),
    path("labs/bookings/<int:booking_id>/decide/", booking.booking_decide, name="booking-decide"),
    path("labs/<slug:code>/", public.lab_detail, name="lab-detail"),
    path("labs/<slug:code>/week/", public.lab_week, name="lab-week"),
    path("labs/<slug:code>/photo/", public.lab_photo, name="lab-photo"),
    path("labs/<slug:code>/book/", booking.lab_book, name="lab-book"),
    path("staff/labs/", staff.staff_overview, name="staff"),
    path("staff/labs/equipment/<int:equipment_id>/", staff.staff_equipment, name="staff-equipment"),
    path("staff/labs/trainings/", trainings.staff_trainings, name="staff-trainings"),
    path("staff/labs/trainings/<int:session_id>/", trainings.training_roster, name="training-roster"),
    path("staff/labs/authorisations/", staff.staff_authorisations, name="staff-authorisations"),
    path(
        "staff/labs/authorisations/<int:authorisation_id>/revoke/",
        staff.authorisation_revoke,
        name="authorisation-revoke",
    ),
    path("staff/labs/bookings/<int:booking_id>/use/", staff.booking_use, name="booking-use"),
    path("staff/labs/<slug:code>/utilisation/", staff.utilisation, name="utilisation"),
    path("staff/labs/<slug:code>/edit/", staff.lab_edit, name="lab-edit"),
    path("staff/labs/days/<int:day_id>/delete/", staff.closed_day_delete, name="closed-day-delete"),
    path("staff/labs/equipment/new/", staff.equipment_edit, name="equipment-create"),
    path("staff/labs/equipment/<int:equipment_id>/edit/", staff.equipment_edit, name="equipment-edit"),
]
