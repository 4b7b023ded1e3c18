from django.contrib import admin

from helpdesk.admin_audit import AuditedModelAdmin

from .models import Attachment, Message, SavedView, Team, Ticket, TicketEvent


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "email", "manager"]
    filter_horizontal = ["members"]


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["direction", "author", "channel", "body_text", "delivery_status", "created_at"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(AuditedModelAdmin):
    """Look-up and corrections of the subject and tags only: status, priority, category,
    team and assignee change in the ticket workspace, through the services that run the SLA
    clocks and write the history. Tickets are opened there, by email, webhooks or the API."""

    list_display = ["id", "subject", "status", "priority", "category", "channel", "customer",
                    "assignee", "sla_due_at"]
    list_filter = ["status", "priority", "category", "channel", "team"]
    search_fields = ["subject", "customer__name"]
    raw_id_fields = ["customer", "order", "assignee"]
    list_select_related = ["customer", "assignee"]
    inlines = [MessageInline]
    editable_fields = ("subject", "tags")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Ticket._meta.get_fields()
                if field.concrete and not field.auto_created
                and field.name not in self.editable_fields]

    def has_add_permission(self, request):
        return False


@admin.register(Message)
class MessageAdmin(AuditedModelAdmin):
    list_display = ["id", "ticket", "direction", "channel", "delivery_status", "created_at"]
    list_filter = ["direction", "delivery_status", "channel"]
    raw_id_fields = ["ticket", "author"]


admin.site.register(Attachment)


@admin.register(TicketEvent)
class TicketEventAdmin(AuditedModelAdmin):
    list_display = ["ticket", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["ticket"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "created_at"]
    raw_id_fields = ["owner"]
