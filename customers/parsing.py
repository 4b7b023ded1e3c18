"""Reading the text values that shops, carriers and CSV files send: money, times, dates,
languages. Each function raises ValueError with a message fit to show the sender."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date as django_parse_date
from django.utils.dateparse import parse_datetime as django_parse_datetime

from .models import Language

MAX_MONEY = Decimal("9999999999.99")


def parse_money(value, *, field: str) -> Decimal:
    """A non-negative amount with at most two decimals, from a string or a number."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{field}: {value!r} is not an amount") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise ValueError(f"{field}: {value!r} is not an amount between 0 and {MAX_MONEY}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{field}: {value!r} has more than two decimals")
    return amount.quantize(Decimal("0.01"))


def parse_datetime(value, *, field: str) -> datetime:
    """An ISO 8601 time; one without an offset is read in the shop's time zone."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value or "").strip()
        try:
            parsed = django_parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"{field}: {value!r} is not an ISO 8601 date and time")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, ZoneInfo(settings.TIME_ZONE))
    return parsed.astimezone(ZoneInfo("UTC"))


def parse_optional_datetime(value, *, field: str) -> datetime | None:
    if value is None or str(value).strip() == "":
        return None
    return parse_datetime(value, field=field)


def parse_optional_date(value, *, field: str) -> date | None:
    """A calendar date (YYYY-MM-DD); a full timestamp is cut to its own date."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        parsed = django_parse_date(text[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{field}: {value!r} is not a date (YYYY-MM-DD)")
    return parsed


def parse_quantity(value, *, field: str) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field}: {value!r} is not a whole number") from exc
    if quantity < 0 or quantity > 1_000_000:
        raise ValueError(f"{field}: {value!r} is out of range")
    return quantity


def parse_language(value) -> str | None:
    """Kefu's language for a locale tag such as 'en-US', 'zh-CN' or 'zh_Hans'; None when the
    tag is empty or a language Kefu does not speak (the customer keeps the default)."""
    tag = str(value or "").strip().lower().replace("_", "-")
    if not tag:
        return None
    if tag.startswith("zh"):
        return Language.ZH_HANS
    if tag.split("-")[0] == "en":
        return Language.EN
    return None


def parse_time_zone(value, *, field: str) -> str | None:
    name = str(value or "").strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{field}: {value!r} is not a time zone name (e.g. Asia/Shanghai)") \
            from exc
    return name
