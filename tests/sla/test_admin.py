"""Admins edit calendars, holidays and policies in the admin; the engine's rows are
read-only there."""

from datetime import date

import pytest
from django.urls import reverse

from sla.models import BusinessCalendar, Holiday, SLAPolicy

CHANGELISTS = ["businesscalendar", "holiday", "slapolicy", "slatimer", "slaevent",
               "notification"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_an_admin_sees_every_sla_list(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:sla_{model}_changelist")).status_code == 200


def test_the_policy_list_filters_and_the_policy_form_has_targets(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:sla_slapolicy_changelist"), {"is_active__exact": "1"})
    html = response.content.decode()
    assert "VIP urgent issue" in html and "Silver, Gold" in html
    policy = SLAPolicy.objects.get(name="Urgent issue")
    html = client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk])).content.decode()
    assert 'name="targets-0-minutes"' in html
    assert 'value="damaged"' in html and "checked" in html


def test_an_admin_edits_a_policy(client, admin_user):
    client.force_login(admin_user)
    policy = SLAPolicy.objects.get(name="Routine")
    response = client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk]))
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "name": "Routine", "position": "60", "is_active": "on", "calendar": policy.calendar_id,
        "categories": ["pre_sale", "order_status", "return_refund"], "warn_at_percent": "80",
        "tiers": [], "teams": [], "priorities": [], "channels": [],
        "raise_priority_on_breach": "on", "notify_manager_on_breach": "on",
        "reassign_on_breach_to": "",
        "targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "3",
        "targets-MIN_NUM_FORMS": "0", "targets-MAX_NUM_FORMS": "3",
    })
    for index, target in enumerate(policy.targets.order_by("pk")):
        data.update({f"targets-{index}-id": target.pk, f"targets-{index}-policy": policy.pk,
                     f"targets-{index}-metric": target.metric,
                     f"targets-{index}-minutes": "90" if target.metric == "first_response"
                     else target.minutes, f"targets-{index}-business_hours": "on"})
    response = client.post(reverse("admin:sla_slapolicy_change", args=[policy.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    policy.refresh_from_db()
    assert policy.categories == ["pre_sale", "order_status", "return_refund"]
    assert policy.warn_at_percent == 80
    assert policy.target_for("first_response").minutes == 90


def _calendar_form(name, intervals, always_open=False):
    data = {"name": name, "time_zone": "Asia/Shanghai", "holiday_country": "",
            "intervals-TOTAL_FORMS": str(len(intervals)), "intervals-INITIAL_FORMS": "0",
            "intervals-MIN_NUM_FORMS": "0", "intervals-MAX_NUM_FORMS": "1000",
            "holidays-TOTAL_FORMS": "1", "holidays-INITIAL_FORMS": "0",
            "holidays-MIN_NUM_FORMS": "0", "holidays-MAX_NUM_FORMS": "1000",
            "holidays-0-date": "2025-10-01", "holidays-0-name": "National Day"}
    if always_open:
        data["always_open"] = "on"
    for index, (weekday, start, end) in enumerate(intervals):
        data.update({f"intervals-{index}-weekday": weekday, f"intervals-{index}-start": start,
                     f"intervals-{index}-end": end})
    return data


def test_an_admin_adds_a_calendar_with_hours_and_a_holiday(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_add"), _calendar_form(
        "Weekday team", [(0, "09:00", "12:00"), (0, "13:00", "18:00"), (4, "18:00", "00:00")]))
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Weekday team")
    assert dict(calendar.schedule.weekly)[0] == ((540, 720), (780, 1080))
    assert dict(calendar.schedule.weekly)[4] == ((1080, 1440),)
    assert Holiday.objects.get(calendar=calendar).date == date(2025, 10, 1)


def test_overlapping_hours_are_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_add"), _calendar_form(
        "Overlap", [(0, "09:00", "12:00"), (0, "11:00", "18:00")]))
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Overlap").exists()


def test_a_calendar_without_hours_must_be_24_7(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_add"),
                           _calendar_form("Empty", []))
    assert response.status_code == 200
    assert not BusinessCalendar.objects.filter(name="Empty").exists()
    response = client.post(reverse("admin:sla_businesscalendar_add"),
                           _calendar_form("Round the clock", [], always_open=True))
    assert response.status_code == 302


def test_the_import_holidays_action(client, admin_user, shop_hours):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_changelist"), {
        "action": "import_holidays", "_selected_action": [shop_hours.pk]}, follow=True)
    assert response.status_code == 200
    assert Holiday.objects.filter(calendar=shop_hours).count() > 10
    assert "holidays added" in response.content.decode()


def test_the_engines_rows_cannot_be_edited_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:sla_slaevent_add")).status_code == 403
    assert client.get(reverse("admin:sla_slatimer_add")).status_code == 403


def test_the_sla_admin_is_for_admins(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:sla_slapolicy_changelist"))
    assert response.status_code == 302
