from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from loyalty.models import Tier

        from . import menus
        from .models import Team

        user_model = get_user_model()
        for model in (Team, user_model, Tier):
            post_save.connect(menus.forget, sender=model, dispatch_uid=f"menus-{model.__name__}")
            post_delete.connect(menus.forget, sender=model,
                                dispatch_uid=f"menus-del-{model.__name__}")
        m2m_changed.connect(menus.forget, sender=user_model.groups.through,
                            dispatch_uid="menus-roles")
