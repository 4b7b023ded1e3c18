from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin_audit import AuditedModelAdmin
from helpdesk.config_validation import opening_hours_problems
from helpdesk.roles import Role, has_role
from tickets.models import Category, Channel, Priority

from . import policies, services
from .calendars import HolidayImportError, import_public_holidays, is_supported_country
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
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors \
                    or data.get("start") is None or data.get("end") is None:
                continue  # a row with its own error says so itself
            intervals.append((data["weekday"], data["start"], data["end"]))
        problems = opening_hours_problems(intervals)
        if problems:
            raise forms.ValidationError(problems)
        if not intervals and not self.instance.always_open and not any(
                form.errors for form in self.forms):
            raise forms.ValidationError(
                _("Add opening hours, or mark the calendar as open 24/7."))


class ReappliedOnChange:
    """Saving or deleting rows of this admin changes how open tickets are measured: the
    workers bring their clocks up to date after the change is committed."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.configuration_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.configuration_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.configuration_changed()


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    formset = OpeningIntervalFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "always_open", "is_default", "holiday_country"]

    def clean_is_default(self):
        is_default = self.cleaned_data["is_default"]
        if is_default:
            other = (BusinessCalendar.objects.filter(is_default=True)
                     .exclude(pk=self.instance.pk).first())
            if other is not None:
                raise forms.ValidationError(
                    _("%(calendar)s is the default calendar. Untick its default box first: "
                      "there is one default calendar.") % {"calendar": other})
        return is_default

    def clean_holiday_country(self):
        country = self.cleaned_data["holiday_country"].strip().upper()
        if country and not is_supported_country(country):
            raise forms.ValidationError(
                _("%(country)s is not a country code the holiday import knows (e.g. CN, "
                  "US, DE).") % {"country": country})
        return country


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReappliedOnChange, AuditedModelAdmin):
    form = BusinessCalendarForm
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
                added = import_public_holidays(calendar=calendar, years=[year, year + 1],
                                               by=request.user)
            except HolidayImportError as exc:
                self.message_user(request, f"{calendar}: {exc}", messages.ERROR)
                continue
            self.message_user(request, ngettext(
                "%(calendar)s: %(count)d holiday added.", "%(calendar)s: %(count)d holidays added.",
                added) % {"calendar": calendar, "count": added}, messages.SUCCESS)
        services.configuration_changed()


@admin.register(Holiday)
class HolidayAdmin(ReappliedOnChange, AuditedModelAdmin):
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

    def clean_reassign_on_breach_to(self):
        agent = self.cleaned_data.get("reassign_on_breach_to")
        if agent is not None and not (agent.is_active and has_role(agent, Role.AGENT)):
            raise forms.ValidationError(
                _("%(user)s cannot take tickets: choose an active agent.")
                % {"user": agent.get_username()})
        return agent

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        rule = policies.PolicyRule(
            name=data.get("name") or "", position=data.get("position") or 0,
            pk=self.instance.pk, is_active=bool(data.get("is_active")),
            conditions=policies.conditions(
                priorities=data.get("priorities") or (),
                categories=data.get("categories") or (),
                channels=data.get("channels") or (), tiers=data.get("tiers") or (),
                teams=data.get("teams") or ()))
        exclude = [self.instance.pk] if self.instance.pk else []
        problems = policies.rule_problems(rule, policies.saved_rules(exclude=exclude))
        if problems:
            raise forms.ValidationError(problems)
        return data


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0
    max_num = 3


class PolicyOrderFormSet(forms.BaseModelFormSet):
    """The policy list's editable order and active boxes: a new order must not leave a
    policy that can never match a ticket."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        changed = {form.instance.pk: form for form in self.forms if form.has_changed()}
        if not changed:
            return
        rules = {rule.pk: rule for rule in policies.saved_rules()}
        for pk, form in changed.items():
            rule = rules[pk]
            rules[pk] = policies.PolicyRule(
                name=rule.name, pk=pk, conditions=rule.conditions,
                position=form.cleaned_data.get("position", rule.position),
                is_active=form.cleaned_data.get("is_active", rule.is_active))
        choices = policies.match_choices()
        problems: list[str] = []
        for pk in changed:
            others = [rule for key, rule in rules.items() if key != pk]
            problems += [p for p in policies.rule_problems(rules[pk], others, choices)
                         if p not in problems]
        if problems:
            raise forms.ValidationError(problems)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ReappliedOnChange, AuditedModelAdmin):
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

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=PolicyOrderFormSet, **kwargs)

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
