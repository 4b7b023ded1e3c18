from datetime import date

import pytest

from sla.calendars import HolidayImportError, import_public_holidays
from sla.models import BusinessCalendar, Holiday, Metric, SLAPolicy
from tickets import services
from tickets.models import Category

from .conftest import clock, sh


def test_importing_public_holidays_adds_each_date_once(shop_hours):
    assert import_public_holidays(calendar=shop_hours, years=[2025]) > 5
    national_day = Holiday.objects.get(calendar=shop_hours, date=date(2025, 10, 1))
    assert "National Day" in national_day.name
    assert import_public_holidays(calendar=shop_hours, years=[2025]) == 0


def test_importing_keeps_the_holidays_an_admin_entered(shop_hours):
    Holiday.objects.create(calendar=shop_hours, date=date(2025, 10, 1), name="Our own name")
    import_public_holidays(calendar=shop_hours, years=[2025])
    assert Holiday.objects.get(calendar=shop_hours, date=date(2025, 10, 1)).name == \
        "Our own name"


def test_importing_needs_a_supported_country(db):
    calendar = BusinessCalendar.objects.create(name="Nowhere", time_zone="UTC")
    with pytest.raises(HolidayImportError):
        import_public_holidays(calendar=calendar, years=[2025])
    with pytest.raises(HolidayImportError):
        import_public_holidays(calendar=calendar, years=[2025], country="XX")


def test_a_holiday_moves_the_deadline_past_it(shop_hours, customer):
    Holiday.objects.create(calendar=shop_hours, date=date(2025, 3, 11), name="Shop closed")
    ticket = services.open_ticket(customer=customer, subject="Broken cup", body_text="!",
                                  category=Category.DAMAGED, at=sh(2025, 3, 10, 20, 50))
    # 10 minutes on Monday, Tuesday closed, 5 minutes on Wednesday.
    assert clock(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 3, 12, 9, 5)


def test_a_24_7_calendar_counts_through_the_night(db, customer):
    always = BusinessCalendar.objects.create(name="24/7", time_zone="Asia/Shanghai",
                                             always_open=True)
    SLAPolicy.objects.filter(name="Urgent issue").update(calendar=always)
    ticket = services.open_ticket(customer=customer, subject="Charged twice", body_text="!",
                                  category=Category.PAYMENT, at=sh(2025, 3, 10, 23, 50))
    assert clock(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 3, 11, 0, 5)
