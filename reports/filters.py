"""The dashboards' filters, read from the query string so a view can be shared."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.models import Tier
from tickets.models import Channel, Team

PERIODS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")),
           ("365", _("Last 365 days")), ("custom", _("Custom"))]
TRENDS = [("day", _("By day")), ("week", _("By week")), ("month", _("By month"))]
MAX_DAYS = 731


@dataclass(frozen=True)
class Filters:
    start: date
    end: date                     # inclusive; shop days
    team_id: int | None = None
    channel: str = ""
    tier_id: int | None = None
    trend: str = "day"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def rollup_filter(self) -> tuple[str, str]:
        """The rollup rows this view reads: ("", "") unfiltered, ("team", "3") for one
        filter, ("team+channel", "3|email") for filters combined (see rollup.COMBOS)."""
        chosen = [(name, value) for name, value in (
            ("team", "" if self.team_id is None else str(self.team_id)),
            ("channel", self.channel),
            ("tier", "" if self.tier_id is None else str(self.tier_id))) if value]
        return "+".join(n for n, _ in chosen), "|".join(v for _, v in chosen)

    @property
    def combined(self) -> bool:
        """Two or three filters: the rollup keeps their day totals and month rows only."""
        return "+" in self.rollup_filter()[0]

    def fact_filter(self) -> dict:
        lookups = {}
        if self.team_id is not None:
            lookups["team_id"] = self.team_id
        if self.channel:
            lookups["channel"] = self.channel
        if self.tier_id is not None:
            lookups["tier_id"] = self.tier_id
        return lookups

    def querystring(self, **extra) -> str:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat(),
                  "trend": self.trend}
        if self.team_id is not None:
            params["team"] = self.team_id
        if self.channel:
            params["channel"] = self.channel
        if self.tier_id is not None:
            params["tier"] = self.tier_id
        params.update(extra)
        return urlencode(params)


def default_trend(start: date, end: date) -> str:
    """Days for a month, weeks for a quarter or half year, months beyond."""
    days = (end - start).days + 1
    return "day" if days <= 31 else "week" if days <= 184 else "month"


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False,
                                  empty_label=_("All teams"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *Channel.choices])
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.all(), required=False,
                                  empty_label=_("All tiers"))
    trend = forms.ChoiceField(label=_("Trend"), choices=TRENDS, required=False)

    def __init__(self, data, *, today: date):
        data = data.copy()
        if not data.get("period"):
            # A shared link carries its dates: show it as a custom period.
            data["period"] = "custom" if data.get("start") or data.get("end") else "30"
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period") or ""
        start, end = cleaned.get("start"), cleaned.get("end")
        if period.isdigit() or not (start or end):
            days = int(period) if period.isdigit() else 30
            end = self.today
            start = end - timedelta(days=days - 1)
            cleaned["period"] = str(days)
        else:
            end = end or self.today
            start = start or end - timedelta(days=29)
            cleaned["period"] = "custom"
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("A period can be at most %(days)s days long."), params={"days": MAX_DAYS})
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def filters(self) -> Filters:
        """The filters (the last 30 days, unfiltered, when the form is not valid)."""
        if not self.is_valid():
            return Filters(start=self.today - timedelta(days=29), end=self.today)
        if not self.cleaned_data["trend"]:
            self.data = self.data.copy()
            self.data["trend"] = default_trend(self.cleaned_data["start"],
                                               self.cleaned_data["end"])
        data = self.cleaned_data
        return Filters(start=data["start"], end=data["end"],
                       team_id=data["team"].pk if data["team"] else None,
                       channel=data["channel"] or "",
                       tier_id=data["tier"].pk if data["tier"] else None,
                       trend=data["trend"] or default_trend(data["start"], data["end"]))
