from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "technopark.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Project passports list their entries to the centre's contests; projects may not import events.
        from technopark.events.selectors import project_entries
        from technopark.projects.selectors import register_entry_source

        register_entry_source(project_entries)
