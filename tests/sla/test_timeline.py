"""SLA items on the ticket timeline, in both languages."""

from django.template.loader import render_to_string
from django.utils import translation

from sla import escalation, timeline
from sla.models import Metric
from sla.sweep import sweep
from tickets import services
from tickets.models import Category, Priority, TicketEvent

from .conftest import clock, sh


def sla_items(ticket):
    return {e.data["sla"]: e for e in TicketEvent.objects.filter(ticket=ticket, kind="sla")}


def test_policy_warning_breach_and_escalation_read_well(customer, team, manager):
    ticket = services.open_ticket(customer=customer, subject="Cracked", body_text="!",
                                  category=Category.DAMAGED, team=team,
                                  at=sh(2025, 3, 10, 10))
    sweep(now=sh(2025, 3, 10, 10, 20))
    escalation.escalate(timer_id=clock(ticket, Metric.FIRST_RESPONSE).pk,
                        now=sh(2025, 3, 10, 10, 21))
    items = sla_items(ticket)
    with translation.override("en"):
        assert timeline.describe(items["policy_applied"]) == "SLA policy applied: Urgent issue"
        assert timeline.describe(items["warned"]) == (
            "SLA warning: First response due 03/10/2025 10:15 a.m. (Urgent issue)")
        assert timeline.describe(items["breached"]).startswith("SLA breached: First response")
        assert timeline.describe(items["escalated"]) == (
            "SLA escalation for First response; priority raised to High; notified Mei Manager")
    with translation.override("zh-hans"):
        assert timeline.describe(items["policy_applied"]) == "应用 SLA 策略：紧急问题"
        assert "优先级提高为" in timeline.describe(items["escalated"])


def test_a_policy_change_names_both_policies(customer):
    from sla import services as sla_services

    ticket = services.open_ticket(customer=customer, subject="Size?", body_text="?",
                                  category=Category.PRE_SALE, at=sh(2025, 3, 10, 10))
    ticket.priority = Priority.HIGH
    ticket.save(update_fields=["priority"])
    sla_services.on_ticket_event(ticket, "fields_changed", at=sh(2025, 3, 10, 10, 5))
    [first, change] = TicketEvent.objects.filter(ticket=ticket, kind="sla").order_by("id")
    assert timeline.describe(change) == "SLA policy changed from Routine to High priority"


def test_the_timeline_partial_renders_an_sla_item(customer):
    ticket = services.open_ticket(customer=customer, subject="Late", body_text="?",
                                  category=Category.PAYMENT, at=sh(2025, 3, 10, 10))
    sweep(now=sh(2025, 3, 10, 10, 30))
    html = render_to_string("sla/_timeline_event.html", {"event": sla_items(ticket)["breached"]})
    assert 'data-sla="breached"' in html and "SLA breached: First response" in html


def test_the_ticket_page_shows_sla_items_in_words_with_breaches_in_red(client, customer, team,
                                                                       manager):
    ticket = services.open_ticket(customer=customer, subject="Cracked", body_text="!",
                                  category=Category.DAMAGED, team=team,
                                  at=sh(2025, 3, 10, 10))
    sweep(now=sh(2025, 3, 10, 10, 20))
    client.force_login(manager)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    items = [line for line in html.splitlines() if "timeline-event" in line]
    breach = next(line for line in items if "SLA breached: First response" in line)
    warning = next(line for line in items if "SLA warning: First response" in line)
    assert "text-danger" in breach and "text-warning" in warning
    assert any("SLA policy applied: Urgent issue" in line for line in items)
    assert not any("'sla'" in line or "metric" in line for line in items)
