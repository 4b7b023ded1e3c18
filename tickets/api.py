"""Tickets and their conversation over the API: thin views over the same selectors and
services as the pages (input serializer, service call, output serializer)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from customers.models import Customer, Order
from replies import services as reply_services
from replies.validation import ReplyNotReady
from sla.api import SLA_FIELDS, TicketSLAFields
from sla.selectors import with_sla

from . import services
from .models import Category, Channel, Message, Priority, Status, Team, Ticket

TICKET_FIELDS = [
    "id", "subject", "status", "priority", "category", "channel", "customer", "customer_name",
    "order", "team", "assignee", "tags", "created_at", "updated_at", "first_responded_at",
    "solved_at", "last_message_at", "sla_due_at",
    *SLA_FIELDS,
]


class TicketSerializer(TicketSLAFields, serializers.ModelSerializer):
    """A ticket as the API shows it. Other apps extend it by subclassing and adding to
    `Meta.fields` (e.g. SLA targets)."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = TICKET_FIELDS
        read_only_fields = TICKET_FIELDS

    def get_tags(self, ticket) -> list[str]:
        return sorted(tag.name for tag in ticket.tags.all())


class TicketCreateSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(),
                                                  required=False)
    customer_email = serializers.EmailField(required=False)
    customer_name = serializers.CharField(required=False, max_length=200,
                                          help_text="Name for a new customer (by email).")
    subject = serializers.CharField(max_length=255)
    body_text = serializers.CharField(required=False, allow_blank=True, default="")
    body_html = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all(), required=False,
                                               allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False,
                                              allow_null=True)

    def validate(self, data):
        if bool(data.get("customer")) == bool(data.get("customer_email")):
            raise serializers.ValidationError(
                "Give exactly one of `customer` (an id) or `customer_email`.")
        if not (data.get("body_text") or "").strip() and not (data.get("body_html") or "").strip():
            raise serializers.ValidationError({"body_text": "The first message is required."})
        order = data.get("order")
        if order is not None and data.get("customer") and order.customer_id != data["customer"].pk:
            raise serializers.ValidationError({"order": "This order belongs to another customer."})
        return data


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "ticket", "direction", "author", "author_name", "channel", "body_text",
                  "delivery_status", "created_at", "sent_at"]
        read_only_fields = fields

    def get_author_name(self, message) -> str:
        author = message.author
        return (author.get_full_name() or author.get_username()) if author else ""


class MessageCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("reply", "reply"), ("note", "note")],
                                   default="reply")
    body_text = serializers.CharField(max_length=50_000)
    set_status = serializers.ChoiceField(choices=Status.choices, required=False,
                                         help_text="For a reply: the status to set with it.")
    seen_message_id = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The newest message the writer had seen: a newer customer message or "
                  "another agent's reply makes the API answer 409 instead of sending.")


class TicketFilter(django_filters.FilterSet):
    # distinct=False: these filter the ticket table itself (no join), and DISTINCT would make
    # PostgreSQL sort every matching ticket before the page.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, distinct=False)
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = Ticket
        fields = ["customer", "status", "channel", "assignee", "team", "priority", "category"]


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200


class OldestFirst(CursorPagination):
    ordering = ("created_at", "id")
    page_size_query_param = "page_size"
    max_page_size = 200


class TicketListCreateApi(generics.ListAPIView):
    """List tickets (filter by customer, status, channel, assignee...), or open one with its
    first message; the customer by id or by email (created when new)."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        return with_sla(Ticket.objects.select_related("customer").prefetch_related("tags"))

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def post(self, request):
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = values.get("customer") or services.customer_for_email(
            email=values["customer_email"], name=values.get("customer_name", ""))
        order = values.get("order")
        if order is not None and order.customer_id != customer.pk:
            raise serializers.ValidationError({"order": "This order belongs to another customer."})
        ticket = services.open_ticket(
            customer=customer, subject=values["subject"], body_text=values["body_text"],
            body_html=values["body_html"], channel=values["channel"],
            category=values["category"], priority=values["priority"], order=order,
            team=values.get("team"), opened_by=request.user)
        return Response(TicketSerializer(self.get_queryset().get(pk=ticket.pk)).data,
                        status=status.HTTP_201_CREATED)


class TicketDetailApi(generics.RetrieveAPIView):
    serializer_class = TicketSerializer

    def get_queryset(self):
        return with_sla(Ticket.objects.select_related("customer").prefetch_related("tags"))


class TicketMessagesApi(generics.ListAPIView):
    """A ticket's conversation (internal notes included), or add a reply or a note.

    A reply's placeholders ({{customer_name}}...) are filled from the ticket; a reply with a
    placeholder that has no value, a fill-in or raw braces is refused, never sent."""

    serializer_class = MessageSerializer
    pagination_class = OldestFirst

    def get_ticket(self) -> Ticket:
        return get_object_or_404(Ticket.objects.select_related("customer", "order"),
                                 pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Message.objects.none()
        return Message.objects.filter(ticket=self.get_ticket()).select_related("author")

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request, pk):
        ticket = self.get_ticket()
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["kind"] == "note":
            message = services.add_note(ticket=ticket, author=request.user,
                                        body_text=values["body_text"])
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        try:
            message = reply_services.send_reply(
                ticket=ticket, author=request.user, body_text=values["body_text"],
                set_status=values.get("set_status"),
                seen_message_id=values.get("seen_message_id"))
        except ReplyNotReady as not_ready:
            raise serializers.ValidationError({"body_text": not_ready.problems}) from not_ready
        except services.StaleReply as stale:
            return Response({
                "detail": "New messages arrived since `seen_message_id`; nothing was sent.",
                "newer": MessageSerializer(stale.newer, many=True).data,
            }, status=status.HTTP_409_CONFLICT)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
