"""Read paths for loyalty pages and for other apps, written for their query count: each
returns in a fixed number of queries however many rows there are."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from customers.models import Customer
from helpdesk.roles import ROLE_ORDER, has_role

from .models import (
    AuthorityLimit,
    Coupon,
    GrantSource,
    GrantStatus,
    PointsEntry,
    StoreCreditEntry,
    StoreCreditGrant,
    Tier,
    TierChange,
    Wallet,
)
from .periods import month_bounds, shop_zone

ZERO = Decimal("0.00")


def balances(customer) -> dict:
    """{"points": int, "store_credit": Decimal} (zero for a customer without a wallet)."""
    wallet = Wallet.objects.filter(customer_id=customer.pk).values("points",
                                                                    "store_credit").first()
    if wallet is None:
        return {"points": 0, "store_credit": ZERO}
    return {"points": wallet["points"], "store_credit": wallet["store_credit"]}


def balances_for(customer_ids) -> dict[int, dict]:
    """Balances of many customers in one query (for lists and API pages)."""
    found = {row["customer_id"]: {"points": row["points"], "store_credit": row["store_credit"]}
             for row in Wallet.objects.filter(customer_id__in=list(customer_ids))
             .values("customer_id", "points", "store_credit")}
    return {pk: found.get(pk, {"points": 0, "store_credit": ZERO}) for pk in customer_ids}


def authority_role(user) -> str | None:
    """The highest role the user holds (its authority limit applies)."""
    for role in reversed(ROLE_ORDER):
        if has_role(user, role):
            return role
    return None


def authority_limit(user) -> AuthorityLimit | None:
    role = authority_role(user)
    return AuthorityLimit.objects.filter(role=role).first() if role else None


def monthly_usage(*, now: datetime, granted_by=None, source: str | None = None
                  ) -> tuple[Decimal, int]:
    """Money and number of grants this calendar month: a person's own grants made without
    approval, or (with `source`) every grant of that source."""
    start, end = month_bounds(now)
    where = Q(created_at__gte=start, created_at__lt=end) & ~Q(status=GrantStatus.REJECTED)
    if granted_by is not None:
        where &= Q(granted_by=granted_by, needs_approval=False, source=GrantSource.AGENT)
    if source is not None:
        where &= Q(source=source)
    coupons = Coupon.objects.filter(where).aggregate(n=Count("id"), amount=Sum("amount_off"))
    credit = StoreCreditGrant.objects.filter(where).aggregate(n=Count("id"), amount=Sum("amount"))
    amount = (coupons["amount"] or Decimal("0")) + (credit["amount"] or Decimal("0"))
    return amount, coupons["n"] + credit["n"]


@dataclass(frozen=True)
class Authority:
    role: str | None
    limit: AuthorityLimit | None
    used_amount: Decimal
    used_grants: int

    @property
    def amount_left(self) -> Decimal | None:
        if self.limit is None or self.limit.max_amount_per_month is None:
            return None
        return max(self.limit.max_amount_per_month - self.used_amount, ZERO)

    @property
    def grants_left(self) -> int | None:
        if self.limit is None or self.limit.max_grants_per_month is None:
            return None
        return max(self.limit.max_grants_per_month - self.used_grants, 0)


def authority(user, *, now: datetime) -> Authority:
    """What the user may still grant this month without approval."""
    used_amount, used_grants = monthly_usage(now=now, granted_by=user)
    return Authority(authority_role(user), authority_limit(user), used_amount, used_grants)


def _grants(model) -> QuerySet:
    return model.objects.select_related("granted_by", "decided_by")


def ticket_grants(ticket) -> dict:
    """Coupons and credit granted on the ticket, and the customer's pending grants."""
    pending = Q(customer_id=ticket.customer_id, status=GrantStatus.PENDING)
    return {
        "coupons": list(_grants(Coupon).filter(ticket=ticket).order_by("-created_at")),
        "credits": list(_grants(StoreCreditGrant).filter(ticket=ticket)
                        .order_by("-created_at")),
        "pending": list(_grants(Coupon).filter(pending).exclude(ticket=ticket))
        + list(_grants(StoreCreditGrant).filter(pending).exclude(ticket=ticket)),
    }


def active_coupons(customer, *, now: datetime) -> list[Coupon]:
    return list(Coupon.objects.filter(customer=customer, status=GrantStatus.APPROVED,
                                      expires_at__gt=now).order_by("expires_at")[:10])


def pending_grants() -> list:
    """Every grant waiting for a manager, oldest first."""
    related = ["customer__tier", "ticket", "granted_by"]
    grants = (list(Coupon.objects.filter(status=GrantStatus.PENDING).select_related(*related))
              + list(StoreCreditGrant.objects.filter(status=GrantStatus.PENDING)
                     .select_related(*related)))
    return sorted(grants, key=lambda g: g.created_at)


def customer_ledger(customer, *, limit: int = 50) -> dict:
    return {
        "points": list(PointsEntry.objects.filter(customer=customer)
                       .select_related("actor", "order", "ticket")[:limit]),
        "credit": list(StoreCreditEntry.objects.filter(customer=customer)
                       .select_related("actor", "order", "ticket")[:limit]),
        "coupons": list(_grants(Coupon).filter(customer=customer).select_related("ticket")
                        .order_by("-created_at")[:limit]),
        "tier_changes": list(TierChange.objects.filter(customer=customer)
                             .select_related("from_tier", "to_tier")[:limit]),
    }


