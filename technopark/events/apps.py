from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "technopark.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Project passports list their entries to the centre's contests; projects may not import events.
        from technopark.events.selectors import project_entries
        from technopark.events.services.consent import release_without_consent
        from technopark.people.services import register_consent_ended_handler
        from technopark.projects.selectors import register_entry_source

        register_entry_source(project_entries)
        # A child without a consent to take part leaves the events still to come (issue 12, item 10).
        register_consent_ended_handler(release_without_consent)
