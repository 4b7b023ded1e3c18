from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.models import Category, Channel, Priority

from .business_time import Schedule
from .calendars import HolidayImportError, import_public_holidays
from .models import (
    BusinessCalendar,
    Holiday,
    Notification,
    OpeningInterval,
    SLAEvent,
    SLAPolicy,
    SLATarget,
    SLATimer,
)


class OpeningIntervalFormSet(forms.BaseInlineFormSet):
    """The day's intervals must not overlap; a calendar needs hours unless it is 24/7."""

    def clean(self):
        super().clean()
        weekly: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("start") is None \
                    or data.get("end") is None:
                continue
            interval = OpeningInterval(weekday=data["weekday"], start=data["start"],
                                       end=data["end"])
            weekly.setdefault(interval.weekday, []).append(interval.minutes)
        try:
            Schedule(tz=timezone.get_default_timezone(), weekly=weekly)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(
                _("Opening hours overlap on the same weekday: %(error)s") % {"error": exc}
            ) from exc
        if not weekly and not self.instance.always_open:
            raise forms.ValidationError(
                _("Add opening hours, or mark the calendar as open 24/7."))


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    formset = OpeningIntervalFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "always_open", "is_default", "holiday_country"]
    list_filter = ["always_open", "is_default", "time_zone"]
    search_fields = ["name"]
    inlines = [OpeningIntervalInline, HolidayInline]
    actions = ["import_holidays"]

    @admin.action(description=_("Import public holidays for this year and next"))
    def import_holidays(self, request, queryset):
        year = timezone.localdate().year
        for calendar in queryset:
            try:
                added = import_public_holidays(calendar=calendar, years=[year, year + 1])
            except HolidayImportError as exc:
                self.message_user(request, f"{calendar}: {exc}", messages.ERROR)
                continue
            self.message_user(request, ngettext(
                "%(calendar)s: %(count)d holiday added.", "%(calendar)s: %(count)d holidays added.",
                added) % {"calendar": calendar, "count": added}, messages.SUCCESS)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"
    search_fields = ["name"]


class SLAPolicyForm(forms.ModelForm):
    priorities = forms.MultipleChoiceField(
        label=_("priorities"), choices=Priority.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: any priority."))
    categories = forms.MultipleChoiceField(
        label=_("categories"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: any category."))
    channels = forms.MultipleChoiceField(
        label=_("channels"), choices=Channel.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: any channel."))

    class Meta:
        model = SLAPolicy
        fields = ["name", "name_zh_hans", "position", "is_active", "calendar", "priorities",
                  "categories", "channels", "tiers", "teams", "warn_at_percent",
                  "raise_priority_on_breach", "notify_manager_on_breach",
                  "reassign_on_breach_to"]


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0
    max_num = 3


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = ["position", "name", "name_zh_hans", "is_active", "conditions", "calendar",
                    "warn_at_percent"]
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "calendar", "tiers", "teams"]
    search_fields = ["name", "name_zh_hans"]
    filter_horizontal = ["tiers", "teams"]
    raw_id_fields = ["reassign_on_breach_to"]
    inlines = [SLATargetInline]
    fieldsets = [
        (None, {"fields": ["name", "name_zh_hans", "position", "is_active", "calendar"]}),
        (_("Conditions (all must match)"),
         {"fields": ["priorities", "categories", "channels", "tiers", "teams"]}),
        (_("Warning and escalation"),
         {"fields": ["warn_at_percent", "raise_priority_on_breach", "notify_manager_on_breach",
                     "reassign_on_breach_to"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("calendar").prefetch_related(
            "tiers", "teams")

    @admin.display(description=_("conditions"))
    def conditions(self, policy):
        labels = {**dict(Priority.choices), **dict(Category.choices), **dict(Channel.choices)}
        parts = [str(labels.get(v, v)) for v in [*policy.priorities, *policy.categories,
                                                 *policy.channels]]
        parts += [t.name for t in policy.tiers.all()] + [t.name for t in policy.teams.all()]
        return ", ".join(parts) or _("any ticket")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the SLA engine only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SLATimer)
class SLATimerAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "metric", "cycle", "state", "policy", "due_at", "pause_reason",
                    "breached_at", "stopped_at"]
    list_filter = ["state", "metric", "pause_reason", "policy", "business_hours"]
    list_select_related = ["policy"]
    raw_id_fields = ["ticket"]
    search_fields = ["ticket__id"]


@admin.register(SLAEvent)
class SLAEventAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "at", "policy", "timer"]
    list_filter = ["kind", "policy"]
    list_select_related = ["policy", "timer"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "ticket", "kind", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient", "ticket"]