def tiers_with_members() -> list[Tier]:
    """Tiers with `members` (customers holding the tier now), lowest rank first."""
    return list(Tier.objects.annotate(members=Count("customers")).order_by("rank"))


def tier_members(tier: Tier) -> QuerySet[Customer]:
    """Members by name. Memberships and wallets are prefetched for the page only (a join
    would be made for every member before the sort)."""
    return (Customer.objects.filter(tier=tier)
            .prefetch_related("loyalty_membership", "loyalty_wallet").order_by("name", "id"))


# --- The manager report ----------------------------------------------------------------

def report_months(now: datetime, months: int = 12) -> list[datetime]:
    start, _end = month_bounds(now)
    return [start - relativedelta(months=n) for n in range(months - 1, -1, -1)]


def _by_month(queryset, field: str, start: datetime, **aggregates) -> dict:
    rows = (queryset.filter(**{f"{field}__gte": start})
            .annotate(month=TruncMonth(field, tzinfo=shop_zone()))
            .values("month").annotate(**aggregates).order_by("month"))
    return {row["month"].date(): row for row in rows}


def customers_per_tier() -> list[dict]:
    counts = dict(Customer.objects.order_by().values_list("tier").annotate(n=Count("id")))
    rows = [{"tier": tier, "customers": counts.get(tier.pk, 0)}
            for tier in Tier.objects.order_by("-rank")]
    rows.append({"tier": None, "customers": counts.get(None, 0)})
    return rows


def tier_movement(now: datetime, months: int = 12) -> dict:
    """Per month: customers who entered and left each tier."""
    month_starts = report_months(now, months)
    tiers = list(Tier.objects.order_by("rank"))
    changes = TierChange.objects.filter(at__gte=month_starts[0])
    entered = (changes.annotate(month=TruncMonth("at", tzinfo=shop_zone()))
               .values("month", "to_tier").annotate(n=Count("id")).order_by())
    left = (changes.annotate(month=TruncMonth("at", tzinfo=shop_zone()))
            .values("month", "from_tier").annotate(n=Count("id")).order_by())
    table = {m.date(): {t.pk: {"in": 0, "out": 0} for t in tiers} for m in month_starts}
    ups = dict.fromkeys(table, 0)
    downs = dict.fromkeys(table, 0)
    for row in entered:
        cell = table.get(row["month"].date(), {}).get(row["to_tier"])
        if cell is not None:
            cell["in"] += row["n"]
    for row in left:
        cell = table.get(row["month"].date(), {}).get(row["from_tier"])
        if cell is not None:
            cell["out"] += row["n"]
    for row in (changes.annotate(month=TruncMonth("at", tzinfo=shop_zone()))
                .values("month", "direction").annotate(n=Count("id")).order_by()):
        target = ups if row["direction"] == TierChange.Direction.UP else downs
        if row["month"].date() in target:
            target[row["month"].date()] += row["n"]
    return {
        "tiers": tiers,
        "rows": [{"month": m, "cells": [table[m.date()][t.pk] for t in tiers],
                  "up": ups[m.date()], "down": downs[m.date()]} for m in month_starts],
    }


def redemption(now: datetime, months: int = 12) -> list[dict]:
    """Per month: coupons granted and redeemed, points earned, redeemed and expired, store
    credit granted and spent."""
    month_starts = report_months(now, months)
    start = month_starts[0]
    issued = ~Q(status__in=[GrantStatus.PENDING, GrantStatus.REJECTED])
    granted = _by_month(Coupon.objects.filter(issued), "created_at", start, n=Count("id"))
    redeemed = _by_month(Coupon.objects.filter(status=GrantStatus.REDEEMED), "redeemed_at",
                         start, n=Count("id"))
    points = _by_month(
        PointsEntry.objects.all(), "created_at", start,
        earned=Sum("points", filter=Q(kind=PointsEntry.Kind.EARN)),
        redeemed=Sum("points", filter=Q(kind=PointsEntry.Kind.REDEEM)),
        expired=Sum("points", filter=Q(kind=PointsEntry.Kind.EXPIRE)))
    credit = _by_month(
        StoreCreditEntry.objects.all(), "created_at", start,
        granted=Sum("amount", filter=Q(kind__in=[StoreCreditEntry.Kind.GOODWILL,
                                                 StoreCreditEntry.Kind.REFUND])),
        spent=Sum("amount", filter=Q(kind=StoreCreditEntry.Kind.SPEND)))
    rows = []
    for month in month_starts:
        key = month.date()
        coupons_granted = granted.get(key, {}).get("n", 0)
        coupons_redeemed = redeemed.get(key, {}).get("n", 0)
        rows.append({
            "month": month,
            "coupons_granted": coupons_granted,
            "coupons_redeemed": coupons_redeemed,
            "points_earned": points.get(key, {}).get("earned") or 0,
            "points_redeemed": -(points.get(key, {}).get("redeemed") or 0),
            "points_expired": -(points.get(key, {}).get("expired") or 0),
            "credit_granted": credit.get(key, {}).get("granted") or ZERO,
            "credit_spent": -(credit.get(key, {}).get("spent") or ZERO),
        })
    return rows
