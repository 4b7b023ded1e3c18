from django.http import Http404
from django.views.generic import DetailView, ListView

from helpdesk.roles import Role, RoleRequiredMixin

from . import selectors
from .models import Ticket


class InboxView(RoleRequiredMixin, ListView):
    required_role = Role.AGENT
    template_name = "tickets/inbox.html"
    context_object_name = "tickets"
    paginate_by = 50

    def get_queryset(self):
        return selectors.inbox_tickets()


class TicketDetailView(RoleRequiredMixin, DetailView):
    required_role = Role.AGENT
    template_name = "tickets/ticket_detail.html"
    context_object_name = "ticket"

    def get_object(self, queryset=None):
        try:
            return selectors.ticket_for_workspace(self.kwargs["pk"])
        except Ticket.DoesNotExist as exc:
            raise Http404 from exc
