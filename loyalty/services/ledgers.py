"""Points and store credit: every movement is a new ledger row with a reason, an actor and a
link to the ticket or order, written while holding the customer's wallet row lock, so the
balance is checked and updated in one step and two concurrent spends cannot overdraw it."""

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Order
from helpdesk import audit
from helpdesk.roles import Role, has_role

from ..models import LoyaltySettings, PointsEntry, StoreCreditEntry, Wallet

CENT = Decimal("0.01")


class InsufficientBalance(ValidationError):
    """The spend would take a balance below zero."""


def locked_wallet(customer_id: int) -> Wallet:
    """The customer's wallet row, created if needed, locked until the transaction ends."""
    Wallet.objects.bulk_create([Wallet(customer_id=customer_id)], ignore_conflicts=True)
    return Wallet.objects.select_for_update().get(customer_id=customer_id)


def _check_override(by, allow_negative: bool):
    if not allow_negative:
        return None
    if by is None or not has_role(by, Role.ADMIN):
        raise PermissionDenied(_("Only an admin may take a balance below zero."))
    return by


def post_points(*, customer_id: int, kind: str, points: int, reason: str, actor=None,
                ticket=None, order=None, expires_at: datetime | None = None,
                override_by=None, now: datetime | None = None,
                wallet: Wallet | None = None) -> PointsEntry:
    """Append one points entry. Pass `wallet` when already holding its lock (from
    locked_wallet in the same transaction); otherwise this takes it."""
    if points == 0:
        raise ValidationError(_("A ledger entry must move at least one point."))
    with transaction.atomic():
        wallet = wallet if wallet is not None else locked_wallet(customer_id)
        balance = wallet.points + points
        if balance < 0 and override_by is None:
            raise InsufficientBalance(
                _("Not enough points: the balance is %(balance)s.") % {"balance": wallet.points})
        entry = PointsEntry.objects.create(
            customer_id=customer_id, kind=kind, points=points, balance_after=balance,
            reason=reason[:255], actor=actor, ticket=ticket, order=order, expires_at=expires_at,
            override_by=override_by, created_at=now or timezone.now())
        wallet.points = balance
        wallet.save(update_fields=["points", "updated_at"])
        return entry


def post_store_credit(*, customer_id: int, kind: str, amount: Decimal, reason: str,
                      actor=None, ticket=None, order=None, override_by=None,
                      now: datetime | None = None) -> StoreCreditEntry:
    amount = Decimal(amount).quantize(CENT)
    if amount == 0:
        raise ValidationError(_("A ledger entry must move some credit."))
    with transaction.atomic():
        wallet = locked_wallet(customer_id)
        balance = wallet.store_credit + amount
        if balance < 0 and override_by is None:
            raise InsufficientBalance(
                _("Not enough store credit: the balance is %(balance)s.")
                % {"balance": wallet.store_credit})
        entry = StoreCreditEntry.objects.create(
            customer_id=customer_id, kind=kind, amount=amount, balance_after=balance,
            reason=reason[:255], actor=actor, ticket=ticket, order=order,
            override_by=override_by, created_at=now or timezone.now())
        wallet.store_credit = balance
        wallet.save(update_fields=["store_credit", "updated_at"])
        return entry


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    return reason


@transaction.atomic
def redeem_points(*, customer: Customer, points: int, by, reason: str, order: Order | None = None,
                  ticket=None) -> PointsEntry:
    """The customer uses points (at checkout, or an agent on their behalf)."""
    if points <= 0:
        raise ValidationError(_("Redeem a positive number of points."))
    entry = post_points(customer_id=customer.pk, kind=PointsEntry.Kind.REDEEM, points=-points,
                        reason=_require_reason(reason), actor=by, ticket=ticket, order=order)
    audit.record(actor=by, action="loyalty.points_redeemed", target=customer,
                 after={"points": -points, "balance": entry.balance_after})
    return entry


