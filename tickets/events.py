"""Ticket history, recorded on purpose by the services that change a ticket."""

from datetime import datetime

from django.utils import timezone

from .models import Ticket, TicketEvent


def record(ticket: Ticket, kind: str, *, actor=None, at: datetime | None = None,
           **data) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
        created_at=at or timezone.now(),
    )
