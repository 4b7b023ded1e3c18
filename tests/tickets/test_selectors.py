from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from customers.models import ShipmentStatus
from notices import services as notice_services
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
    delayed_shipment,
    tier,
)
from tickets import selectors
from tickets.selectors import InboxQuery

NOW = timezone.now().replace(microsecond=0)


def ids(query=None, user=None, **kwargs):
    page = selectors.inbox_page(query or InboxQuery(**kwargs), user=user, now=NOW)
    return [t.pk for t in page.tickets]


def due(minutes, **kwargs):
    return TicketFactory(sla_due_at=NOW + timedelta(minutes=minutes), **kwargs)


def test_open_tickets_come_nearest_deadline_first_and_those_without_one_last(agent):
    later, no_deadline, sooner, overdue = due(60), TicketFactory(), due(5), due(-30)
    TicketFactory(status="solved", sla_due_at=NOW)
    assert ids(user=agent) == [overdue.pk, sooner.pk, later.pk, no_deadline.pk]


def test_the_built_in_views(agent, other_agent, team):
    mine = due(30, assignee=agent)
    unassigned = due(20)
    breaching = due(10, assignee=other_agent)
    overdue = due(-5, assignee=other_agent)
    pending = TicketFactory(status="pending", sla_due_at=NOW - timedelta(minutes=50),
                            assignee=other_agent)
    vip = due(500, customer=CustomerFactory(tier=tier("Gold")), assignee=other_agent, team=team)
    solved = TicketFactory(status="solved", assignee=agent)

    assert ids(user=agent, view="mine") == [mine.pk]
    assert ids(user=agent, view="unassigned") == [unassigned.pk]
    assert ids(user=agent, view="breaching") == [breaching.pk, unassigned.pk, mine.pk]
    assert ids(user=agent, view="overdue") == [overdue.pk]  # a paused ticket is not overdue
    assert ids(user=agent, view="pending") == [pending.pk]
    assert ids(user=agent, view="vip") == [vip.pk]
    assert ids(user=agent, view=f"team-{team.pk}") == [vip.pk]
    assert solved.pk in ids(user=agent, view="all")
    assert solved.pk not in ids(user=agent, view="open")


def test_silver_counts_as_vip_and_bronze_does_not(agent):
    silver = due(5, customer=CustomerFactory(tier=tier("Silver")))
    due(6, customer=CustomerFactory(tier=tier("Bronze")))
    assert ids(user=agent, view="vip") == [silver.pk]


def test_the_channel_view(agent):
    phone = due(5, channel="phone")
    due(6, channel="email")
    assert ids(user=agent, view="channel-phone") == [phone.pk]


def test_filters_narrow_the_view(agent, other_agent, team):
    gold = tier("Gold")
    match = due(5, priority="urgent", category="damaged", channel="chat", team=team,
                assignee=other_agent, customer=CustomerFactory(tier=gold))
    match.tags.add("customs")
    due(6, priority="urgent", category="damaged", channel="chat", team=team)
    due(7)
    query = InboxQuery(priority=["urgent"], category=["damaged"], channel=["chat"],
                       team=[team.pk], assignee=str(other_agent.pk), tier=[gold.pk],
                       tag="CUSTOMS")
    assert ids(query, user=agent) == [match.pk]
    assert ids(user=agent, assignee="none") == [t for t in ids(user=agent) if t != match.pk]


def test_the_date_range_filter_includes_both_days(agent):
    first = TicketFactory(created_at=NOW.replace(hour=12) - timedelta(days=2))
    TicketFactory(created_at=NOW.replace(hour=12) - timedelta(days=5))
    day = timezone.localdate(first.created_at)
    assert ids(user=agent, created_from=day, created_to=day) == [first.pk]


