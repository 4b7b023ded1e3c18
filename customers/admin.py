from django.contrib import admin

from helpdesk.admin_audit import AuditedModelAdmin

from .models import Customer, CustomerIdentity, Order, OrderLine, Shipment, TrackingEvent


class IdentityInline(admin.TabularInline):
    model = CustomerIdentity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ["name", "tier", "language", "time_zone", "created_at"]
    list_filter = ["tier", "language"]
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
