"""REST API for customers, orders, shipments and tracking events (/api/v1/).

Reads are open to agents; writes to admins and to integration users holding the
`customers.push_commerce_data` permission. Every create goes through the write path in
customers.services.commerce and is idempotent on the shop's ids: posting the same order
again updates it (200) instead of creating another (201).
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from helpdesk.roles import Role, has_role
from loyalty.api import LoyaltyFieldsMixin

from .models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Language,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    normalize_identity,
)
from .services import commerce
from .services.inputs import (
    CustomerIn,
    IdentityIn,
    OrderIn,
    OrderLineIn,
    ShipmentIn,
    TrackingEventIn,
)

PUSH_PERMISSION = "customers.push_commerce_data"


class CommerceDataPermission(BasePermission):
    """Agents read; admins and integration users (with the push permission) also write."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        can_push = has_role(user, Role.ADMIN) or user.has_perm(PUSH_PERMISSION)
        if request.method in SAFE_METHODS:
            return can_push or has_role(user, Role.AGENT)
        return can_push


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _raise_invalid(exc: commerce.CommerceDataError):
    raise serializers.ValidationError({"detail": str(exc)})


class UpsertMixin:
    """POST creates or updates through the write path: 201 when new, 200 when it existed."""

    input_serializer_class: type[serializers.Serializer]
    write = None  # the service, e.g. staticmethod(commerce.record_order)

    def create(self, request, *args, **kwargs):
        incoming = self.input_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = self.write(data=incoming.to_input())
        except commerce.CommerceDataError as exc:
            _raise_invalid(exc)
        instance = self.get_queryset().get(pk=result.obj.pk)
        body = self.get_serializer(instance).data
        if result.notes:
            body = {**body, "notes": result.notes}
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body, status=code)


# --- Customers ---------------------------------------------------------------------------

class IdentitySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=IdentityKind.choices)
    value = serializers.CharField(max_length=254)

    class Meta:
        model = CustomerIdentity
        fields = ["kind", "value", "is_primary"]
        read_only_fields = ["is_primary"]


class CustomerSerializer(LoyaltyFieldsMixin, serializers.ModelSerializer):
    identities = IdentitySerializer(many=True, read_only=True)
    order_count = serializers.IntegerField(read_only=True)
    lifetime_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "language", "time_zone", "identities", "tier", "points",
                  "store_credit", "order_count", "lifetime_value", "notes", "tags",
                  "merged_into", "created_at", "updated_at"]
        read_only_fields = fields

    def get_tags(self, obj) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())


class CustomerInputSerializer(serializers.Serializer):
    """Identities may be given as a list, or as shop_customer_id / email / phone fields."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    identities = IdentitySerializer(many=True, required=False)
    shop_customer_id = serializers.CharField(max_length=64, required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(max_length=64, required=False)

    def validate(self, attrs):
        identities = [IdentityIn(i["kind"], i["value"]) for i in attrs.get("identities", [])]
        for field, kind in [("shop_customer_id", IdentityKind.SHOP),
                            ("email", IdentityKind.EMAIL), ("phone", IdentityKind.PHONE)]:
            if attrs.get(field):
                identities.append(IdentityIn(kind, attrs[field]))
        if not identities:
            raise serializers.ValidationError(
                "give at least one identity: shop_customer_id, email, phone or identities")
        attrs["identity_list"] = identities
        return attrs

    def to_input(self) -> CustomerIn:
        return customer_input(self.validated_data)


def customer_input(data: dict) -> CustomerIn:
    return CustomerIn(identities=data["identity_list"], name=data.get("name", ""),
                      language=data.get("language"), time_zone=data.get("time_zone"))


def customers_with_totals():
    counting = Order.objects.filter(customer=OuterRef("pk")).counting().order_by() \
        .values("customer")
    return (
        Customer.objects.active().select_related("tier", "loyalty_wallet")
        .prefetch_related("identities", "tags")
        .annotate(
            order_count=Coalesce(Subquery(counting.annotate(n=Count("id")).values("n")),
                                 Value(0), output_field=IntegerField()),
            lifetime_value=Coalesce(
                Subquery(counting.annotate(v=Sum(F("total") - F("refunded_total"))).values("v")),
                Value(Decimal("0")), output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
    )


class CustomerFilter(filters.FilterSet):
    identity = filters.CharFilter(method="filter_identity", label="Any identity (exact)")
    tier = filters.CharFilter(field_name="tier__name", lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["identity", "tier", "language"]

    def filter_identity(self, queryset, name, value):
        values = {normalize_identity(kind, value) for kind in IdentityKind.values}
        return queryset.filter(identities__value__in=values).distinct()


class CustomerViewSet(UpsertMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Customers with their identities, tier, order count and lifetime value. POST creates a
    customer or updates the one that already has one of the given identities."""

    serializer_class = CustomerSerializer
    input_serializer_class = CustomerInputSerializer
    permission_classes = [CommerceDataPermission]
    pagination_class = NewestFirst
    filterset_class = CustomerFilter

    def get_queryset(self):
        return customers_with_totals()

    write = staticmethod(commerce.record_customer)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


# --- Orders ------------------------------------------------------------------------------

class OrderLineSerializer(serializers.ModelSerializer):
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))

    class Meta:
        model = OrderLine
        fields = ["id", "sku", "title", "quantity", "unit_price", "shop_line_id"]
        read_only_fields = ["id"]


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    shipments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "shop_order_id", "customer", "placed_at", "status", "currency",
                  "total", "refunded_total", "lines", "shipments", "created_at", "updated_at"]
        read_only_fields = fields


