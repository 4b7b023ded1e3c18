"""The carrier tracking webhook: a small JSON format any carrier or tracking aggregator can
be configured (or adapted) to send.

    POST /webhooks/carrier/
    Content-Type: application/json
    X-Kefu-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the carrier secret>
    X-Kefu-Delivery-Id: <unique id of this delivery>   (optional; a retry repeats it)

    {
      "event_id": "evt_8f2c",                   optional; the delivery id when the header is absent
      "carrier": "SF Express",                  optional; needed when two carriers share a number
      "tracking_number": "SF1234567890",        required
      "status": "in_transit",                   required, one of STATUSES below
      "occurred_at": "2025-03-01T10:02:00+08:00",   required, ISO 8601 with offset
      "location": "Hangzhou hub",               optional
      "description": "Departed facility",       optional
      "estimated_delivery": "2025-03-04"        optional, the carrier's new estimate
    }

Several scans may be sent at once as {"events": [<event>, ...]} (at most 500). Without a
delivery id the SHA-256 of the body identifies the delivery. A scan already stored (same
shipment, time and status) is not stored twice. The shipment must be known (from the shop
webhook, the API or an import); a scan for an unknown one is retried for a while.

Answers: 200 {"status": "accepted"|"duplicate"}; 401 for a missing or wrong signature;
400 {"error": "..."} for a body that does not follow this format. Nothing is stored on an
error.
"""

from typing import Any

from customers.models import ShipmentStatus
from customers.parsing import parse_datetime, parse_optional_date
from customers.services.inputs import TrackingEventIn

from .errors import PayloadError

STATUSES = [s for s in ShipmentStatus.values if s != ShipmentStatus.CANCELLED]
MAX_EVENTS = 500


def _string(event: dict, key: str, *, limit: int, required: bool = False) -> str:
    value = event.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(f"{key} is missing")
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{key} must be a string")
    if len(value) > limit:
        raise PayloadError(f"{key} is longer than {limit} characters")
    return value.strip()


def _event(raw: Any, index: int | None) -> TrackingEventIn:
    where = f"events[{index}]: " if index is not None else ""
    if not isinstance(raw, dict):
        raise PayloadError(f"{where}an event must be a JSON object")
    try:
        status = _string(raw, "status", limit=32, required=True).lower()
        if status not in STATUSES:
            raise PayloadError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        if not raw.get("occurred_at"):
            raise PayloadError("occurred_at is missing")
        return TrackingEventIn(
            carrier=_string(raw, "carrier", limit=64),
            tracking_number=_string(raw, "tracking_number", limit=64, required=True),
            status=status,
            occurred_at=parse_datetime(raw["occurred_at"], field="occurred_at"),
            location=_string(raw, "location", limit=200),
            description=_string(raw, "description", limit=500),
            estimated_delivery=parse_optional_date(raw.get("estimated_delivery"),
                                                   field="estimated_delivery"),
        )
    except ValueError as exc:
        raise PayloadError(f"{where}{exc}") from exc


def translate(payload: Any) -> list[TrackingEventIn]:
    if isinstance(payload, dict) and "events" in payload:
        events = payload["events"]
        if not isinstance(events, list) or not events:
            raise PayloadError("events must be a non-empty list")
        if len(events) > MAX_EVENTS:
            raise PayloadError(f"at most {MAX_EVENTS} events per delivery")
        return [_event(raw, index) for index, raw in enumerate(events)]
    return [_event(payload, None)]


def event_id(payload: Any) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("event_id"), (str, int)):
        return str(payload["event_id"])[:128]
    return ""
