from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_audit import AuditedModelAdmin

from .models import (
    ApologyCoupon,
    DelayEpisode,
    DelayNotice,
    ExceptionStatus,
    NoticeRules,
    NoticeTemplate,
)


@admin.register(NoticeRules)
class NoticeRulesAdmin(AuditedModelAdmin):
    """One row of rules: edited, never added twice or deleted."""

    list_display = ["__str__", "late_enabled", "exception_enabled", "stalled_enabled",
                    "stalled_after_hours", "notify_within_days", "send_from", "send_until",
                    "holdout_percent"]
    fieldsets = [
        (None, {"fields": ["late_enabled", "exception_enabled", "stalled_enabled",
                           "stalled_after_hours", "notify_within_days"]}),
        (_("Quiet hours"), {"fields": ["send_from", "send_until"]}),
        (_("Measurement"), {"fields": ["holdout_percent"]}),
    ]

    def has_add_permission(self, request):
        return not NoticeRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExceptionStatus)
class ExceptionStatusAdmin(AuditedModelAdmin):
    list_display = ["code", "label", "description", "keywords", "enabled", "position"]
    list_editable = ["enabled", "position"]
    search_fields = ["code", "label", "keywords"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(AuditedModelAdmin):
    list_display = ["reason", "language", "subject", "updated_at"]
    list_filter = ["reason", "language"]


@admin.register(ApologyCoupon)
class ApologyCouponAdmin(AuditedModelAdmin):
    list_display = ["tier", "percent_off", "amount_off", "valid_days", "enabled"]
    list_editable = ["enabled"]
    list_select_related = ["tier"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DelayEpisode)
class DelayEpisodeAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "reason", "exception_code", "began_at", "detected_at",
                    "resolved_at", "notice_state", "skip_reason"]
    list_filter = ["reason", "notice_state", "skip_reason"]
    list_select_related = ["shipment"]
    raw_id_fields = ["shipment"]
    date_hierarchy = "detected_at"


@admin.register(DelayNotice)
class DelayNoticeAdmin(ReadOnlyAdmin):
    list_display = ["id", "episode", "ticket", "language", "deliver_after", "created_at",
                    "withdrawn_at"]
    list_select_related = ["episode__shipment", "ticket"]
    raw_id_fields = ["episode", "ticket", "message", "coupon"]
    date_hierarchy = "created_at"
