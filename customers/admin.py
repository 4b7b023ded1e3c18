from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_audit import AuditedModelAdmin

from .models import (
    Customer,
    CustomerIdentity,
    DeliveryStatus,
    Order,
    OrderLine,
    Shipment,
    TrackingEvent,
    WebhookDelivery,
    WebhookSecret,
)
from .webhooks import receipt


class IdentityInline(admin.TabularInline):
    model = CustomerIdentity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ["name", "tier", "language", "time_zone", "merged_into", "created_at"]
    list_filter = ["tier", "language"]
    raw_id_fields = ["merged_into"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
    list_select_related = ["tier"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(AuditedModelAdmin):
    list_display = ["number", "customer", "status", "total", "currency", "placed_at"]
    list_filter = ["status"]
    search_fields = ["number", "shop_order_id", "customer__name"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]
    list_select_related = ["customer"]
    date_hierarchy = "placed_at"


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(AuditedModelAdmin):
    list_display = ["tracking_number", "carrier", "status", "shipped_at",
                    "promised_delivery_date", "delivered_at"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order", "customer"]
    inlines = [TrackingEventInline]


@admin.register(WebhookSecret)
class WebhookSecretAdmin(AuditedModelAdmin):
    list_display = ["source", "name", "is_active", "created_at"]
    list_filter = ["source", "is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "topic", "delivery_id", "status", "attempts",
                    "processed_at"]
    list_filter = ["status", "source", "topic"]
    search_fields = ["delivery_id"]
    date_hierarchy = "received_at"
    actions = ["retry"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request, queryset):
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            receipt.retry_failed(delivery=delivery)