class OrderInputSerializer(serializers.Serializer):
    """The customer is given by Kefu id (`customer`) or by identities (`customer_data`)."""

    number = serializers.CharField(max_length=64)
    shop_order_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    customer = serializers.IntegerField(required=False)
    customer_data = CustomerInputSerializer(required=False)
    placed_at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0),
                                     required=False)
    refunded_total = serializers.DecimalField(max_digits=12, decimal_places=2,
                                              min_value=Decimal(0), required=False)
    lines = OrderLineSerializer(many=True, required=False)
    source_updated_at = serializers.DateTimeField(required=False)

    def to_input(self) -> OrderIn:
        data = self.validated_data
        customer = customer_input(data["customer_data"]) if data.get("customer_data") else None
        lines = None
        if "lines" in data:
            lines = [OrderLineIn(title=line["title"], quantity=line["quantity"],
                                 unit_price=line["unit_price"], sku=line.get("sku", ""),
                                 shop_line_id=line.get("shop_line_id", ""))
                     for line in data["lines"]]
        return OrderIn(
            number=data["number"], shop_order_id=data.get("shop_order_id"),
            customer=customer, customer_id=data.get("customer"),
            placed_at=data.get("placed_at"), status=data.get("status"),
            currency=data.get("currency"), total=data.get("total"),
            refunded_total=data.get("refunded_total"), lines=lines,
            source_updated_at=data.get("source_updated_at"),
        )


class OrderFilter(filters.FilterSet):
    class Meta:
        model = Order
        fields = ["customer", "number", "shop_order_id", "status"]


class OrderViewSet(UpsertMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Orders with their lines. POST creates an order or updates the one with the same shop
    order id (else number); lines, when given, replace the stored ones."""

    serializer_class = OrderSerializer
    input_serializer_class = OrderInputSerializer
    permission_classes = [CommerceDataPermission]
    pagination_class = NewestFirst
    filterset_class = OrderFilter

    def get_queryset(self):
        return Order.objects.prefetch_related(
            "lines", Prefetch("shipments", queryset=Shipment.objects.only("id", "order_id")))

    write = staticmethod(commerce.record_order)

    @extend_schema(request=OrderInputSerializer, responses=OrderSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


# --- Shipments ---------------------------------------------------------------------------

class ShipmentSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "order", "order_number", "customer", "carrier", "tracking_number",
                  "tracking_url", "shop_fulfillment_id", "status", "shipped_at",
                  "promised_delivery_date", "estimated_delivery", "delivered_at",
                  "last_event_at", "created_at", "updated_at"]
        read_only_fields = fields


class ShipmentInputSerializer(serializers.Serializer):
    """The order is given by Kefu id (`order`), `order_number` or `shop_order_id`."""

    order = serializers.IntegerField(required=False)
    order_number = serializers.CharField(max_length=64, required=False)
    shop_order_id = serializers.CharField(max_length=64, required=False)
    carrier = serializers.CharField(max_length=64, allow_blank=True)
    tracking_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    tracking_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    shop_fulfillment_id = serializers.CharField(max_length=64, required=False)
    status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)
    shipped_at = serializers.DateTimeField(required=False)
    promised_delivery_date = serializers.DateField(required=False)
    estimated_delivery = serializers.DateField(required=False)
    delivered_at = serializers.DateTimeField(required=False)
    source_updated_at = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("order", "order_number", "shop_order_id")):
            raise serializers.ValidationError(
                "give the order: order, order_number or shop_order_id")
        return attrs

    def to_input(self) -> ShipmentIn:
        data = dict(self.validated_data)
        data["order_id"] = data.pop("order", None)
        return ShipmentIn(**data)


class ShipmentFilter(filters.FilterSet):
    class Meta:
        model = Shipment
        fields = ["order", "customer", "carrier", "tracking_number", "status"]


class ShipmentViewSet(UpsertMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Shipments. POST creates one or updates the one with the same shop fulfilment id
    (else carrier and tracking number)."""

    serializer_class = ShipmentSerializer
    input_serializer_class = ShipmentInputSerializer
    permission_classes = [CommerceDataPermission]
    pagination_class = NewestFirst
    filterset_class = ShipmentFilter

    def get_queryset(self):
        return Shipment.objects.select_related("order")

    write = staticmethod(commerce.record_shipment)

    @extend_schema(request=ShipmentInputSerializer, responses=ShipmentSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


# --- Tracking events ---------------------------------------------------------------------

class TrackingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingEvent
        fields = ["id", "shipment", "occurred_at", "status", "location", "description",
                  "created_at"]
        read_only_fields = fields


class TrackingEventInputSerializer(serializers.Serializer):
    """The shipment is given by Kefu id (`shipment`) or by `tracking_number` (and `carrier`)."""

    shipment = serializers.IntegerField(required=False)
    carrier = serializers.CharField(max_length=64, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=64, required=False)
    occurred_at = serializers.DateTimeField()
    status = serializers.CharField(max_length=32)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    estimated_delivery = serializers.DateField(required=False)

    def validate(self, attrs):
        if not attrs.get("shipment") and not attrs.get("tracking_number"):
            raise serializers.ValidationError("give the shipment: shipment or tracking_number")
        return attrs

    def to_input(self) -> TrackingEventIn:
        data = dict(self.validated_data)
        data["shipment_id"] = data.pop("shipment", None)
        return TrackingEventIn(**data)


class TrackingEventViewSet(UpsertMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Carrier scans. POST adds one; the same shipment, time and status again is a no-op."""

    serializer_class = TrackingEventSerializer
    input_serializer_class = TrackingEventInputSerializer
    permission_classes = [CommerceDataPermission]
    pagination_class = NewestFirst
    filterset_fields = ["shipment", "status"]

    def get_queryset(self):
        return TrackingEvent.objects.all()

    write = staticmethod(commerce.record_tracking_event)

    @extend_schema(request=TrackingEventInputSerializer, responses=TrackingEventSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)
