from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "technopark.labs"
    label = "labs"
    verbose_name = _("Labs and equipment")

    def ready(self) -> None:
        # A child without a consent to take part loses their coming bookings (issue 12, item 10); accounts
        # may not import labs.
        from technopark.labs.services.consent import release_bookings_without_consent
        from technopark.people.services import register_consent_ended_handler

        register_consent_ended_handler(release_bookings_without_consent)
