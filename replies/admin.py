from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_audit import AuditedModelAdmin

from .forms import MacroAdminForm, ReplyTemplateAdminForm
from .models import Macro, ReplyTemplate
from .rendering import render

# What the admin preview fills placeholders with: a made-up ticket per language.
SAMPLE_CONTEXT = {
    "en": {
        "customer_name": "Lin Wei", "order_number": "1042",
        "order_items": "Longjing green tea 250g × 2, Celadon tea cup set",
        "tracking_number": "SF1234567890", "tracking_link": "https://track.example/SF1234567890",
        "carrier": "SF Express", "estimated_delivery": "Nov. 28, 2026", "tier_name": "Silver",
        "tier_perks": "✅ 10% off all orders\n✅ Free shipping on all orders (no minimum)",
        "agent_name": "Ann", "coupon_code": "SORRY10",
    },
    "zh-hans": {
        "customer_name": "林伟", "order_number": "1042",
        "order_items": "龙井绿茶250g × 2、青瓷茶杯套装", "tracking_number": "SF1234567890",
        "tracking_link": "https://track.example/SF1234567890", "carrier": "顺丰速运",
        "estimated_delivery": "2026年11月28日", "tier_name": "银卡会员",
        "tier_perks": "✅ 所有订单9折\n✅ 全部订单包邮（无门槛）", "agent_name": "安",
        "coupon_code": "SORRY10",
    },
}


class OwnershipFilter(admin.SimpleListFilter):
    title = _("owner")
    parameter_name = "ownership"

    def lookups(self, request, model_admin):
        return [("shared", _("Shared")), ("personal", _("Personal"))]

    def queryset(self, request, queryset):
        if self.value() == "shared":
            return queryset.filter(owner__isnull=True)
        if self.value() == "personal":
            return queryset.filter(owner__isnull=False)
        return queryset


def _preview(body: str, language: str):
    if not body:
        return format_html('<span class="quiet">{}</span>', _("(no text in this language)"))
    context = {**SAMPLE_CONTEXT[language], "shop_name": settings.SHOP_NAME}
    return render_to_string("replies/_admin_preview.html",
                            {"segments": render(body, context).segments})


class MacroInline(admin.TabularInline):
    model = Macro
    form = MacroAdminForm
    extra = 0
    fields = ["name", "set_status", "set_priority", "set_team", "add_tags", "assign_to_me",
              "is_active"]
    show_change_link = True


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AuditedModelAdmin):
    form = ReplyTemplateAdminForm
    list_display = ["name", "name_zh_hans", "category", "owner_display", "languages",
                    "usage_count", "is_active"]
    list_editable = ["category", "is_active"]
    list_filter = ["category", OwnershipFilter, "is_active"]
    search_fields = ["name", "name_zh_hans", "tags", "body_en", "body_zh_hans"]
    list_select_related = ["owner"]
    readonly_fields = ["usage_count", "last_used_at", "preview_en", "preview_zh_hans"]
    autocomplete_fields = ["owner"]
    inlines = [MacroInline]
    fieldsets = [
        (None, {"fields": ["category", "name", "name_zh_hans", "tags", "owner", "is_active"]}),
        (_("English"), {"fields": ["body_en", "preview_en"]}),
        (_("Chinese"), {"fields": ["body_zh_hans", "preview_zh_hans"]}),
        (_("Use"), {"fields": ["usage_count", "last_used_at"]}),
    ]

    @admin.display(description=_("owner"), ordering="owner__username")
    def owner_display(self, obj):
        return obj.owner.get_username() if obj.owner_id else _("Shared")

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return " · ".join(code for code, body in (("EN", obj.body_en), ("中文", obj.body_zh_hans))
                          if body)

    @admin.display(description=_("preview (sample ticket)"))
    def preview_en(self, obj):
        return _preview(obj.body_en, "en")

    @admin.display(description=_("preview (sample ticket)"))
    def preview_zh_hans(self, obj):
        return _preview(obj.body_zh_hans, "zh-hans")


@admin.register(Macro)
class MacroAdmin(AuditedModelAdmin):
    form = MacroAdminForm
    list_display = ["name", "name_zh_hans", "template", "set_status", "set_priority", "set_team",
                    "add_tags", "assign_to_me", "usage_count", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["set_status", "set_priority", "set_team", OwnershipFilter, "is_active"]
    search_fields = ["name", "name_zh_hans", "add_tags", "template__name"]
    list_select_related = ["template", "set_team"]
    autocomplete_fields = ["template", "owner"]
    readonly_fields = ["usage_count", "reply_preview"]

    @admin.display(description=_("reply preview (sample ticket)"))
    def reply_preview(self, obj):
        if obj.template_id is None:
            return "—"
        return _preview(obj.template.body_en or obj.template.body_zh_hans,
                        "en" if obj.template.body_en else "zh-hans")
