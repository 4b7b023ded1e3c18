"""Read paths for customer pages, with a query count independent of the data size."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from loyalty.models import Tier
from notices.selectors import delay_prefetch
from tickets.models import OPEN_STATUSES, Message, Ticket

from .models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Order,
    OrderStatus,
    Shipment,
    TrackingEvent,
    normalize_identity,
)

NOT_COUNTING = [OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PENDING]


def order_stats(customer: Customer) -> dict:
    """Lifetime value, order count, average order value, first and last order."""
    counting = ~Q(status__in=NOT_COUNTING)
    stats = Order.objects.filter(customer=customer).aggregate(
        order_count=Count("id", filter=counting),
        lifetime_value=Sum("total", filter=counting),
        refunded=Sum("refunded_total", filter=counting),
        first_order_at=Min("placed_at", filter=counting),
        last_order_at=Max("placed_at", filter=counting),
    )
    ltv = (stats["lifetime_value"] or Decimal(0)) - (stats["refunded"] or Decimal(0))
    count = stats["order_count"]
    return {
        "order_count": count,
        "lifetime_value": ltv,
        "average_order_value": (ltv / count).quantize(Decimal("0.01")) if count else Decimal(0),
        "first_order_at": stats["first_order_at"],
        "last_order_at": stats["last_order_at"],
        "is_repeat_customer": count >= 2,
    }


@dataclass
class Threshold:
    have: Decimal | int
    need: Decimal | int

    @property
    def percent(self) -> int:
        if not self.need:
            return 100
        return min(100, int(Decimal(self.have) * 100 / Decimal(self.need)))

    @property
    def missing(self):
        return max(self.need - self.have, 0)


@dataclass
class TierProgress:
    current: Tier | None
    next: Tier | None
    orders: Threshold | None
    spend: Threshold | None


def tier_progress(customer: Customer, stats: dict) -> TierProgress:
    """The next tier above the customer's and how far they are on each of its thresholds."""
    tiers = list(Tier.objects.order_by("rank"))
    current = next((t for t in tiers if t.pk == customer.tier_id), None)
    above = [t for t in tiers if current is None or t.rank > current.rank]
    upcoming = above[0] if above else None
    orders = spend = None
    if upcoming is not None:
        if upcoming.min_orders is not None:
            orders = Threshold(stats["order_count"], upcoming.min_orders)
        if upcoming.min_spend is not None:
            spend = Threshold(stats["lifetime_value"], upcoming.min_spend)
    return TierProgress(current=current, next=upcoming, orders=orders, spend=spend)


def _orders_with_tracking() -> QuerySet[Order]:
    """Orders with their lines, shipments, each shipment's tracking events and its delays
    with the notices sent (templates/notices/_shipment_delay.html): one query each."""
    return Order.objects.prefetch_related(
        "lines",
        Prefetch("shipments", queryset=Shipment.objects.order_by("-shipped_at", "-id")
                 .prefetch_related(Prefetch("events", queryset=TrackingEvent.objects
                                            .order_by("-occurred_at", "-id")),
                                   delay_prefetch())),
    )


def recent_orders(customer: Customer, limit: int = 5) -> list[Order]:
    """The latest orders with their lines, shipments and each shipment's tracking events."""
    return _owned_by(list(_orders_with_tracking().filter(customer=customer)
                          .order_by("-placed_at", "-id")[:limit]), customer)


def orders_page(customer: Customer, page: int | str | None, per_page: int = 10) -> Page:
    """One page of the customer's orders, newest first, with lines and tracking."""
    orders = _orders_with_tracking().filter(customer=customer).order_by("-placed_at", "-id")
    result = Paginator(orders, per_page).get_page(page)
    result.object_list = _owned_by(list(result.object_list), customer)
    return result


def _owned_by(orders: list[Order], customer: Customer) -> list[Order]:
    """Attach the customer we already hold, so Shipment.is_late needs no query per row."""
    for order in orders:
        order.customer = customer
        for shipment in order.shipments.all():
            shipment.customer = customer
    return orders


def customer_for_sidebar(pk: int) -> Customer:
    return (Customer.objects.select_related("tier")
            .prefetch_related("identities", "tags").get(pk=pk))


def customer_profile(pk: int) -> Customer:
    return (Customer.objects.select_related("tier", "merged_into")
            .prefetch_related("identities", "tags").get(pk=pk))


def sidebar_tickets(customer: Customer, limit: int = 12) -> tuple[list[Ticket], list[Ticket]]:
    """The customer's open tickets and then the latest closed ones, newest first, in one
    query."""
    still_open = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
    tickets = list(Ticket.objects.filter(customer=customer).select_related("assignee")
                   .order_by(still_open, "-created_at", "-id")[:limit])
    return [t for t in tickets if t.is_open], [t for t in tickets if not t.is_open]


def tickets_page(customer: Customer, page: int | str | None, per_page: int = 20) -> Page:
    """All of the customer's tickets, newest first, with their message count."""
    messages = (Message.objects.filter(ticket=OuterRef("pk")).order_by()
                .values("ticket").annotate(n=Count("id")).values("n"))
    tickets = (Ticket.objects.filter(customer=customer).select_related("assignee", "team")
               .annotate(message_count=Coalesce(Subquery(messages), 0))
               .order_by("-created_at", "-id"))
    return Paginator(tickets, per_page).get_page(page)


def timeline_page(customer: Customer, page: int | str | None, per_page: int = 25) -> Page:
    """Every message of every ticket of the customer, on every channel, newest first."""
    messages = (Message.objects.filter(ticket__customer=customer)
                .select_related("ticket", "author").order_by("-created_at", "-id"))
    return Paginator(messages, per_page).get_page(page)


def identity_candidates(query: str) -> list[tuple[str, str]]:
    """How a typed search could be written as each kind of identity."""
    return sorted({(kind, normalize_identity(kind, query)) for kind in IdentityKind.values
                   if normalize_identity(kind, query)})


def search_customers(query: str, limit: int = 50) -> list[Customer]:
    """Customers whose identity (email, phone, shop id, social handle) equals the query, who
    placed the order with that number or own the shipment with that tracking number; else
    those whose name starts with it."""
    query = query.strip()
    if not query:
        return []
    ids: list[int] = []
    identity_filter = Q()
    for kind, value in identity_candidates(query):
        identity_filter |= Q(kind=kind, value=value)
    ids += CustomerIdentity.objects.filter(identity_filter).values_list("customer_id", flat=True)
    number = query.lstrip("#").strip()
    ids += Order.objects.filter(Q(number=number) | Q(shop_order_id=number)) \
        .values_list("customer_id", flat=True)
    ids += Shipment.objects.filter(tracking_number=query).values_list("customer_id", flat=True)[:5]
    exact = list(dict.fromkeys(ids))
    found = {c.pk: c for c in _listed(Customer.objects.filter(pk__in=exact))}
    # A merged record leads to the one it was merged into.
    merged = [c.merged_into_id for c in found.values() if c.merged_into_id]
    if merged:
        found.update({c.pk: c for c in _listed(Customer.objects.filter(pk__in=merged))})
    results = [c for c in found.values() if not c.merged_into_id]
    # Names only when nothing matched exactly: a name prefix cannot use an index.
    if not results and len(query) >= 2 and "@" not in query:
        by_name = _listed(Customer.objects.active().filter(name__istartswith=query)
                          .exclude(pk__in=[c.pk for c in results]).order_by("name", "id"))
        results += list(by_name[:limit - len(results)])
    return results[:limit]


def _listed(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    return queryset.select_related("tier").prefetch_related("identities")
