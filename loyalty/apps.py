from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty and VIP tiers")

    def ready(self):
        from tickets import timeline_wording

        from . import timeline

        timeline_wording.register("loyalty", text=timeline.describe,
                                  css_class=timeline.css_class, icon="bi-gift")
