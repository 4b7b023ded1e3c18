"""The demo data goes through the SLA engine."""

from helpdesk.demo import seed_demo
from sla.models import SLATimer, TicketSLA
from tickets.models import Status, Ticket, TicketEvent


def test_demo_tickets_get_policies_clocks_and_deadlines_and_seeding_twice_is_safe(db):
    created = seed_demo(customers=12)
    assert created["tickets"] > 0
    tickets = list(Ticket.objects.all())
    assert TicketSLA.objects.filter(policy__isnull=False).count() == len(tickets)
    for ticket in tickets:
        running = [t.due_at for t in SLATimer.objects.filter(ticket=ticket,
                                                            anchor_at__isnull=False)]
        if ticket.status in (Status.NEW, Status.OPEN):
            assert ticket.sla_due_at == min(running)
        else:
            assert ticket.sla_due_at is None
    assert TicketEvent.objects.filter(kind="sla", data__sla="policy_applied").count() == len(
        tickets)
    # Tickets opened days ago have been swept: their overdue first responses are breached.
    assert SLATimer.objects.filter(state="breached", breached_at__isnull=False).exists()

    assert seed_demo(customers=12) == {"customers": 0, "orders": 0, "tickets": 0}
    assert Ticket.objects.count() == len(tickets)
