"""Calendar maintenance: importing a country's public holidays (``holidays`` package)."""

from collections.abc import Iterable

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk import audit

from .models import BusinessCalendar, Holiday


class HolidayImportError(ValueError):
    """The calendar's country is missing or not supported by the holidays package."""


def is_supported_country(code: str) -> bool:
    """True if the holidays package knows the public holidays of country ``code``."""
    return code.strip().upper() in holidays.list_supported_countries()


@transaction.atomic
def import_public_holidays(*, calendar: BusinessCalendar, years: Iterable[int],
                           country: str | None = None, language: str | None = None,
                           by=None) -> int:
    """Add the public holidays of ``country`` (default: the calendar's) for ``years``.
    Dates already on the calendar are kept as they are. Returns the number added; the
    audit trail records what was added and by whom."""
    country = (country or calendar.holiday_country).strip().upper()
    if not country:
        raise HolidayImportError(_("Set the calendar's country for public holidays first."))
    if not is_supported_country(country):
        raise HolidayImportError(
            _("%(country)s is not a supported country code.") % {"country": country})
    kwargs = {"years": list(years)}
    supported = holidays.country_holidays(country).supported_languages
    if language and language in supported:
        kwargs["language"] = language
    elif "en_US" in supported:
        kwargs["language"] = "en_US"
    found: dict = {}
    for day, name in sorted(holidays.country_holidays(country, **kwargs).items()):
        found.setdefault(day, []).append(name)
    existing = set(calendar.holidays.filter(date__in=list(found)).values_list("date", flat=True))
    new = [Holiday(calendar=calendar, date=day, name="; ".join(names)[:200])
           for day, names in found.items() if day not in existing]
    Holiday.objects.bulk_create(new)
    if new:
        audit.record(actor=by, action="sla.holidays_imported", target=calendar, after={
            "country": country, "holidays": {h.date.isoformat(): h.name for h in new}})
    return len(new)
