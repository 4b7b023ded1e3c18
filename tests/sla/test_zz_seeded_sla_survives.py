"""Runs after the transactional SLA tests: the seeded calendar and policies must still be there."""

import pytest

from sla.models import BusinessCalendar, SLAPolicy


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_default_calendar_and_policies_survive_transactional_tests():
    calendar = BusinessCalendar.objects.get(is_default=True)
    assert calendar.intervals.count() == 7
    assert list(SLAPolicy.objects.in_order().values_list("name", flat=True)) == [
        "VIP urgent issue", "Urgent priority", "Urgent issue", "VIP priority service",
        "High priority", "Routine", "Non-urgent", "Default"]
    assert set(SLAPolicy.objects.values_list("calendar", flat=True)) == {calendar.pk}
