"""Read paths for ticket pages, written for their query count and index."""

from django.db.models import Prefetch, QuerySet

from .models import Message, Ticket


def inbox_tickets() -> QuerySet[Ticket]:
    return (
        Ticket.objects.open()
        .select_related("customer__tier", "assignee", "team")
        .order_by("sla_due_at", "id")
    )


def ticket_for_workspace(pk: int) -> Ticket:
    return (
        Ticket.objects.select_related("customer__tier", "assignee", "team", "order")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.select_related("author")))
        .get(pk=pk)
    )
