"""Service recovery: apology coupons and store credit granted from a ticket (or by the
shipping-notice machinery), within the granter's authority or the notice budget, with a
manager's approval above it.

The monthly usage is counted while holding a lock (the granter's user row, or the budget
row), so two grants at the same moment cannot both slip under a limit.
"""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Order
from helpdesk import audit
from helpdesk.roles import Role, has_role

from ..models import (
    Coupon,
    GrantSource,
    GrantStatus,
    LoyaltySettings,
    NoticeBudget,
    StoreCreditEntry,
    StoreCreditGrant,
)
from ..selectors import authority_limit, monthly_usage
from .ledgers import post_store_credit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CENT = Decimal("0.01")


class NoticeBudgetExceeded(ValidationError):
    """An automatic notice grant does not fit the notice budget; send the notice without it."""


class ApprovalError(ValidationError):
    pass


class CouponNotUsable(ValidationError):
    pass


def new_coupon_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _position in range(8))
    return f"KF-{chars[:4]}-{chars[4:]}"


def _authorise(*, source: str, by, percent: Decimal | None, amount: Decimal | None,
               now: datetime) -> bool:
    """Whether the grant needs a manager's approval; raises if it may not be made at all."""
    if source == GrantSource.AGENT:
        if by is None or not has_role(by, Role.AGENT):
            raise PermissionDenied(_("Only staff may grant coupons or store credit."))
        list(get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk"))
        limit = authority_limit(by)
        used_amount, used_grants = monthly_usage(now=now, granted_by=by)
        return limit is None or not limit.allows(percent=percent, amount=amount,
                                                 used_amount=used_amount,
                                                 used_grants=used_grants)
    if source == GrantSource.NOTICE:
        NoticeBudget.load()
        budget = NoticeBudget.objects.select_for_update().get(pk=1)
        used_amount, used_grants = monthly_usage(now=now, source=GrantSource.NOTICE)
        if not budget.allows(percent=percent, amount=amount, used_amount=used_amount,
                             used_grants=used_grants):
            raise NoticeBudgetExceeded(_("The notice coupon budget does not allow this grant."))
        return False
    if source == GrantSource.SYSTEM:
        return False
    raise ValidationError(_("Unknown grant source: %(source)s") % {"source": source})


def _money(value, *, label: str) -> Decimal:
    try:
        value = Decimal(value).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError(_("%(label)s must be a number.") % {"label": label}) from exc
    if value <= 0:
        raise ValidationError(_("%(label)s must be more than zero.") % {"label": label})
    return value


def _check_common(*, customer: Customer, ticket, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    if ticket is not None and ticket.customer_id != customer.pk:
        raise ValidationError(_("The ticket belongs to another customer."))
    return reason[:255]


def _record(grant, *, action: str, by, now: datetime, **data) -> None:
    from tickets import events

    value = (f"{grant.percent_off.normalize():f}%" if getattr(grant, "percent_off", None)
             else str(grant.money_value))
    details = {"action": action, "grant": type(grant).__name__.lower(), "grant_id": grant.pk,
               "value": value, "status": grant.status, **data}
    if grant.ticket_id:
        events.record(grant.ticket, "loyalty", actor=by, at=now, **details)
    audit.record(actor=by, action=f"loyalty.{action}", target=grant, after=details)


@transaction.atomic
def grant_coupon(*, customer: Customer, granted_by, ticket=None, percent_off=None,
                 amount_off=None, expires_at: datetime | None = None, reason: str,
                 source: str = "agent") -> Coupon:
    """An apology coupon for the customer (exactly one of percent_off and amount_off).

    Within the granter's authority (source "agent") or the notice budget (source "notice")
    it is usable at once; above a person's authority it waits for a manager's approval.
    Raises NoticeBudgetExceeded when a notice coupon does not fit the budget.
    """
    now = timezone.now()
    if (percent_off is None) == (amount_off is None):
        raise ValidationError(_("Give either a percentage or an amount off, not both."))
    if percent_off is not None:
        percent_off = _money(percent_off, label=_("Percent off"))
        if percent_off > 100:
            raise ValidationError(_("Percent off cannot be more than 100."))
    else:
        amount_off = _money(amount_off, label=_("Amount off"))
    reason = _check_common(customer=customer, ticket=ticket, reason=reason)
    expires_at = expires_at or now + timedelta(days=LoyaltySettings.load().coupon_valid_days)
    if expires_at <= now:
        raise ValidationError(_("The expiry must be in the future."))
    needs_approval = _authorise(source=source, by=granted_by, percent=percent_off,
                                amount=amount_off, now=now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                coupon = Coupon.objects.create(
                    code=new_coupon_code(), customer=customer, ticket=ticket,
                    percent_off=percent_off, amount_off=amount_off, expires_at=expires_at,
                    reason=reason, source=source, granted_by=granted_by,
                    needs_approval=needs_approval,
                    status=GrantStatus.PENDING if needs_approval else GrantStatus.APPROVED,
                    created_at=now)
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("Could not find a free coupon code.")
    _record(coupon, action="coupon_granted", by=granted_by, now=now, code=coupon.code)
    return coupon


@transaction.atomic
def grant_store_credit(*, customer: Customer, granted_by, amount, ticket=None,
                       order: Order | None = None, reason: str, source: str = "agent",
                       kind: str = StoreCreditGrant.Kind.GOODWILL) -> StoreCreditGrant:
    """Store credit for the customer (goodwill, or a refund paid as credit), posted to the
    ledger at once within authority or budget; above a person's authority, on approval."""
    now = timezone.now()
    amount = _money(amount, label=_("Amount"))
    reason = _check_common(customer=customer, ticket=ticket, reason=reason)
    if kind not in StoreCreditGrant.Kind.values:
        raise ValidationError(_("Unknown kind of store credit."))
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError(_("The order belongs to another customer."))
    needs_approval = _authorise(source=source, by=granted_by, percent=None, amount=amount,
                                now=now)
    grant = StoreCreditGrant.objects.create(
        customer=customer, ticket=ticket, order=order, amount=amount, kind=kind, reason=reason,
        source=source, granted_by=granted_by, needs_approval=needs_approval,
        status=GrantStatus.PENDING if needs_approval else GrantStatus.APPROVED, created_at=now)
    if not needs_approval:
        _post_credit(grant, actor=granted_by, now=now)
    _record(grant, action="credit_granted", by=granted_by, now=now)
    return grant


def _post_credit(grant: StoreCreditGrant, *, actor, now: datetime) -> None:
    grant.entry = post_store_credit(
        customer_id=grant.customer_id, kind=StoreCreditEntry.Kind(grant.kind),
        amount=grant.amount, reason=grant.reason, actor=actor, ticket=grant.ticket,
        order=grant.order, now=now)
    grant.save(update_fields=["entry"])


def _locked_pending(grant, by):
    if by is None or not has_role(by, Role.MANAGER):
        raise PermissionDenied(_("Only a manager may decide on a grant."))
    if grant.granted_by_id is not None and grant.granted_by_id == by.pk:
        raise ApprovalError(_("Someone other than the granter must decide on it."))
    locked = type(grant).objects.select_for_update().get(pk=grant.pk)
    if locked.status != GrantStatus.PENDING:
        raise ApprovalError(_("This grant has already been decided."))
    return locked


@transaction.atomic
def approve_grant(*, grant: Coupon | StoreCreditGrant, by) -> Coupon | StoreCreditGrant:
    """A manager approves a pending grant: the coupon becomes usable for its full validity
    from now; the store credit is posted to the ledger."""
    now = timezone.now()
    grant = _locked_pending(grant, by)
    grant.status = GrantStatus.APPROVED
    grant.decided_by = by
    grant.decided_at = now
    fields = ["status", "decided_by", "decided_at"]
    if isinstance(grant, Coupon):
        grant.expires_at = now + (grant.expires_at - grant.created_at)
        fields.append("expires_at")
    grant.save(update_fields=fields)
    if isinstance(grant, StoreCreditGrant):
        _post_credit(grant, actor=by, now=now)
    _record(grant, action="grant_approved", by=by, now=now)
    return grant


@transaction.atomic
def reject_grant(*, grant: Coupon | StoreCreditGrant, by, note: str = ""
                 ) -> Coupon | StoreCreditGrant:
    now = timezone.now()
    grant = _locked_pending(grant, by)
    grant.status = GrantStatus.REJECTED
    grant.decided_by = by
    grant.decided_at = now
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _record(grant, action="grant_rejected", by=by, now=now, note=note.strip()[:255])
    return grant


@transaction.atomic
def redeem_coupon(*, code: str, order: Order | None = None, by=None,
                  now: datetime | None = None) -> Coupon:
    """The shop applied the coupon to an order: usable once, before it expires."""
    now = now or timezone.now()
    coupon = Coupon.objects.select_for_update().filter(code=(code or "").strip().upper()).first()
    if coupon is None:
        raise CouponNotUsable(_("There is no coupon with this code."))
    if order is not None and order.customer_id != coupon.customer_id:
        raise CouponNotUsable(_("This coupon belongs to another customer."))
    if coupon.status == GrantStatus.REDEEMED:
        raise CouponNotUsable(_("This coupon has already been used."))
    if not coupon.is_usable(now):
        raise CouponNotUsable(_("This coupon is expired or not approved."))
    coupon.status = GrantStatus.REDEEMED
    coupon.redeemed_at = now
    coupon.redeemed_order = order
    coupon.save(update_fields=["status", "redeemed_at", "redeemed_order"])
    audit.record(actor=by, action="loyalty.coupon_redeemed", target=coupon,
                 after={"order": order.number if order else ""})
    return coupon
