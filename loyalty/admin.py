from django.contrib import admin

from helpdesk.admin_audit import AuditedModelAdmin

from .models import Tier
from .validation import TierAdminForm


@admin.register(Tier)
class TierAdmin(AuditedModelAdmin):
    form = TierAdminForm
    list_display = ["name", "name_zh_hans", "rank", "min_orders", "min_spend", "discount_percent",
                    "priority_service"]
    ordering = ["rank"]
