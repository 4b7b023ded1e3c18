"""Receiving a webhook fast and processing it reliably.

`receive` checks the signature and the body's format, stores the raw delivery (once per
delivery id) and answers; a Celery task on the "ingest" queue then calls `process`, which
claims the delivery in the database and runs it through the write path. A delivery that
refers to something not received yet (a fulfilment before its order) is retried with
backoff; `sweep` re-sends deliveries whose task was lost and frees ones whose worker died.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customers.models import DeliveryStatus, WebhookDelivery, WebhookSource
from customers.services import commerce
from customers.services.inputs import OrderIn

from . import carrier, shopify, signatures
from .errors import PayloadError, SignatureError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long after receipt the sweep takes over a delivery whose task never ran.
TASK_GRACE = timedelta(minutes=2)
# A delivery claimed longer ago than this belongs to a worker that died.
STUCK_AFTER = timedelta(minutes=10)

SHOPIFY_HEADERS = ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id",
                   "X-Shopify-Event-Id", "X-Shopify-Api-Version", "X-Shopify-Triggered-At"]
CARRIER_HEADERS = ["X-Kefu-Delivery-Id", "User-Agent"]


@dataclass
class Receipt:
    delivery: WebhookDelivery
    created: bool


def _parse_json(body: bytes) -> tuple[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError("the body is not UTF-8 text") from exc
    if not text.strip():
        raise PayloadError("the body is empty; expected a JSON object")
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"the body is not valid JSON: {exc.msg} at line {exc.lineno} "
                           f"column {exc.colno}") from exc


def _verify(source: str, body: bytes, signature: str) -> None:
    secrets = signatures.secrets_for(source)
    if not secrets:
        raise SignatureError(f"no {source} webhook secret is configured")
    if not signatures.is_valid(source=source, body=body, signature=signature, secrets=secrets):
        raise SignatureError("the signature does not match")


def receive(*, source: str, headers, body: bytes, now: datetime | None = None) -> Receipt:
    """Verify and store one incoming delivery. Raises SignatureError or PayloadError, in
    which case nothing is stored."""
    now = now or timezone.now()
    if source == WebhookSource.SHOPIFY:
        _verify(source, body, headers.get("X-Shopify-Hmac-Sha256", ""))
        topic = headers.get("X-Shopify-Topic", "").strip()
        text, payload = _parse_json(body)
        shopify.translate(topic, payload)
        delivery_id = headers.get("X-Shopify-Webhook-Id", "").strip()
        kept = SHOPIFY_HEADERS
    else:
        _verify(source, body, headers.get("X-Kefu-Signature", ""))
        topic = "tracking"
        text, payload = _parse_json(body)
        carrier.translate(payload)
        delivery_id = headers.get("X-Kefu-Delivery-Id", "").strip() or carrier.event_id(payload)
        kept = CARRIER_HEADERS
    if not delivery_id:
        delivery_id = "sha256:" + hashlib.sha256(topic.encode() + b"\n" + body).hexdigest()
    return _store(source=source, delivery_id=delivery_id[:128], topic=topic, text=text,
                  headers={name: headers[name] for name in kept if name in headers}, now=now)


@transaction.atomic
def _store(*, source: str, delivery_id: str, topic: str, text: str, headers: dict,
           now: datetime) -> Receipt:
    delivery, created = WebhookDelivery.objects.get_or_create(
        source=source, delivery_id=delivery_id,
        defaults={"topic": topic, "body": text, "headers": headers, "received_at": now,
                  "next_attempt_at": now + TASK_GRACE},
    )
    if created:
        _enqueue(delivery.pk)
    return Receipt(delivery=delivery, created=created)


def _enqueue(delivery_id: int) -> None:
    from customers.tasks import ingest_webhook_delivery

    transaction.on_commit(lambda: ingest_webhook_delivery.delay(delivery_id), robust=True)


def _apply(delivery: WebhookDelivery) -> tuple[list[str], str]:
    """Run the stored delivery through the write path. Returns notes for the log and, when
    part of it refers to something not received yet, what it waits for."""
    payload = json.loads(delivery.body)
    if delivery.source == WebhookSource.SHOPIFY:
        data = shopify.translate(delivery.topic, payload)
        if isinstance(data, OrderIn):
            return commerce.record_order(data=data).notes, ""
        return commerce.record_shipment(data=data).notes, ""
    waiting = []
    for event in carrier.translate(payload):
        try:
            commerce.record_tracking_event(data=event)
        except commerce.NotYetKnown as exc:
            waiting.append(str(exc))
    # The known scans are stored now; the others wait for their shipment (a retry stores
    # the known ones again as no-ops).
    return [], "; ".join(waiting[:20])


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 360))


def process(*, delivery_id: int, now: datetime | None = None) -> str:
    """Claim and process one delivery. Returns its status afterwards ("skipped" when another
    worker has it or it is done)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.RECEIVED) \
        .update(status=DeliveryStatus.PROCESSING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    try:
        with transaction.atomic():
            notes, waiting = _apply(delivery)
            if not waiting:
                delivery.status = DeliveryStatus.PROCESSED
                delivery.processed_at = now
                delivery.error = "\n".join(notes)[:2000]
                delivery.save(update_fields=["status", "processed_at", "error"])
        if waiting:
            return _give_back(delivery, waiting, now=now, retry=True)
        return delivery.status
    except commerce.NotYetKnown as exc:
        return _give_back(delivery, str(exc), now=now, retry=True)
    except (PayloadError, commerce.CommerceDataError) as exc:
        return _give_back(delivery, str(exc), now=now, retry=False)
    except Exception as exc:  # a database hiccup or a bug: keep the delivery, try again later
        logger.exception("webhook delivery %s failed", delivery_id)
        return _give_back(delivery, f"{type(exc).__name__}: {exc}", now=now, retry=True)


def _give_back(delivery: WebhookDelivery, error: str, *, now: datetime, retry: bool) -> str:
    if retry and delivery.attempts < MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.RECEIVED
        delivery.next_attempt_at = now + _retry_delay(delivery.attempts)
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    delivery.error = error[:2000]
    delivery.claimed_at = None
    delivery.save(update_fields=["status", "next_attempt_at", "error", "claimed_at"])
    return delivery.status


def retry_failed(*, delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """Give a failed delivery another round of attempts (after fixing what made it fail)."""
    now = now or timezone.now()
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED) \
        .update(status=DeliveryStatus.RECEIVED, attempts=0, next_attempt_at=now + TASK_GRACE)
    if updated:
        with transaction.atomic():
            _enqueue(delivery.pk)


def sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Free deliveries stuck with a dead worker and re-send the ones that are due. Returns
    how many were sent."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(status=DeliveryStatus.PROCESSING,
                                   claimed_at__lt=now - STUCK_AFTER) \
        .update(status=DeliveryStatus.RECEIVED, claimed_at=None, next_attempt_at=now)
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.RECEIVED,
                                              next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    if not due:
        return 0
    with transaction.atomic():
        # Not again before the grace period, should this task be slow to run.
        WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + TASK_GRACE)
        for pk in due:
            _enqueue(pk)
    return len(due)