@transaction.atomic
def adjust_points(*, customer: Customer, points: int, by, reason: str, ticket=None,
                  allow_negative: bool = False) -> PointsEntry:
    """A manager corrects the balance; only an admin may take it below zero."""
    if by is None or not has_role(by, Role.MANAGER):
        raise PermissionDenied(_("Only a manager may adjust points."))
    entry = post_points(customer_id=customer.pk, kind=PointsEntry.Kind.ADJUST, points=points,
                        reason=_require_reason(reason), actor=by, ticket=ticket,
                        override_by=_check_override(by, allow_negative))
    audit.record(actor=by, action="loyalty.points_adjusted", target=customer,
                 after={"points": points, "balance": entry.balance_after,
                        "override": allow_negative})
    return entry


@transaction.atomic
def spend_store_credit(*, customer: Customer, amount: Decimal, by, reason: str,
                       order: Order | None = None, ticket=None) -> StoreCreditEntry:
    """The customer pays with store credit."""
    if Decimal(amount) <= 0:
        raise ValidationError(_("Spend a positive amount."))
    entry = post_store_credit(customer_id=customer.pk, kind=StoreCreditEntry.Kind.SPEND,
                              amount=-Decimal(amount), reason=_require_reason(reason), actor=by,
                              ticket=ticket, order=order)
    audit.record(actor=by, action="loyalty.credit_spent", target=customer,
                 after={"amount": str(-Decimal(amount)), "balance": str(entry.balance_after)})
    return entry


@transaction.atomic
def adjust_store_credit(*, customer: Customer, amount: Decimal, by, reason: str, ticket=None,
                        allow_negative: bool = False) -> StoreCreditEntry:
    if by is None or not has_role(by, Role.MANAGER):
        raise PermissionDenied(_("Only a manager may adjust store credit."))
    entry = post_store_credit(customer_id=customer.pk, kind=StoreCreditEntry.Kind.ADJUST,
                              amount=Decimal(amount), reason=_require_reason(reason), actor=by,
                              ticket=ticket, override_by=_check_override(by, allow_negative))
    audit.record(actor=by, action="loyalty.credit_adjusted", target=customer,
                 after={"amount": str(amount), "balance": str(entry.balance_after),
                        "override": allow_negative})
    return entry


def order_points_target(order: Order, *, counting: bool, rate: Decimal) -> int:
    """Points an order earns: its net amount times the rate, rounded down; 0 if it does not
    count (pending, cancelled, fully refunded)."""
    if not counting:
        return 0
    net = max(order.total - order.refunded_total, Decimal("0"))
    return int((net * rate).to_integral_value(rounding=ROUND_DOWN))


@transaction.atomic
def sync_order_points(*, order: Order, now: datetime | None = None,
                      counting: bool | None = None) -> PointsEntry | None:
    """Bring the points this order earned in line with what it earns now: earn when it is
    paid, take back (as far as the balance allows) when it is cancelled or refunded.
    `counting`: whether the order counts, if the caller already knows."""
    now = now or timezone.now()
    settings = LoyaltySettings.load()
    wallet = locked_wallet(order.customer_id)
    if counting is None:
        counting = Order.objects.counting().filter(pk=order.pk).exists()
    target = order_points_target(order, counting=counting, rate=settings.points_per_unit)
    earned = PointsEntry.objects.filter(
        order=order, kind__in=[PointsEntry.Kind.EARN, PointsEntry.Kind.REVERSAL]
    ).aggregate(total=Sum("points"))["total"] or 0
    delta = target - earned
    if delta > 0:
        expires_at = (now + relativedelta(months=settings.points_valid_months)
                      if settings.points_valid_months else None)
        return post_points(customer_id=order.customer_id, kind=PointsEntry.Kind.EARN,
                           points=delta, reason=_("Order #%(number)s") % {"number": order.number},
                           order=order, expires_at=expires_at, now=now, wallet=wallet)
    take_back = min(-delta, wallet.points)
    if delta < 0 and take_back > 0:
        return post_points(customer_id=order.customer_id, kind=PointsEntry.Kind.REVERSAL,
                           points=-take_back,
                           reason=_("Order #%(number)s cancelled or refunded")
                           % {"number": order.number}, order=order, now=now, wallet=wallet)
    return None


