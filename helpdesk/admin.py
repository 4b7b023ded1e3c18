from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

admin.site.site_header = _("Kefu administration")
admin.site.site_title = _("Kefu")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "action"]
    readonly_fields = ["created_at", "actor", "action", "target_type", "target_id",
                       "target_repr", "before", "after"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
