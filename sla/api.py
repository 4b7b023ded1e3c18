"""SLA fields for the ticket API resource.

The ticket serializer takes them by inheriting :class:`TicketSLAFields` (listing
``SLA_FIELDS`` in its ``Meta.fields``), and its view builds the queryset with
:func:`sla.selectors.with_sla` so a page of tickets costs a constant number of queries.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Metric, TimerState
from .selectors import (
    current_timers,
    is_breached,
    share_calendars,
    ticket_policy,
    timer_status,
)

SLA_FIELDS = ["first_response_due_at", "next_response_due_at", "resolution_due_at",
              "sla_policy", "sla_breached", "sla_timers"]


class SLATimerSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    cycle = serializers.IntegerField()
    state = serializers.ChoiceField(choices=TimerState.choices)
    policy = serializers.CharField(source="policy.name")
    due_at = serializers.DateTimeField(allow_null=True,
                                       help_text="Null while the clock is paused.")
    warn_at = serializers.DateTimeField(allow_null=True)
    business_hours = serializers.BooleanField(
        help_text="True if the target counts only the calendar's opening hours.")
    time_left_seconds = serializers.SerializerMethodField(
        help_text="Counted time left before the target (business time for business-hours "
                  "targets); negative when overdue, null once met or stopped.")
    paused = serializers.BooleanField()
    pause_reason = serializers.CharField(help_text='"pending", "on_hold" or "".')
    resumes_at = serializers.DateTimeField(
        allow_null=True, help_text="Outside business hours: when the clock counts again.")
    stopped_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.INT)
    def get_time_left_seconds(self, status) -> int | None:
        if status.time_left is None:
            return None
        return int(status.time_left.total_seconds())


class TicketSLAFields(serializers.Serializer):
    """Mix into the ticket serializer: ``class TicketSerializer(TicketSLAFields,
    serializers.ModelSerializer)``."""

    first_response_due_at = serializers.SerializerMethodField()
    next_response_due_at = serializers.SerializerMethodField()
    resolution_due_at = serializers.SerializerMethodField()
    sla_policy = serializers.SerializerMethodField()
    sla_breached = serializers.SerializerMethodField()
    sla_timers = serializers.SerializerMethodField()

    def _statuses(self, ticket) -> list:
        """The current cycle of each metric."""
        cache = getattr(ticket, "_sla_statuses", None)
        if cache is None:
            now = self.context.get("now") or timezone.now()
            timers = list(ticket.sla_timers.all())
            share_calendars(timers)
            cache = ticket._sla_statuses = [timer_status(t, now=now)
                                            for t in current_timers(timers)]
        return cache

    def _due(self, ticket, metric: str):
        for status in self._statuses(ticket):
            if status.metric == metric:
                return status.due_at
        return None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_first_response_due_at(self, ticket) -> str | None:
        return _iso(self._due(ticket, Metric.FIRST_RESPONSE))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_response_due_at(self, ticket) -> str | None:
        return _iso(self._due(ticket, Metric.NEXT_RESPONSE))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_resolution_due_at(self, ticket) -> str | None:
        return _iso(self._due(ticket, Metric.RESOLUTION))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sla_policy(self, ticket) -> str | None:
        policy = ticket_policy(ticket)
        return policy.name if policy is not None else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_sla_breached(self, ticket) -> bool:
        return is_breached(ticket, list(ticket.sla_timers.all()))

    @extend_schema_field(SLATimerSerializer(many=True))
    def get_sla_timers(self, ticket) -> list[dict]:
        return SLATimerSerializer(self._statuses(ticket), many=True).data


def _iso(value):
    return serializers.DateTimeField().to_representation(value) if value else None
