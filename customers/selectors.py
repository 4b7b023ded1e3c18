"""Read paths for customer pages, with a query count independent of the data size."""

from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, Sum

from .models import Customer, Order, OrderStatus, Shipment, TrackingEvent

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


def recent_orders(customer: Customer, limit: int = 5) -> list[Order]:
    """The latest orders with their lines, shipments and each shipment's tracking events."""
    return list(
        Order.objects.filter(customer=customer)
        .order_by("-placed_at", "-id")
        .prefetch_related(
            "lines",
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related(
                Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at")))),
        )[:limit]
    )


def customer_for_sidebar(pk: int) -> Customer:
    return Customer.objects.select_related("tier").prefetch_related("identities").get(pk=pk)
