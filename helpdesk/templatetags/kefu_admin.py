"""The admin index's "Kefu console" box: links to the configuration pages that exist."""

from django import template
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.roles import Role, has_role

register = template.Library()

# (label, model label or URL name). Models of apps not installed yet are skipped.
CONSOLE = [
    (_("Roles and agents"), "url:admin:kefu_roles"),
    (_("Teams"), "tickets.Team"),
    (_("Reply templates"), "replies.ReplyTemplate"),
    (_("Macros"), "replies.Macro"),
    (_("Business calendars and holidays"), "sla.BusinessCalendar"),
    (_("SLA policies"), "sla.SLAPolicy"),
    (_("Loyalty tiers"), "loyalty.Tier"),
    (_("Authority limits"), "loyalty.AuthorityLimit"),
    (_("Notice rules"), "notices.NoticeRule"),
    (_("Webhook secrets"), "customers.WebhookSecret"),
    (_("Audit trail"), "helpdesk.AuditEntry"),
]


@register.simple_tag(takes_context=True)
def kefu_console_links(context) -> list[tuple[str, str]]:
    request = context["request"]
    links = []
    for label, target in CONSOLE:
        if target.startswith("url:"):
            if not has_role(request.user, Role.ADMIN):
                continue
            try:
                links.append((label, reverse(target[4:])))
            except NoReverseMatch:
                continue
            continue
        try:
            model = apps.get_model(target)
        except (LookupError, ValueError):
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        links.append((label, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
    return links
