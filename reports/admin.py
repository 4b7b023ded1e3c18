from django.contrib import admin

from .models import WeeklyReview


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(admin.ModelAdmin):
    list_display = ["week_start", "week_end", "email_status", "emailed_at"]
    readonly_fields = ["week_start", "week_end", "content", "created_at", "email_status",
                       "email_attempts", "email_claimed_at", "emailed_at", "email_error"]

    def has_add_permission(self, request):
        return False
