"""/api/v1/shipments/{id}/notices/ (a shipment's delay state and its notices) and
/api/v1/delay-notices/ (every notice written, newest first)."""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.pagination import CursorPagination

from customers.models import Shipment

from . import selectors
from .models import DelayEpisode, DelayNotice, Reason


class NoticeSerializer(serializers.ModelSerializer):
    delivery_status = serializers.CharField(source="message.delivery_status", read_only=True)
    sent_at = serializers.DateTimeField(source="message.sent_at", read_only=True)
    subject = serializers.CharField(source="ticket.subject", read_only=True)
    coupon = serializers.CharField(source="coupon.code", read_only=True, allow_null=True,
                                   default=None)

    class Meta:
        model = DelayNotice
        fields = ["id", "ticket", "message", "subject", "language", "deliver_after",
                  "delivery_status", "sent_at", "coupon", "created_at", "withdrawn_at"]


class EpisodeSerializer(serializers.ModelSerializer):
    notice = NoticeSerializer(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = DelayEpisode
        fields = ["id", "reason", "exception_code", "promised_date", "last_scan_at",
                  "began_at", "detected_at", "resolved_at", "is_open", "notice_state",
                  "skip_reason", "notice"]


class ShipmentDelaySerializer(serializers.Serializer):
    """A shipment's delay state: delayed while any episode is open."""

    shipment = serializers.IntegerField(source="pk")
    order_number = serializers.CharField(source="order.number")
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    delayed = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    episodes = EpisodeSerializer(source="delay_episodes", many=True)

    def get_delayed(self, shipment) -> bool:
        return any(episode.is_open for episode in shipment.delay_episodes.all())

    def get_reasons(self, shipment) -> list[str]:
        return sorted({e.reason for e in shipment.delay_episodes.all() if e.is_open})


class ShipmentNoticesView(generics.RetrieveAPIView):
    """The shipment's delay state and every delay episode with the notice written for it."""

    serializer_class = ShipmentDelaySerializer

    def get_object(self):
        try:
            return selectors.shipment_delay(self.kwargs["pk"])
        except Shipment.DoesNotExist as exc:
            raise Http404 from exc


class NoticeFilter(django_filters.FilterSet):
    reason = django_filters.ChoiceFilter(field_name="episode__reason", choices=Reason.choices)
    shipment = django_filters.NumberFilter(field_name="episode__shipment")
    customer = django_filters.NumberFilter(field_name="ticket__customer")

    class Meta:
        model = DelayNotice
        fields = ["reason", "shipment", "customer", "ticket"]


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")


class DelayNoticeListSerializer(NoticeSerializer):
    shipment = serializers.IntegerField(source="episode.shipment_id", read_only=True)
    reason = serializers.CharField(source="episode.reason", read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "shipment", "reason"]


@extend_schema(tags=["delay notices"])
class DelayNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Proactive shipping-delay notices, newest first."""

    serializer_class = DelayNoticeListSerializer
    filterset_class = NoticeFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        return selectors.notice_list()
