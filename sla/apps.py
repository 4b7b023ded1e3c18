from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("SLA: calendars and policies")

    def ready(self):
        from tickets import timeline_wording

        from . import timeline

        timeline_wording.register("sla", text=timeline.describe, css_class=timeline.css_class,
                                  icon="bi-stopwatch")
