"""Webhook ingest throughput: signed Shopify order and fulfilment webhooks and carrier scans
posted to the endpoints, processed by a real Celery worker on the "ingest" queue, timed from
the first request until every delivery is a stored row.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \
      REDIS_URL=redis://127.0.0.1:6379/3 \
      .venv/bin/python bench/webhook_ingest.py [--orders 1000] [--concurrency 2]

The requests go through Django's test client in this process (no HTTP server), so the
"accept" figures are the server's own time. The script adds its own customers, orders and
deliveries (shop ids starting "bench-wh-") and deletes them at the end.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("SHOPIFY_WEBHOOK_SECRET", "bench-shopify-secret")
os.environ.setdefault("CARRIER_WEBHOOK_SECRET", "bench-carrier-secret")

from common import REPO, setup_django  # noqa: E402

setup_django()

from common import print_table  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from customers.models import (  # noqa: E402
    Customer,
    CustomerIdentity,
    DeliveryStatus,
    Order,
    Shipment,
    WebhookDelivery,
)
from customers.webhooks.signatures import sign_carrier, sign_shopify  # noqa: E402

PREFIX = "bench-wh-"


def order_payload(i: int, run: str) -> dict:
    return {
        "id": f"{PREFIX}{run}-{i}", "name": f"#BWH{run}{i:06d}", "order_number": i,
        "email": f"{PREFIX}{run}-{i}@example.com", "created_at": "2025-03-01T10:02:00+08:00",
        "processed_at": "2025-03-01T10:02:00+08:00", "updated_at": "2025-03-01T10:02:05+08:00",
        "currency": "CNY", "total_price": "398.00", "financial_status": "paid",
        "fulfillment_status": None, "customer_locale": "zh-CN",
        "customer": {"id": f"{PREFIX}{run}-c{i}", "email": f"{PREFIX}{run}-{i}@example.com",
                     "first_name": "伟", "last_name": "林", "phone": None},
        "line_items": [
            {"id": f"{i}1", "title": "Longjing green tea 250g", "sku": "TEA-LJ-250",
             "quantity": 1, "price": "199.00"},
            {"id": f"{i}2", "title": "Celadon teapot", "sku": "POT-CEL-1", "quantity": 1,
             "price": "199.00"}],
    }


def fulfillment_payload(i: int, run: str) -> dict:
    return {
        "id": f"{PREFIX}{run}-f{i}", "order_id": f"{PREFIX}{run}-{i}", "status": "success",
        "created_at": "2025-03-02T09:00:00+08:00", "updated_at": "2025-03-02T09:00:00+08:00",
        "tracking_company": "SF Express", "tracking_number": f"BWH{run}{i:08d}",
        "tracking_url": f"https://www.sf-express.com/track?num=BWH{run}{i:08d}",
        "shipment_status": None,
    }


def scan_payload(i: int, run: str) -> dict:
    return {"event_id": f"{PREFIX}{run}-s{i}", "carrier": "SF Express",
            "tracking_number": f"BWH{run}{i:08d}", "status": "in_transit",
            "occurred_at": "2025-03-02T18:30:00+08:00", "location": "Hangzhou hub"}


def start_worker(concurrency: int) -> subprocess.Popen:
    env = dict(os.environ)
    hostname = f"bench-ingest-{os.getpid()}@127.0.0.1"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", "ingest",
         "--concurrency", str(concurrency), "-n", hostname, "--loglevel=WARNING",
         "--without-gossip", "--without-mingle"],
        cwd=REPO, env=env)
    from helpdesk.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit("the Celery worker exited")
        if app.control.ping(destination=[hostname], timeout=1.0):
            return worker
    worker.kill()
    raise SystemExit("the Celery worker did not answer within 60 s")


def post_all(client: Client, kind: str, payloads: list[dict]) -> list[float]:
    latencies = []
    for payload in payloads:
        body = json.dumps(payload).encode()
        if kind == "carrier":
            headers = {"X-Kefu-Signature": sign_carrier(body, settings.CARRIER_WEBHOOK_SECRET)}
            url = "/webhooks/carrier/"
        else:
            headers = {"X-Shopify-Topic": kind, "X-Shopify-Webhook-Id": str(uuid.uuid4()),
                       "X-Shopify-Hmac-Sha256": sign_shopify(body,
                                                             settings.SHOPIFY_WEBHOOK_SECRET)}
            url = "/webhooks/shopify/"
        started = time.perf_counter()
        response = client.post(url, data=body, content_type="application/json",
                               headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:200]}")
    return latencies


def wait_processed(since_id: int, count: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = WebhookDelivery.objects.filter(pk__gt=since_id,
                                              status=DeliveryStatus.PROCESSED).count()
        if done >= count:
            return time.perf_counter()
        time.sleep(0.05)
    failed = WebhookDelivery.objects.filter(pk__gt=since_id).exclude(
        status=DeliveryStatus.PROCESSED).values_list("status", "error")[:5]
    raise SystemExit(f"not all deliveries were processed within {timeout:.0f} s: {list(failed)}")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(fraction * len(ordered) + 0.5)) - 1)]


@transaction.atomic
def clean_up(run: str) -> None:
    customers = list(CustomerIdentity.objects.filter(
        kind="shop", value__startswith=f"{PREFIX}{run}-").values_list("customer_id", flat=True))
    Shipment.objects.filter(customer__in=customers).delete()
    Order.objects.filter(customer__in=customers).delete()
    CustomerIdentity.objects.filter(customer__in=customers).delete()
    Customer.objects.filter(pk__in=customers).delete()
    WebhookDelivery.objects.filter(body__contains=f"{PREFIX}{run}-").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the rows made")
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("note: no REDIS_URL; the embedded filesystem broker is used", file=sys.stderr)
    run = uuid.uuid4().hex[:6]
    worker = start_worker(args.concurrency)
    client = Client()
    rows = []
    try:
        for kind, make in [("orders/create", order_payload),
                           ("fulfillments/create", fulfillment_payload),
                           ("carrier", scan_payload)]:
            payloads = [make(i, run) for i in range(args.orders)]
            since = WebhookDelivery.objects.order_by("-pk").values_list("pk", flat=True).first()
            started = time.perf_counter()
            latencies = post_all(client, kind, payloads)
            accepted = time.perf_counter()
            finished = wait_processed(since or 0, len(payloads), timeout=600)
            rows.append({
                "webhook": kind, "deliveries": len(payloads),
                "accept median ms": percentile(latencies, 0.5),
                "accept p95 ms": percentile(latencies, 0.95),
                "accepted per s": len(payloads) / (accepted - started),
                "stored rows per s (end to end)": len(payloads) / (finished - started),
            })
        stored = Order.objects.filter(shop_order_id__startswith=f"{PREFIX}{run}-").count()
        shipments = Shipment.objects.filter(tracking_number__startswith=f"BWH{run}").count()
        print(f"stored: {stored} orders, {shipments} shipments; worker: prefork "
              f"x{args.concurrency}, broker {settings.CELERY_BROKER_URL.split(':')[0]}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        if not args.keep:
            clean_up(run)
    print_table(rows, title=f"Webhook ingest ({Customer.objects.count():,} customers in the "
                            f"database; {args.orders} of each)")


if __name__ == "__main__":
    main()