def test_keyset_pages_cover_every_ticket_once_even_with_equal_deadlines(agent):
    same = NOW + timedelta(minutes=10)
    tickets = [TicketFactory(sla_due_at=same) for _ in range(5)] + [due(i) for i in range(4)] \
        + [TicketFactory() for _ in range(4)]
    seen, cursor = [], ""
    for _ in range(10):
        page = selectors.inbox_page(InboxQuery(cursor=cursor), user=agent, now=NOW, limit=3)
        seen += [t.pk for t in page.tickets]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert len(seen) == len(set(seen))


def test_keyset_pages_newest_first(agent):
    tickets = [TicketFactory(created_at=NOW - timedelta(minutes=i % 3)) for i in range(7)]
    seen, cursor = [], ""
    while True:
        page = selectors.inbox_page(InboxQuery(view="all", cursor=cursor), user=agent, now=NOW,
                                    limit=2)
        seen += page.tickets
        cursor = page.next_cursor
        if not cursor:
            break
    assert [t.pk for t in seen] == [t.pk for t in sorted(
        tickets, key=lambda t: (t.created_at, t.pk), reverse=True)]


@pytest.mark.parametrize("cursor", ["garbage", "W251bGwsICJ4Il0", "e30"])
def test_an_unreadable_cursor_starts_at_the_first_page(agent, cursor):
    first = due(1)
    page = selectors.inbox_page(InboxQuery(cursor=cursor), user=agent, now=NOW)
    assert page.is_first and [t.pk for t in page.tickets] == [first.pk]


def test_the_delayed_orders_view_lists_open_tickets_about_an_order_with_an_open_delay(agent):
    delayed = delayed_shipment()
    [proactive] = delayed.order.tickets.all()  # the notice's own ticket, about the order
    asking = due(5, customer=delayed.customer, order=delayed.order)
    due(6, customer=delayed.customer, order=ShipmentFactory().order)  # on time
    TicketFactory(status="solved", order=delayed.order)
    over = delayed_shipment()
    over_ticket = due(7, customer=over.customer, order=over.order)
    over.status = ShipmentStatus.DELIVERED
    over.save(update_fields=["status"])
    notice_services.check_shipments(shipment_ids=[over.pk])  # the delay is over
    due(8, order=OrderFactory())  # no shipment yet

    listed = ids(user=agent, view="delayed")

    assert set(listed) == {asking.pk, proactive.pk}
    assert over_ticket.pk not in listed
    with time_machine.travel(NOW, tick=False):
        assert selectors.view_counts(user=agent)["delayed"] == 2


def test_view_counts(agent, other_agent, team):
    due(30, assignee=agent, team=team)
    due(10, channel="phone")
    due(-5)
    TicketFactory(status="pending")
    due(60 * 5, customer=CustomerFactory(tier=tier("Gold")))
    TicketFactory(status="closed")
    with time_machine.travel(NOW, tick=False):
        counts = selectors.view_counts(user=agent)
    assert counts["open"] == 5 and counts["mine"] == 1 and counts["unassigned"] == 4
    assert counts["breaching"] == 2 and counts["overdue"] == 1 and counts["pending"] == 1
    assert counts["vip"] == 1
    assert counts["teams"] == {team.pk: 1}
    assert counts["channels"] == {"email": 4, "phone": 1}


def test_the_customers_other_tickets_exclude_the_current_one(db):
    customer = CustomerFactory()
    current, older = TicketFactory(customer=customer), TicketFactory(customer=customer)
    TicketFactory()
    assert selectors.customer_tickets(customer, exclude=current) == [older]


def test_assignable_agents_are_staff_with_a_role(agent, manager, outsider):
    staff = list(selectors.assignable_agents())
    assert agent in staff and manager in staff and outsider not in staff


def test_customers_are_found_for_the_picker_by_name_email_or_order(db):
    from tests.factories import OrderFactory

    customer = CustomerFactory(name="Lin Wei", email="lin@example.cn")
    OrderFactory(customer=customer, number="77001")
    CustomerFactory(name="Zhao Min")
    assert selectors.customers_matching("lin") == [customer]
    assert selectors.customers_matching("lin@example.cn") == [customer]
    assert selectors.customers_matching("#77001") == [customer]
    assert selectors.customers_matching("  ") == []