@transaction.atomic
def expire_points(*, customer_id: int, now: datetime | None = None) -> PointsEntry | None:
    """Expire the points of earnings past their expiry that were not used.

    Spending uses expiring points first, oldest first (points given by an adjustment, which
    never expire, go last), so what is left to expire is what the expired earnings brought
    in minus everything taken out so far (spends, reversals, earlier expiries), as far as
    the balance goes.
    """
    now = now or timezone.now()
    wallet = locked_wallet(customer_id)
    entries = PointsEntry.objects.filter(customer_id=customer_id)
    expired_in = entries.filter(kind=PointsEntry.Kind.EARN, expires_at__lte=now).aggregate(
        total=Sum("points"))["total"] or 0
    taken_out = -(entries.filter(points__lt=0).aggregate(total=Sum("points"))["total"] or 0)
    amount = min(expired_in - taken_out, wallet.points)
    entry = None
    if amount > 0:
        entry = post_points(customer_id=customer_id, kind=PointsEntry.Kind.EXPIRE,
                            points=-amount, reason=_("Points expired"), now=now, wallet=wallet)
    wallet.points_expired_through = now
    wallet.save(update_fields=["points_expired_through", "updated_at"])
    return entry


def customers_with_expiring_points(*, now: datetime, limit: int = 5000) -> list[int]:
    """Wallets with points and an earning that expired since the wallet was last checked."""
    lapsed = PointsEntry.objects.filter(customer_id=OuterRef("customer_id"),
                                        kind=PointsEntry.Kind.EARN, expires_at__lte=now)
    since_check = lapsed.filter(expires_at__gt=OuterRef("points_expired_through"))
    return list(
        Wallet.objects.filter(points__gt=0)
        .alias(lapsed=Exists(lapsed), lapsed_since_check=Exists(since_check))
        .filter(Q(points_expired_through__isnull=True, lapsed=True)
                | Q(lapsed_since_check=True))
        .values_list("customer_id", flat=True)[:limit]
    )


@transaction.atomic
def reconcile_wallets(*, customer_ids: list[int]) -> None:
    """Set each wallet to the sum of the customer's ledger entries, after something moved
    entries between customers (a merge of two customer records points the source's entries
    at the target). Only then does a wallet differ from its ledger."""
    for customer_id in sorted(set(customer_ids)):
        wallet = locked_wallet(customer_id)
        wallet.points = PointsEntry.objects.filter(customer_id=customer_id).aggregate(
            total=Sum("points"))["total"] or 0
        wallet.store_credit = StoreCreditEntry.objects.filter(
            customer_id=customer_id).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        wallet.save(update_fields=["points", "store_credit", "updated_at"])


def after_customer_merge(*, source_id: int, target_id: int) -> None:
    """Called by the customer merge (settings.KEFU_CUSTOMER_MERGE_HOOKS) once every row of
    customer `source_id` points at `target_id`: the target's wallet holds the sum of both
    ledgers and its tier follows the orders of both. The source, now a tombstone, keeps no
    wallet, membership or tier (a wallet or membership the target also had stayed on it);
    its ledger entries, orders and tier history are the target's now, so nothing is lost."""
    from ..models import Membership
    from .tiers import recompute_customers

    Wallet.objects.filter(customer_id=source_id).delete()
    Membership.objects.filter(customer_id=source_id).delete()
    Customer.objects.filter(pk=source_id).exclude(tier=None).update(tier=None,
                                                                  updated_at=timezone.now())
    reconcile_wallets(customer_ids=[target_id])
    recompute_customers(customer_ids=[target_id])
