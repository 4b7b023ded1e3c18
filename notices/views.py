from datetime import timedelta

from django.utils import timezone
from django.views.generic import ListView, TemplateView

from helpdesk.roles import Role, RoleRequiredMixin

from . import selectors

PERIODS = [7, 30, 90]


class NoticeReportView(RoleRequiredMixin, TemplateView):
    """Managers: delays by carrier and reason, notices, replies, contacts avoided."""

    required_role = Role.MANAGER
    template_name = "notices/report.html"

    def get_context_data(self, **kwargs):
        try:
            days = int(self.request.GET.get("days", 30))
        except ValueError:
            days = 30
        days = days if days in PERIODS else 30
        until = timezone.now()
        return super().get_context_data(
            report=selectors.notice_report(since=until - timedelta(days=days), until=until),
            days=days, periods=PERIODS, follow_up_days=selectors.FOLLOW_UP.days, **kwargs)


class DelayedShipmentsView(RoleRequiredMixin, ListView):
    """Agents: every shipment with an open delay, longest first, with its notices."""

    required_role = Role.AGENT
    template_name = "notices/delayed.html"
    context_object_name = "shipments"
    paginate_by = 50

    def get_queryset(self):
        return selectors.delayed_shipments()
