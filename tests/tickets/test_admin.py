"""The ticket admin is for look-ups and corrections; workflow changes go through the
workspace, where the SLA clocks and the history follow them."""

from django.urls import reverse

from tickets import services
from tickets.models import Status, TicketEvent

from ..factories import CustomerFactory


def test_the_admin_cannot_change_status_or_assignee_behind_the_sla_engine(client, admin_user,
                                                                            agent):
    ticket = services.open_ticket(customer=CustomerFactory(), subject="Where is it?",
                                  body_text="?")
    client.force_login(admin_user)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    page = client.get(url).content.decode()
    assert 'name="subject"' in page
    assert 'name="status"' not in page and 'name="assignee"' not in page

    response = client.post(url, {
        "subject": "Where is my parcel?", "tags": "late", "status": Status.SOLVED,
        "assignee": agent.pk,
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.subject == "Where is my parcel?"
    assert ticket.status == Status.NEW and ticket.assignee is None
    assert not TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS).exists()


def test_tickets_are_not_opened_from_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:tickets_ticket_add")).status_code == 403
