"""Benchmark: the SLA strip of the ticket page (server time, SQL queries), on the bench data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python bench/sla_strip.py --repeat 30

It opens two tickets through the ticket services (so their clocks, SLA events and
timeline rows are the real ones) for a customer of its own: one just opened (first
response and resolution running) and one with a long conversation (``--exchanges``
customer messages each answered by an agent: as many next-response cycles, met, plus a
pause on the customer). It times, as a generated agent, the strip partial that htmx
refreshes every minute and the whole ticket page, then deletes its customer and tickets
again (the generated rows are not changed).
"""

import argparse
from datetime import timedelta

from common import setup_django

setup_django()

from common import bench_user, measure, measure_page, print_table  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer  # noqa: E402
from sla import selectors  # noqa: E402
from sla.models import SLATimer  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Category, Status, Ticket  # noqa: E402

BENCH_CUSTOMER = "SLA strip bench"


def make_tickets(agent, customer, exchanges: int) -> tuple[Ticket, Ticket]:
    now = timezone.now()
    fresh = services.open_ticket(customer=customer, subject="SLA strip bench: new",
                                 body_text="My parcel has not arrived.",
                                 category=Category.SHIPPING_PROBLEM, at=now)
    start = now - timedelta(minutes=10 * (2 * exchanges + 3))
    long = services.open_ticket(customer=customer, subject="SLA strip bench: long",
                                body_text="Where is my order?", category=Category.ORDER_STATUS,
                                at=start)
    at = start
    for index in range(exchanges):
        at += timedelta(minutes=10)
        services.reply(ticket=long, author=agent, body_text=f"Answer {index}", at=at,
                       set_status=Status.PENDING if index == exchanges - 1 else None)
        if index < exchanges - 1:
            at += timedelta(minutes=10)
            services.receive_message(ticket=long, body_text=f"Question {index}", at=at)
    long.refresh_from_db()
    return fresh, long


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--exchanges", type=int, default=20)
    args = parser.parse_args()
    agent = bench_user("agent", 1)
    customer = Customer.objects.create(name=BENCH_CUSTOMER, language="en")
    fresh, long = make_tickets(agent, customer, args.exchanges)
    try:
        rows = []
        for label, ticket in (("new ticket", fresh), ("long conversation", long)):
            clocks = SLATimer.objects.filter(ticket=ticket).count()
            strip = measure_page(f"/sla/tickets/{ticket.pk}/", user=agent, repeat=args.repeat,
                                 headers={"HX-Request": "true"})
            rows.append(strip.row(f"strip partial, {label} ({clocks} clocks)"))
            context = measure(lambda t=ticket: selectors.ticket_sla(
                selectors.ticket_for_strip(t.pk), now=timezone.now()), repeat=args.repeat)
            rows.append({"page": f"strip context alone (selectors), {label}",
                         "median ms": context.median_ms, "p95 ms": context.p95_ms})
            page = measure_page(f"/tickets/{ticket.pk}/", user=agent, repeat=args.repeat)
            rows.append(page.row(f"ticket page, {label}"))
        print_table(rows, title=f"SLA strip ({connection.settings_dict['NAME']})")
    finally:
        Ticket.objects.filter(customer=customer).delete()
        customer.delete()


if __name__ == "__main__":
    main()
