from django.contrib import admin

from .models import Tier


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "rank", "min_orders", "min_spend", "discount_percent",
                    "priority_service"]
    ordering = ["rank"]
