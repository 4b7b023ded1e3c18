"""Benchmark the reply-template composer: search, preview and the send check.

Run against the database in DATABASE_URL (migrated), e.g.
    DATABASE_URL=postgres://... DEBUG=true python bench/bench_replies.py --templates 5000
It creates its own templates, customer, order and ticket inside a transaction that is
rolled back at the end, so it leaves the database as it found it (a ticket from
bench/generate.py's data is used instead when --ticket is given).
Prints median and p95 in milliseconds and the SQL query count of each operation.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import Customer, Order, OrderLine, Shipment  # noqa: E402
from loyalty.models import Tier  # noqa: E402
from replies import selectors, services  # noqa: E402
from replies.models import ReplyTemplate, TemplateCategory  # noqa: E402
from replies.validation import check_reply_ready  # noqa: E402
from tickets.models import Ticket  # noqa: E402

WORDS = ["shipping", "refund", "delay", "gift", "coupon", "tea", "parcel", "sorry", "size",
         "return", "vip", "order", "发货", "退款", "优惠", "包裹"]


class Rollback(Exception):
    pass


def measure(name: str, fn, runs: int) -> None:
    timings = []
    with CaptureQueriesContext(connection) as queries:
        fn()
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(f"{name:<44} median {statistics.median(timings):7.2f} ms   p95 {p95:7.2f} ms   "
          f"queries {len(queries.captured_queries)}")


def make_rows(count: int):
    categories = list(TemplateCategory.values)
    ReplyTemplate.objects.bulk_create([
        ReplyTemplate(
            category=categories[i % len(categories)], name=f"Bench template {i:05d}",
            name_zh_hans=f"测试模板{i}", tags=f"{WORDS[i % len(WORDS)]}, bench",
            body_en=f"Hi {{{{customer_name}}}}, about {WORDS[i % len(WORDS)]}: [detail] "
                    f"{'lorem ipsum ' * 30}{{{{agent_name}}}}",
            body_zh_hans=f"{{{{customer_name}}}}您好，关于{WORDS[(i + 3) % len(WORDS)]}："
                         f"[细节]{'内容' * 60}{{{{agent_name}}}}",
            usage_count=i % 97)
        for i in range(count)], batch_size=1000)
    customer = Customer.objects.create(name="林伟", language="zh-hans",
                                       tier=Tier.objects.order_by("rank").last())
    order = Order.objects.create(customer=customer, number="BENCH-1042",
                                 placed_at="2026-11-20T10:00:00Z")
    OrderLine.objects.bulk_create([OrderLine(order=order, title=f"Item {i}", quantity=1,
                                             unit_price=99) for i in range(5)])
    Shipment.objects.create(order=order, customer=customer, carrier="SF Express",
                            tracking_number="SFBENCH0001", estimated_delivery="2026-11-28")
    return Ticket.objects.create(customer=customer, order=order, subject="Bench",
                                 created_at="2026-11-20T10:00:00Z")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--ticket", type=int, help="use this existing ticket for the preview")
    args = parser.parse_args()
    agent, _ = get_user_model().objects.get_or_create(username="bench-agent",
                                                      defaults={"first_name": "Ann"})
    try:
        with transaction.atomic():
            ticket = make_rows(args.templates)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # plan with statistics for the new rows
                    cursor.execute("ANALYZE replies_replytemplate")
            if args.ticket:
                ticket = Ticket.objects.get(pk=args.ticket)
            total = ReplyTemplate.objects.count()
            print(f"{connection.vendor}: {total} templates, {args.runs} runs each")
            template = ReplyTemplate.objects.get(name="Tier-up congratulations")
            word = iter(WORDS * (args.runs + 5))
            measure("search: empty query (most used)",
                    lambda: selectors.search_templates(user=agent, query=""), args.runs)
            measure("search: one word",
                    lambda: selectors.search_templates(user=agent, query=next(word)), args.runs)
            measure("search: two words, no match",
                    lambda: selectors.search_templates(user=agent, query="zzz qqq"), args.runs)
            measure("preview: load ticket + render (zh)", lambda: services.render_for_ticket(
                template=template, ticket=selectors.ticket_for_replies(ticket.pk),
                agent=agent), args.runs)
            long_text = ("您好，关于包裹的问题我们已经处理。" * 400) + "[具体问题]"
            measure(f"check_reply_ready: {len(long_text)} characters",
                    lambda: check_reply_ready(long_text), args.runs)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
