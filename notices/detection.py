"""Which delays a shipment has right now, and when to look at it again.

Pure rules over one shipment's current data (no database): the services load the rows and
the admin's rules, call `evaluate`, and store what it finds.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from customers.models import ShipmentStatus

from .models import REASON_PRIORITY, ExceptionStatus, NoticeRules, Reason, zone_of

# "No scan for N hours" applies while the parcel is moving; before pick-up, a delivery
# attempt or a return, other rules speak.
STALL_STATUSES = frozenset({ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY})
FINISHED_STATUSES = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED})
# If a shipment due to be late is found not late (a time-zone edge), look again this soon.
RECHECK = timedelta(hours=1)


@dataclass(frozen=True)
class ExceptionRule:
    code: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    late: bool = True
    exception: bool = True
    stalled: bool = True
    stalled_after: timedelta = timedelta(hours=72)
    exceptions: tuple[ExceptionRule, ...] = ()
    # A delay that began longer ago than this gets no notice (None: no limit).
    notify_within: timedelta | None = timedelta(days=14)

    @classmethod
    def from_models(cls, rules: NoticeRules, statuses: Iterable[ExceptionStatus]) -> "Rules":
        return cls(
            late=rules.late_enabled, exception=rules.exception_enabled,
            stalled=rules.stalled_enabled,
            stalled_after=timedelta(hours=rules.stalled_after_hours),
            exceptions=tuple(ExceptionRule(s.code, tuple(s.keyword_list))
                             for s in statuses if s.enabled),
            notify_within=(timedelta(days=rules.notify_within_days)
                           if rules.notify_within_days else None),
        )


@dataclass(frozen=True)
class Problem:
    reason: str
    key: str
    exception_code: str = ""
    promised_date: date | None = None
    last_scan_at: datetime | None = None
    began_at: datetime | None = None

    @property
    def priority(self) -> int:
        return REASON_PRIORITY[self.reason]

    def too_old_to_notify(self, now: datetime, rules: "Rules") -> bool:
        """Began longer ago than the rules notify for: a surprise apology for a parcel
        promised weeks ago would do more harm than good."""
        return (rules.notify_within is not None and self.began_at is not None
                and now - self.began_at > rules.notify_within)


@dataclass(frozen=True)
class Evaluation:
    problems: tuple[Problem, ...]  # highest priority first
    late_at: datetime | None  # when the shipment becomes late, if it is not yet
    last_scan_at: datetime | None  # the scan it counts as stalled from, while it can stall

    @property
    def needs_watch(self) -> bool:
        return self.late_at is not None or self.last_scan_at is not None


def classify_exception(status: str, description: str, rules: Rules) -> str | None:
    """The exception code of a tracking status, refined by keywords in the description
    (a generic carrier "exception" saying "held at customs" is a customs hold)."""
    codes = {rule.code for rule in rules.exceptions}
    status = (status or "").strip().lower()
    if status not in codes:
        return None
    text = (description or "").lower()
    if text:
        for rule in rules.exceptions:
            if any(word in text for word in rule.keywords):
                return rule.code
    return status


def late_boundary(promised: date, time_zone: str) -> datetime:
    """The first instant of the day after the promised date, in the customer's calendar."""
    local = datetime.combine(promised + timedelta(days=1), time(0), tzinfo=zone_of(time_zone))
    return local.astimezone(UTC)


def stall_reference(shipment) -> datetime | None:
    return shipment.last_event_at or shipment.shipped_at


def evaluate(shipment, *, now: datetime, rules: Rules, latest_status: str = "",
             latest_description: str = "", latest_at: datetime | None = None) -> Evaluation:
    """The shipment's delays at `now`, given its latest tracking event (status, description
    and when it happened)."""
    if shipment.status in FINISHED_STATUSES:
        return Evaluation(problems=(), late_at=None, last_scan_at=None)
    problems = []

    from_event = classify_exception(latest_status, latest_description, rules)
    code = from_event or classify_exception(shipment.status, "", rules)
    if rules.exception and code:
        began = (latest_at if from_event else None) or shipment.last_event_at or now
        problems.append(Problem(Reason.EXCEPTION, f"exception:{code}", exception_code=code,
                                began_at=began))

    late_at = None
    promised = shipment.promised_delivery_date
    if promised is not None:
        late = shipment.is_late(now)
        if late and rules.late:
            problems.append(Problem(Reason.LATE, f"late:{promised.isoformat()}",
                                    promised_date=promised,
                                    began_at=late_boundary(promised, shipment.customer.time_zone)))
        if not late:
            boundary = late_boundary(promised, shipment.customer.time_zone)
            late_at = boundary if boundary > now else now + RECHECK

    watch_scan = None
    scan = stall_reference(shipment)
    if shipment.status in STALL_STATUSES and scan is not None:
        if now - scan >= rules.stalled_after and rules.stalled:
            stamp = scan.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            problems.append(Problem(Reason.STALLED, f"stalled:{stamp}", last_scan_at=scan,
                                    began_at=scan + rules.stalled_after))
        else:
            watch_scan = scan

    problems.sort(key=lambda p: -p.priority)
    return Evaluation(problems=tuple(problems), late_at=late_at, last_scan_at=watch_scan)
