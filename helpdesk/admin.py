import json

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import staff_views
from .admin_audit import AuditMixin
from .models import AuditEntry

admin.site.site_header = _("Kefu administration")
admin.site.site_title = _("Kefu")
admin.site.index_template = "admin/kefu_index.html"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: who changed what, when, before and after."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr",
                    "changed_fields"]
    list_filter = ["action", "target_type", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target_repr", "action", "actor__username", "target_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]
    show_full_result_count = False
    fields = ["created_at", "actor", "action", "target_type", "target_id", "target_repr",
              "changes"]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "target_id" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("changed"))
    def changed_fields(self, obj):
        keys = list(dict.fromkeys([*obj.before, *obj.after]))
        return ", ".join(keys[:8]) + (" …" if len(keys) > 8 else "")

    @admin.display(description=_("before → after"))
    def changes(self, obj):
        keys = list(dict.fromkeys([*obj.before, *obj.after]))
        if not keys:
            return "—"
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((key, _value(obj.before, key), _value(obj.after, key)) for key in keys))
        return format_html('<table class="kefu-audit"><thead><tr><th>{}</th><th>{}</th>'
                           "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
                           _("field"), _("before"), _("after"), rows)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _value(values: dict, key: str) -> str:
    if key not in values:
        return "—"
    value = values[key]
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class KefuUserAdmin(AuditMixin, UserAdmin):
    """Users, audited; plus the "Roles and agents" page at /admin/auth/user/roles/."""

    def get_urls(self):
        return [
            path("roles/", self.admin_site.admin_view(staff_views.roles_page), name="kefu_roles"),
            path("roles/<int:user_pk>/", self.admin_site.admin_view(staff_views.save_access),
                 name="kefu_roles_save"),
            *super().get_urls(),
        ]


@admin.register(Group)
class KefuGroupAdmin(AuditMixin, GroupAdmin):
    pass
