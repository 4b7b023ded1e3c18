from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class CustomerQuerySet(models.QuerySet):
    def active(self):
        """Customers that have not been merged into another record."""
        return self.filter(merged_into__isnull=True)


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.EN)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    notes = models.TextField(_("notes"), blank=True)
    tags = TaggableManager(_("tags"), blank=True)
    tier = models.ForeignKey("loyalty.Tier", verbose_name=_("tier"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="customers")
    # A merged record stays as a tombstone pointing at the customer it was merged into.
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from")
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["tier"]), models.Index(fields=["name"])]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("push_commerce_data",
             _("Can push customers, orders, shipments and tracking events through the API")),
        ]

    def __str__(self):
        return self.name

    @property
    def primary_email(self) -> str:
        for identity in self.identities.all():
            if identity.kind == IdentityKind.EMAIL:
                return identity.value
        return ""


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    SHOP = "shop", _("Shop customer id")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Weibo")
    WHATSAPP = "whatsapp", _("WhatsApp")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X (Twitter)")


def normalize_identity(kind: str, value: str) -> str:
    """Emails compare case-insensitively, phones by digits (and a leading +)."""
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        return value.lower()
    if kind == IdentityKind.PHONE:
        digits = "".join(ch for ch in value if ch.isdigit())
        return ("+" if value.startswith("+") else "") + digits
    if kind in {IdentityKind.SHOP}:
        return value
    return value.lstrip("@").lower()


class CustomerIdentity(models.Model):
    """One way to recognise a customer. A value belongs to exactly one person."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_kind_value"),
        ]
        indexes = [models.Index(fields=["value"])]
        ordering = ["kind", "-is_primary", "id"]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = normalize_identity(self.kind, self.value)
        super().save(*args, **kwargs)


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending payment")
    PAID = "paid", _("Paid")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("Partially shipped")
    FULFILLED = "fulfilled", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class OrderQuerySet(models.QuerySet):
    def counting(self):
        """Orders that count for loyalty and lifetime value."""
        return self.exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED,
                                        OrderStatus.PENDING])


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("order number"), max_length=64, unique=True)
    shop_order_id = models.CharField(_("shop order id"), max_length=64, null=True, blank=True,
                                     unique=True)
    placed_at = models.DateTimeField(_("placed at"))
    status = models.CharField(_("status"), max_length=24, choices=OrderStatus.choices,
                              default=OrderStatus.PAID)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2,
                                default=Decimal("0"))
    refunded_total = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2,
                                         default=Decimal("0"))
    # When the shop last changed the order; an older update arriving late is ignored.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-placed_at"]),
            models.Index(fields=["status"]),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self):
        return f"#{self.number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    title = models.CharField(_("item"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    shop_line_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    ATTEMPTED = "attempted_delivery", _("Delivery attempted")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")
    RETURNED = "returned", _("Returned to sender")
    CANCELLED = "cancelled", _("Cancelled")


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=64)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    tracking_url = models.URLField(_("tracking link"), blank=True)
    shop_fulfillment_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=24, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.LABEL_CREATED)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    promised_delivery_date = models.DateField(_("promised delivery"), null=True, blank=True)
    estimated_delivery = models.DateField(_("estimated delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last scan"), null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        constraints = [
            # A fulfilment may exist before the carrier gives it a tracking number.
            models.UniqueConstraint(fields=["carrier", "tracking_number"],
                                    condition=~models.Q(tracking_number=""),
                                    name="shipment_unique_tracking"),
        ]
        indexes = [
            models.Index(fields=["customer", "-shipped_at"]),
            models.Index(fields=["status"]),
            models.Index(fields=["order"]),
            models.Index(fields=["promised_delivery_date"]),
            models.Index(fields=["tracking_number"]),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"

    @property
    def is_delivered(self) -> bool:
        return self.status == ShipmentStatus.DELIVERED

    def is_late(self, now: datetime) -> bool:
        """Past the promised delivery date (in the customer's local calendar) and not delivered."""
        if self.is_delivered or self.promised_delivery_date is None:
            return False
        from zoneinfo import ZoneInfo

        local_today = now.astimezone(ZoneInfo(self.customer.time_zone)).date()
        return local_today > self.promised_delivery_date


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("time"))
    status = models.CharField(_("status"), max_length=32)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "occurred_at", "status"],
                                    name="tracking_event_unique"),
        ]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"


class WebhookSource(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify")
    CARRIER = "carrier", _("Carrier tracking")


class WebhookSecret(models.Model):
    """A signing secret for incoming webhooks. Several may be active at once while a secret
    is rotated; a delivery is accepted when its signature matches any of them. Without any,
    the SHOPIFY_WEBHOOK_SECRET / CARRIER_WEBHOOK_SECRET settings apply."""

    source = models.CharField(_("source"), max_length=16, choices=WebhookSource.choices)
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("For your reference, e.g. the shop domain or carrier."))
    secret = models.CharField(_("secret"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["source", "-created_at"]
        verbose_name = _("webhook secret")
        verbose_name_plural = _("webhook secrets")

    def __str__(self):
        return f"{self.get_source_display()} {self.name}".strip()


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One webhook request as it arrived, stored before it is processed. The unique
    (source, delivery id) makes a platform's retry of the same delivery a no-op."""

    source = models.CharField(_("source"), max_length=16, choices=WebhookSource.choices)
    delivery_id = models.CharField(_("delivery id"), max_length=128)
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.RECEIVED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    received_at = models.DateTimeField(_("received"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When the sweep should (re)try a delivery that is still `received`.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "delivery_id"],
                                    name="webhook_delivery_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["received_at"], name="webhook_delivery_received"),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.source} {self.topic} {self.delivery_id}"
