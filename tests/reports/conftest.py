"""A small, hand-built week of tickets whose every figure is worked out by hand.

Shop hours are the seeded 09:00-21:00 every day (Asia/Shanghai). Times are wall-clock
shop times; "min" below is business minutes as the SLA clocks count them.

A  Mon 2 Mar 20:30, order status (Routine: first response 2 h), email, team Orders, Ann,
   order #1. Ann replies Tue 09:30 and sets pending (first response 30 + 30 = 60 min,
   met). The customer writes 11:00 (paused 09:30-11:00 not counted), Ann replies 11:10
   (next response 10 min, met), solves 12:00: resolution 30 + 30 + 60 = 120 min, met.
   Two replies: not a first-contact resolution.
B  Tue 3 Mar 10:00, damaged (Urgent: 15 min), chat, team Orders, Ann. Ann replies and
   solves at 10:45: first response 45 min (breached), resolution 45 min (met, 12 h).
   One reply, never reopened: first-contact resolution.
C  Tue 3 Mar 12:00, pre-sale (Routine), email, team Returns, Bo, another customer.
   Bo replies and solves 12:05 (first response 5 min, met). The customer writes again
   13:00 (reopened; a next-response cycle starts), Bo replies and solves 13:25 (next
   response 25 min, met; resolution 5 + 25 = 30 min, met). Reopened once.
D  Wed 4 Mar 09:00, complaint (Default: 2 h), web, no team, the customer of A, order #1:
   a repeat contact (same order within 7 days). Nobody answers: breached at 11:00 by
   the sweep. The customer orders again on Thu 5 Mar: a recovered complaint.
E  Wed 4 Mar 10:00, complaint, email, a Gold customer (VIP priority service: 30 min).
   Agent replies 10:10 (first response 10 min, met). Open. No new order.
F  Wed 4 Mar 10:20, order status (Routine: 2 h, warning at 75% = 11:50), phone, open and
   unanswered: at risk at noon, due 12:20.

"Now" is Wed 4 Mar 12:00 (Thu 5 Mar 12:00 for the recovered complaint).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.sweep import sweep
from tests.factories import CustomerFactory, OrderFactory, tier
from tickets import services
from tickets.models import Category, Channel, Status, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


NOW = sh(4, 12)
MIN = 60


@dataclass
class Week:
    a: Ticket
    b: Ticket
    c: Ticket
    d: Ticket
    e: Ticket
    f: Ticket
    team: object
    other_team: object
    ann: object
    bo: object
    gold: object


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def build_week(*, team, other_team, agent, other_agent, manager) -> Week:
    lin = CustomerFactory(name="Lin Wei")
    zhao = CustomerFactory(name="Zhao Min")
    gold = CustomerFactory(name="Sara Gold", tier=tier("Gold"))
    wang = CustomerFactory(name="Wang Fang")
    order = OrderFactory(customer=lin, placed_at=sh(1, 10))

    def open_(customer, when, **kwargs):
        with at(when):
            return services.open_ticket(customer=customer, subject=kwargs.pop("subject"),
                                        body_text="Hello", at=when, **kwargs)

    def reply(ticket, author, when, status=None):
        with at(when):
            services.reply(ticket=ticket, author=author, body_text="Answer", set_status=status,
                           at=when)

    def assign(ticket, user, team_, when):
        with at(when):
            services.assign(ticket=ticket, agent=user, by=manager, team=team_, at=when)

    a = open_(lin, sh(2, 20, 30), subject="Where is my order?", category=Category.ORDER_STATUS,
              channel=Channel.EMAIL, order=order)
    assign(a, agent, team, sh(2, 20, 31))
    reply(a, agent, sh(3, 9, 30), Status.PENDING)
    with at(sh(3, 11)):
        services.receive_message(ticket=a, body_text="Still waiting", at=sh(3, 11))
    reply(a, agent, sh(3, 11, 10))
    with at(sh(3, 12)):
        services.change_status(ticket=a, status=Status.SOLVED, by=agent, at=sh(3, 12))

    b = open_(lin, sh(3, 10), subject="Cup arrived broken", category=Category.DAMAGED,
              channel=Channel.CHAT)
    assign(b, agent, team, sh(3, 10, 1))
    reply(b, agent, sh(3, 10, 45), Status.SOLVED)

    c = open_(zhao, sh(3, 12), subject="Is this tea organic?", category=Category.PRE_SALE,
              channel=Channel.EMAIL)
    assign(c, other_agent, other_team, sh(3, 12, 1))
    reply(c, other_agent, sh(3, 12, 5), Status.SOLVED)
    with at(sh(3, 13)):
        services.receive_message(ticket=c, body_text="One more question", at=sh(3, 13))
    reply(c, other_agent, sh(3, 13, 25), Status.SOLVED)

    d = open_(lin, sh(4, 9), subject="Very unhappy", category=Category.COMPLAINT,
              channel=Channel.WEB, order=order)
    e = open_(gold, sh(4, 10), subject="Rude courier", category=Category.COMPLAINT,
              channel=Channel.EMAIL)
    reply(e, manager, sh(4, 10, 10))
    f = open_(wang, sh(4, 10, 20), subject="Order status?", category=Category.ORDER_STATUS,
              channel=Channel.PHONE)
    with at(NOW):
        sweep(now=NOW)
    for ticket in (a, b, c, d, e, f):
        ticket.refresh_from_db()
    return Week(a=a, b=b, c=c, d=d, e=e, f=f, team=team, other_team=other_team, ann=agent,
                bo=other_agent, gold=gold)


@pytest.fixture
def week(db, team, other_team, agent, other_agent, manager) -> Week:
    return build_week(team=team, other_team=other_team, agent=agent, other_agent=other_agent,
                      manager=manager)


@pytest.fixture
def refreshed(week):
    from reports import services as report_services

    report_services.refresh_changed(now=NOW)
    return week


@pytest.fixture(scope="session", autouse=True)
def _serialized_rows_on_every_connection(django_db_setup):
    """Playwright's sync API drives the browser tests from another context, where Django
    hands out new connection objects that lack the serialized copy of the rows the data
    migrations seed (roles, tiers, SLA policies), so `serialized_rollback` would restore
    nothing after a browser test and every later test would miss them. Keep the copy on
    the connection class, where every connection object finds it."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
