"""Django admin for loyalty configuration. Ledgers, grants and history are read-only here:
they change only through the services (the ticket panel, approvals, order events)."""

from django import forms
from django.contrib import admin

from helpdesk.admin_audit import AuditedModelAdmin

from .forms import check_placeholders
from .models import (
    AuthorityLimit,
    Coupon,
    LoyaltySettings,
    Membership,
    MessageTemplate,
    NoticeBudget,
    PointsEntry,
    StoreCreditEntry,
    StoreCreditGrant,
    Tier,
    TierAward,
    TierChange,
)
from .validation import TierAdminForm


@admin.register(Tier)
class TierAdmin(AuditedModelAdmin):
    form = TierAdminForm
    list_display = ["name", "name_zh_hans", "rank", "min_orders", "min_spend", "window_months",
                    "downgrade", "discount_percent", "priority_service"]
    ordering = ["rank"]


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["kind", "tier", "nth_order", "language", "subject", "body", "is_active"]

    def clean_subject(self):
        check_placeholders(self.cleaned_data["subject"])
        return self.cleaned_data["subject"]

    def clean_body(self):
        check_placeholders(self.cleaned_data["body"])
        return self.cleaned_data["body"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedModelAdmin):
    form = MessageTemplateForm
    list_display = ["kind", "tier", "nth_order", "language", "subject", "is_active"]
    list_filter = ["kind", "language", "is_active"]
    list_editable = ["is_active"]
    list_select_related = ["tier"]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(AuditedModelAdmin):
    list_display = ["role", "max_amount_per_grant", "max_percent_per_grant",
                    "max_amount_per_month", "max_grants_per_month"]


class SingletonAdmin(AuditedModelAdmin):
    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoticeBudget)
class NoticeBudgetAdmin(SingletonAdmin):
    list_display = ["__str__", "max_amount_per_grant", "max_percent_per_grant",
                    "max_amount_per_month", "max_grants_per_month"]


@admin.register(LoyaltySettings)
class LoyaltySettingsAdmin(SingletonAdmin):
    list_display = ["__str__", "points_per_unit", "points_valid_months", "coupon_valid_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Only the birthday is edited here; the rest is computed."""

    list_display = ["customer", "qualified_tier", "order_count", "spend", "tier_since",
                    "grace_until", "birthday"]
    list_select_related = ["customer", "qualified_tier"]
    search_fields = ["customer__name"]
    raw_id_fields = ["customer"]
    fields = ["customer", "birthday", "qualified_tier", "order_count", "spend", "first_order_at",
              "last_order_at", "tier_since", "grace_until", "review_at", "computed_at"]
    readonly_fields = [f for f in fields if f not in ("customer", "birthday")]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "customer"] if obj else self.readonly_fields


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "customer", "kind", "points", "balance_after", "reason",
                    "actor"]
    list_filter = ["kind"]
    list_select_related = ["customer", "actor"]
    search_fields = ["customer__name", "reason"]


@admin.register(StoreCreditEntry)
class StoreCreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "customer", "kind", "amount", "balance_after", "reason",
                    "actor"]
    list_filter = ["kind"]
    list_select_related = ["customer", "actor"]
    search_fields = ["customer__name", "reason"]


@admin.register(Coupon)
class CouponAdmin(ReadOnlyAdmin):
    list_display = ["code", "customer", "percent_off", "amount_off", "status", "source",
                    "expires_at", "granted_by", "created_at"]
    list_filter = ["status", "source"]
    list_select_related = ["customer", "granted_by"]
    search_fields = ["code", "customer__name"]


@admin.register(StoreCreditGrant)
class StoreCreditGrantAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "customer", "amount", "kind", "status", "source",
                    "granted_by"]
    list_filter = ["status", "source", "kind"]
    list_select_related = ["customer", "granted_by"]
    search_fields = ["customer__name", "reason"]


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "customer", "from_tier", "to_tier", "direction", "reason"]
    list_filter = ["direction", "reason"]
    list_select_related = ["customer", "from_tier", "to_tier"]


@admin.register(TierAward)
class TierAwardAdmin(ReadOnlyAdmin):
    list_display = ["awarded_at", "customer", "tier", "message"]
    list_select_related = ["customer", "tier"]
