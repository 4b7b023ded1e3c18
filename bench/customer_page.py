"""Customer 360: the full customer page, its partials, the ticket sidebar and the customer
search, for a customer with 500 orders and 200 tickets among all generated customers.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \
      .venv/bin/python bench/customer_page.py [--repeat 30] [--remove]

The 500-order customer is added by this script on its first run (its own rows, under the
shop customer id "bench-360"; the generated rows are not touched) and kept for the next
runs; --remove deletes it again.
"""

import argparse
import random
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup_django  # noqa: E402

setup_django()

from common import bench_user, measure, measure_page, print_table  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers import selectors  # noqa: E402
from customers.models import (  # noqa: E402
    Customer,
    CustomerIdentity,
    IdentityKind,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from tickets.models import Channel, Direction, Message, Status, Ticket  # noqa: E402

SHOP_ID = "bench-360"
ORDERS, TICKETS, MESSAGES_PER_TICKET = 500, 200, 5


def bench_customer() -> Customer | None:
    identity = CustomerIdentity.objects.filter(kind=IdentityKind.SHOP, value=SHOP_ID).first()
    return identity.customer if identity else None


@transaction.atomic
def create_bench_customer(seed: int = 360) -> Customer:
    rng = random.Random(seed)
    now = timezone.now()
    customer = Customer.objects.create(name="林小满 (bench 360)", language="zh-hans",
                                       time_zone="Asia/Shanghai", notes="Bench customer.")
    CustomerIdentity.objects.bulk_create([
        CustomerIdentity(customer=customer, kind=IdentityKind.SHOP, value=SHOP_ID,
                         is_primary=True),
        CustomerIdentity(customer=customer, kind=IdentityKind.EMAIL,
                         value="bench-360@example.com", is_primary=True),
        CustomerIdentity(customer=customer, kind=IdentityKind.PHONE, value="+8613900360360",
                         is_primary=True),
    ])
    orders = Order.objects.bulk_create([
        Order(customer=customer, number=f"B360-{i:04d}", shop_order_id=f"bench-360-{i}",
              placed_at=now - timedelta(days=730 * (ORDERS - i) / ORDERS, hours=rng.random()),
              status=OrderStatus.DELIVERED if i < ORDERS - 5 else OrderStatus.FULFILLED,
              total=Decimal(rng.randrange(4000, 90000)) / 100)
        for i in range(ORDERS)])
    OrderLine.objects.bulk_create([
        OrderLine(order=order, sku=f"TEA-{k}", title=f"Tea {k}", quantity=rng.randint(1, 3),
                  unit_price=Decimal("88.00"))
        for order in orders for k in range(rng.randint(1, 3))])
    shipments = Shipment.objects.bulk_create([
        Shipment(order=order, customer=customer, carrier="SF Express",
                 tracking_number=f"SFB360{i:08d}", shipped_at=order.placed_at + timedelta(days=1),
                 promised_delivery_date=(order.placed_at + timedelta(days=4)).date(),
                 status=(ShipmentStatus.DELIVERED if order.status == OrderStatus.DELIVERED
                         else ShipmentStatus.IN_TRANSIT),
                 last_event_at=order.placed_at + timedelta(days=3))
        for i, order in enumerate(orders)])
    TrackingEvent.objects.bulk_create([
        TrackingEvent(shipment=shipment, occurred_at=shipment.shipped_at + timedelta(hours=h),
                      status=status, location=location)
        for shipment in shipments
        for h, status, location in [(0, "label_created", "杭州"),
                                    (20, "in_transit", "上海转运中心"), (48, "delivered", "上海")]])
    tickets = Ticket.objects.bulk_create([
        Ticket(customer=customer, subject=f"Bench question {i}",
               status=Status.OPEN if i >= TICKETS - 3 else Status.CLOSED,
               channel=rng.choice(list(Channel.values)), order=orders[i * 2],
               created_at=orders[i * 2].placed_at + timedelta(days=2))
        for i in range(TICKETS)])
    Message.objects.bulk_create([
        Message(ticket=ticket, channel=ticket.channel,
                direction=Direction.INBOUND if m % 2 == 0 else Direction.OUTBOUND,
                body_text=f"Message {m} about {ticket.subject}",
                created_at=ticket.created_at + timedelta(hours=m))
        for ticket in tickets for m in range(MESSAGES_PER_TICKET)])
    return customer


@transaction.atomic
def remove_bench_customer(customer: Customer) -> None:
    tickets = Ticket.objects.filter(customer=customer)
    Message.objects.filter(ticket__in=tickets).delete()
    tickets.delete()
    Shipment.objects.filter(customer=customer).delete()
    Order.objects.filter(customer=customer).delete()
    customer.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--remove", action="store_true")
    args = parser.parse_args()

    customer = bench_customer()
    if args.remove:
        if customer:
            remove_bench_customer(customer)
        print("bench customer removed")
        return
    if customer is None:
        customer = create_bench_customer()
    agent = bench_user("agent", 1)
    total = Customer.objects.count()
    orders = Order.objects.filter(customer=customer).count()
    tickets = Ticket.objects.filter(customer=customer).count()
    messages = Message.objects.filter(ticket__customer=customer).count()
    print(f"{total:,} customers; the bench customer #{customer.pk} has {orders} orders, "
          f"{tickets} tickets, {messages} messages")

    repeat = args.repeat
    rows = [
        measure_page(f"/customers/{customer.pk}/", user=agent, repeat=repeat)
        .row("customer page (500 orders, 200 tickets)"),
        measure_page(f"/customers/{customer.pk}/orders/?page=25", user=agent, repeat=repeat,
                     headers={"HX-Request": "true"}).row("orders partial, last page"),
        measure_page(f"/customers/{customer.pk}/timeline/?page=20", user=agent, repeat=repeat,
                     headers={"HX-Request": "true"}).row("timeline partial, page 20"),
        measure_page(f"/customers/{customer.pk}/sidebar/", user=agent, repeat=repeat)
        .row("ticket sidebar"),
        measure_page("/customers/?q=bench-360%40example.com", user=agent, repeat=repeat)
        .row("search by email"),
        measure_page("/customers/?q=%23B360-0042", user=agent, repeat=repeat)
        .row("search by order number"),
        measure_page("/customers/?q=%E6%9E%97", user=agent, repeat=repeat)
        .row("search by name prefix (林)"),
    ]
    stats = measure(lambda: selectors.order_stats(customer), repeat=repeat)
    print_table(rows, title=f"Customer page ({total:,} customers; repeat {repeat})")
    print_table([{"what": "order_stats (500 orders)", "median ms": stats.median_ms,
                  "p95 ms": stats.p95_ms}])


if __name__ == "__main__":
    main()
