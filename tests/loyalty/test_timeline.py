"""Coupons and store credit granted from a ticket read as sentences on its timeline."""

from decimal import Decimal

import pytest
from django.utils import translation

from loyalty import services
from tests.factories import TicketFactory


@pytest.fixture
def ticket(customer):
    return TicketFactory(customer=customer)


def timeline_lines(client, user, ticket):
    client.force_login(user)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    return [line for line in html.splitlines() if "timeline-event" in line]


def test_a_coupon_granted_on_the_ticket_appears_with_its_code(client, customer, agent, ticket):
    coupon = services.grant_coupon(customer=customer, granted_by=agent, ticket=ticket,
                                   percent_off=Decimal("10"), reason="Parcel late")
    agent_name = agent.get_full_name() or agent.get_username()
    lines = timeline_lines(client, agent, ticket)
    line = next(line for line in lines if coupon.code in line)
    assert f"{agent_name} granted apology coupon {coupon.code} (10%)" in line
    assert "text-success" in line and "bi-gift" in line


def test_credit_awaiting_approval_then_declined_reads_as_such(client, customer, agent, manager,
                                                              ticket):
    grant = services.grant_store_credit(customer=customer, granted_by=agent,
                                        amount=Decimal("80"), ticket=ticket, reason="Broken")
    lines = timeline_lines(client, agent, ticket)
    assert any("asked approval for 80.00 store credit" in line and "text-warning" in line
               for line in lines)

    services.reject_grant(grant=grant, by=manager, note="Refund already issued")
    lines = timeline_lines(client, agent, ticket)
    assert any("declined 80.00 store credit: Refund already issued" in line
               and "text-danger" in line for line in lines)


def test_the_wording_is_translated(client, customer, agent, ticket):
    services.grant_store_credit(customer=customer, granted_by=agent, amount=Decimal("20"),
                                ticket=ticket, reason="Sorry")
    with translation.override("zh-hans"):
        client.force_login(agent)
        html = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "店铺余额" in html.content.decode()
