from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from helpdesk.roles import Role, role_required
from tickets.models import Ticket

from . import selectors, services
from .models import Notification


@role_required(Role.AGENT)
def ticket_strip(request, pk):
    """The SLA strip of the ticket page, alone (htmx refreshes it every minute)."""
    try:
        ticket = selectors.ticket_for_strip(pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "sla/_ticket_sla.html",
                  selectors.ticket_sla(ticket, now=timezone.now()))


@role_required(Role.MANAGER)
def notifications(request):
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(
        request.GET.get("page"))
    return render(request, "sla/notifications.html", {
        "page": page, "unread": selectors.unread_count(request.user)})


@require_POST
@role_required(Role.MANAGER)
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_notifications_read(user=request.user, ids=[notification.pk],
                                     at=timezone.now())
    if request.htmx:
        notification = selectors.notifications_for(request.user).get(pk=pk)
        return render(request, "sla/notifications.html#notification",
                      {"notification": notification})
    return redirect("sla:notifications")


@require_POST
@role_required(Role.MANAGER)
def notifications_read_all(request):
    services.mark_notifications_read(user=request.user, ids=None, at=timezone.now())
    return redirect("sla:notifications")
