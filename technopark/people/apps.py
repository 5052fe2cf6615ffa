from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "technopark.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # An institution's page links to its people for whoever sees anyone; network may not import people.
        from technopark.network.access import register_people_lister
        from technopark.people.access import sees_anyone

        register_people_lister(sees_anyone)
