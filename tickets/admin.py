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
    list_display = ["id", "subject", "status", "priority", "category", "channel", "customer",
                    "assignee", "sla_due_at"]
    list_filter = ["status", "priority", "category", "channel", "team"]
    search_fields = ["subject", "customer__name"]
    raw_id_fields = ["customer", "order", "assignee"]
    list_select_related = ["customer", "assignee"]
    inlines = [MessageInline]


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
