from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("team email"), blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="managed_teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"),
                                     blank=True, related_name="kefu_teams")

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]
PAUSED_STATUSES = [Status.PENDING, Status.ON_HOLD]


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Category(models.TextChoices):
    PRE_SALE = "pre_sale", _("Pre-sale question")
    ORDER_STATUS = "order_status", _("Order status")
    SHIPPING_PROBLEM = "shipping_problem", _("Shipping problem")
    DAMAGED = "damaged", _("Damaged or defective")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    PAYMENT = "payment", _("Payment")
    RETURN_REFUND = "return_refund", _("Return or refund")
    COMPLAINT = "complaint", _("Complaint")
    FEEDBACK = "feedback", _("Feedback")
    PARTNERSHIP = "partnership", _("Partnership or press")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB = "web", _("Web")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social")
    IN_STORE = "in_store", _("In store")
    API = "api", _("API")


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_customer(self, customer):
        return self.filter(customer=customer)


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices,
                                default=Priority.NORMAL)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices,
                                default=Category.OTHER)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.EMAIL)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"),
                                 on_delete=models.PROTECT, related_name="tickets")
    order = models.ForeignKey("customers.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="tickets")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="tickets")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True,
                                 blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tickets")
    tags = TaggableManager(_("tags"), blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    # The nearest open SLA deadline, kept by the services that change the ticket.
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    sla_breached = models.BooleanField(_("SLA breached"), default=False)
    # Full-text document (subject, customer name, message text) kept by tickets/search.py on
    # PostgreSQL, with a GIN index created by migration 0002; unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["sla_due_at", "id"]
        indexes = [
            models.Index(fields=["status", "sla_due_at", "id"], name="ticket_status_due"),
            models.Index(fields=["assignee", "status", "sla_due_at"], name="ticket_assignee"),
            models.Index(fields=["team", "status", "sla_due_at"], name="ticket_team"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer"),
            models.Index(fields=["order"], name="ticket_order"),
            # The inbox walks these in SLA order and stops after a page (partial: open only).
            models.Index(fields=["sla_due_at", "id"], name="ticket_open_due",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["assignee", "sla_due_at", "id"], name="ticket_open_assignee_due",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["team", "sla_due_at", "id"], name="ticket_open_team_due",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            # Open tickets per channel (the inbox's channel counts) from the index alone.
            models.Index(fields=["channel"], name="ticket_open_channel",
                         condition=models.Q(status__in=OPEN_STATUSES)),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        """SLA clocks do not run while the ticket waits on the customer or is on hold."""
        return self.status in PAUSED_STATUSES


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From customer")
    OUTBOUND = "outbound", _("Reply")
    NOTE = "note", _("Internal note")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML (sanitised)"), blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=16,
                                       choices=DeliveryStatus.choices, blank=True,
                                       default=DeliveryStatus.NONE)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.TextField(blank=True)
    delivery_claimed_at = models.DateTimeField(null=True, blank=True)
    # Not delivered before this time (quiet hours); null means as soon as possible.
    deliver_after = models.DateTimeField(_("deliver after"), null=True, blank=True)
    external_message_id = models.CharField(_("external message id"), max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket"),
            models.Index(fields=["delivery_status", "created_at"], name="message_delivery"),
            models.Index(fields=["external_message_id"], name="message_external_id"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_direction_display()} on #{self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.direction != Direction.NOTE


def attachment_path(instance, filename):
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=127, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class TicketEvent(models.Model):
    """The ticket's history (status, assignment, SLA, notices), written by services."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        FIELDS = "fields", _("Fields changed")
        MERGED = "merged", _("Merged")
        SLA = "sla", _("SLA")
        NOTICE = "notice", _("Notice sent")
        DELIVERY = "delivery", _("Delivery")
        LOYALTY = "loyalty", _("Coupon or store credit")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketevent_ticket")]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self):
        return f"{self.kind} on #{self.ticket_id}"

    def body_for(self, language: str) -> str:
        if language.lower().startswith("zh") and self.body_zh_hans:
            return self.body_zh_hans
        return self.body_en


class SavedView(models.Model):
    """An agent's own inbox view: a name and the inbox query string it stands for."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.CASCADE, related_name="saved_inbox_views")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name"),
        ]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self):
        return self.name
