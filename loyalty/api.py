"""Loyalty over the REST API: tiers, a customer's loyalty summary, coupons (grant, list,
redeem), store-credit grants and both ledgers. Thin: serializers in, a service call, out."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import Customer, Order
from tickets.models import Ticket

from . import services
from .models import Coupon, PointsEntry, StoreCreditEntry, StoreCreditGrant, Tier


class NewestFirst(CursorPagination):
    ordering = "-id"


class LoyaltyFieldsMixin(serializers.Serializer):
    """`tier` (name), `points` and `store_credit` for a Customer serializer. Use with
    `Customer.objects.select_related("tier", "loyalty_wallet")` for no extra queries."""

    tier = serializers.CharField(source="tier.name", read_only=True, default=None,
                                 allow_null=True)
    points = serializers.SerializerMethodField()
    store_credit = serializers.SerializerMethodField()

    @staticmethod
    def _wallet(customer):
        return getattr(customer, "loyalty_wallet", None)

    def get_points(self, customer) -> int:
        wallet = self._wallet(customer)
        return wallet.points if wallet else 0

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_store_credit(self, customer) -> str:
        wallet = self._wallet(customer)
        return f"{wallet.store_credit if wallet else Decimal('0'):.2f}"


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["id", "name", "name_zh_hans", "rank", "min_orders", "min_spend", "qualify_by",
                  "window_months", "downgrade", "grace_days", "discount_percent", "perks",
                  "perks_zh_hans", "priority_service", "badge_colour"]


class TierViewSet(viewsets.ReadOnlyModelViewSet):
    """Loyalty tiers, lowest rank first."""

    queryset = Tier.objects.order_by("rank")
    serializer_class = TierSerializer
    pagination_class = None


class CustomerLoyaltySerializer(LoyaltyFieldsMixin, serializers.ModelSerializer):
    customer = serializers.IntegerField(source="pk", read_only=True)

    class Meta:
        model = Customer
        fields = ["customer", "tier", "points", "store_credit"]


class CustomerLoyaltyView(APIView):
    """A customer's tier (name), points balance and store-credit balance."""

    @extend_schema(responses=CustomerLoyaltySerializer)
    def get(self, request, customer_id: int):
        customer = get_object_or_404(Customer.objects.select_related("tier", "loyalty_wallet"),
                                     pk=customer_id)
        return Response(CustomerLoyaltySerializer(customer).data)


def _service_call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError({"detail": exc.messages}) from exc


class CouponSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), required=False,
                                                allow_null=True)
    expires_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Coupon
        fields = ["id", "code", "customer", "ticket", "percent_off", "amount_off", "currency",
                  "expires_at", "status", "reason", "source", "needs_approval", "granted_by",
                  "decided_by", "created_at", "redeemed_at", "redeemed_order"]
        read_only_fields = ["code", "currency", "status", "source", "needs_approval",
                            "granted_by", "decided_by", "created_at", "redeemed_at",
                            "redeemed_order"]


class RedeemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all(), required=False,
                                               allow_null=True)


class CouponViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Apology coupons. Creating one grants it as you, within your authority limit (above it,
    it waits for a manager: status `pending`). Filter with ?customer= and ?status=."""

    serializer_class = CouponSerializer
    filterset_fields = ["customer", "status", "ticket"]
    pagination_class = NewestFirst

    def get_queryset(self):
        return Coupon.objects.all()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _service_call(
            services.grant_coupon, customer=data["customer"], granted_by=self.request.user,
            ticket=data.get("ticket"), percent_off=data.get("percent_off"),
            amount_off=data.get("amount_off"), expires_at=data.get("expires_at"),
            reason=data.get("reason", ""))

    @extend_schema(request=RedeemSerializer, responses=CouponSerializer)
    @action(detail=False, methods=["post"])
    def redeem(self, request):
        """The shop applied a coupon to an order: usable once, before it expires."""
        payload = RedeemSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        coupon = _service_call(services.redeem_coupon, code=payload.validated_data["code"],
                               order=payload.validated_data.get("order"), by=request.user,
                               now=timezone.now())
        return Response(CouponSerializer(coupon).data, status=status.HTTP_200_OK)


class StoreCreditGrantSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), required=False,
                                                allow_null=True)
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all(), required=False,
                                               allow_null=True)

    class Meta:
        model = StoreCreditGrant
        fields = ["id", "customer", "ticket", "order", "amount", "kind", "status", "reason",
                  "source", "needs_approval", "granted_by", "decided_by", "created_at"]
        read_only_fields = ["status", "source", "needs_approval", "granted_by", "decided_by",
                            "created_at"]


class StoreCreditGrantViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Store credit granted to customers (goodwill, or a refund as credit), within your
    authority limit or pending a manager's approval."""

    serializer_class = StoreCreditGrantSerializer
    filterset_fields = ["customer", "status", "ticket"]
    pagination_class = NewestFirst

    def get_queryset(self):
        return StoreCreditGrant.objects.all()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _service_call(
            services.grant_store_credit, customer=data["customer"],
            granted_by=self.request.user, amount=data["amount"], ticket=data.get("ticket"),
            order=data.get("order"), reason=data.get("reason", ""),
            kind=data.get("kind", StoreCreditGrant.Kind.GOODWILL))


class PointsEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "customer", "kind", "points", "balance_after", "reason", "actor",
                  "ticket", "order", "expires_at", "created_at"]


class PointsEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The points ledger (append-only). Filter with ?customer=."""

    serializer_class = PointsEntrySerializer
    filterset_fields = ["customer", "kind", "order"]
    pagination_class = NewestFirst

    def get_queryset(self):
        return PointsEntry.objects.all()


class StoreCreditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = StoreCreditEntry
        fields = ["id", "customer", "kind", "amount", "balance_after", "reason", "actor",
                  "ticket", "order", "created_at"]


class StoreCreditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The store-credit ledger (append-only). Filter with ?customer=."""

    serializer_class = StoreCreditEntrySerializer
    filterset_fields = ["customer", "kind", "order"]
    pagination_class = NewestFirst

    def get_queryset(self):
        return StoreCreditEntry.objects.all()

