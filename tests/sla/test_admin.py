"""Admins edit calendars, holidays and policies in the admin; the engine's rows are
read-only there."""

import html
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from helpdesk.models import AuditEntry
from sla.models import BusinessCalendar, Holiday, Metric, SLAPolicy, TimerState
from tickets import services
from tickets.models import Category

from .conftest import clock, sh

FR = Metric.FIRST_RESPONSE
MONDAY_10 = sh(2025, 3, 10, 10)

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


def _policy_form(client, policy, **changes):
    """The policy's change form as the admin page posts it, with ``changes``; target
    minutes by metric in ``targets``."""
    response = client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk]))
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "name": policy.name, "name_zh_hans": policy.name_zh_hans,
        "position": str(policy.position), "is_active": "on", "calendar": policy.calendar_id,
        "categories": policy.categories, "priorities": policy.priorities,
        "channels": policy.channels, "tiers": [t.pk for t in policy.tiers.all()],
        "teams": [t.pk for t in policy.teams.all()],
        "warn_at_percent": str(policy.warn_at_percent),
        "raise_priority_on_breach": "on", "notify_manager_on_breach": "on",
        "reassign_on_breach_to": "",
        "targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "3",
        "targets-MIN_NUM_FORMS": "0", "targets-MAX_NUM_FORMS": "3",
    })
    minutes = changes.pop("targets", {})
    for index, target in enumerate(policy.targets.order_by("pk")):
        data.update({f"targets-{index}-id": target.pk, f"targets-{index}-policy": policy.pk,
                     f"targets-{index}-metric": target.metric,
                     f"targets-{index}-minutes": minutes.get(target.metric, target.minutes),
                     f"targets-{index}-business_hours": "on"})
    data.update(changes)
    return data


def _new_policy_form(**changes):
    calendar = BusinessCalendar.objects.get(is_default=True)
    data = {"name": "Damaged goods", "name_zh_hans": "", "position": "35", "is_active": "on",
            "calendar": calendar.pk, "categories": ["damaged"], "priorities": [],
            "channels": [], "tiers": [], "teams": [], "warn_at_percent": "75",
            "notify_manager_on_breach": "on", "reassign_on_breach_to": "",
            "targets-TOTAL_FORMS": "1", "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0", "targets-MAX_NUM_FORMS": "3",
            "targets-0-metric": "first_response", "targets-0-minutes": "10",
            "targets-0-business_hours": "on"}
    data.update(changes)
    return data


def _page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_admin_edits_a_policy_and_the_change_is_audited(client, admin_user):
    client.force_login(admin_user)
    policy = SLAPolicy.objects.get(name="Routine")
    response = client.post(
        reverse("admin:sla_slapolicy_change", args=[policy.pk]),
        _policy_form(client, policy, position="60", warn_at_percent="80",
                     categories=["pre_sale", "order_status", "return_refund"],
                     targets={"first_response": 90}))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    policy.refresh_from_db()
    assert policy.categories == ["pre_sale", "order_status", "return_refund"]
    assert policy.warn_at_percent == 80
    assert policy.target_for("first_response").minutes == 90

    entry = AuditEntry.objects.get(action="admin.change", target_id=str(policy.pk))
    assert entry.actor == admin_user
    assert (entry.before["warn_at_percent"], entry.after["warn_at_percent"]) == (75, 80)
    assert entry.after["categories"] == ["pre_sale", "order_status", "return_refund"]
    [(row, before)] = entry.before["inlines"].items()
    assert row.startswith("target #") and before == {"minutes": 120}
    assert entry.after["inlines"][row] == {"minutes": 90}


def test_a_policy_that_an_earlier_one_already_covers_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_slapolicy_add"), _new_policy_form())
    assert response.status_code == 200
    assert ("Damaged goods can never match a ticket: Urgent issue comes first and already "
            "matches every ticket it would. Move it above Urgent issue or narrow Urgent "
            "issue.") in _page_text(response)
    assert not SLAPolicy.objects.filter(name="Damaged goods").exists()
    assert not AuditEntry.objects.exists()

    # Placed before the broader policy, it is fine.
    response = client.post(reverse("admin:sla_slapolicy_add"), _new_policy_form(position="25"))
    assert response.status_code == 302
    policy = SLAPolicy.objects.get(name="Damaged goods")
    assert policy.target_for("first_response").minutes == 10
    entry = AuditEntry.objects.get(action="admin.add", target_id=str(policy.pk))
    assert entry.after["categories"] == ["damaged"]
    assert any(row.startswith("target #") for row in entry.after["inlines"])


def test_the_reason_is_given_in_the_admins_language(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("admin:sla_slapolicy_add"), _new_policy_form())
    assert response.status_code == 200
    assert "Damaged goods 永远不会匹配任何工单：Urgent issue 排在前面" in _page_text(response)
    response = client.post(reverse("admin:sla_businesscalendar_add"), _calendar_form(
        "Overlap", [(0, "09:00", "12:00"), (0, "11:00", "18:00")]))
    assert "星期一：09:00-12:00 与 11:00-18:00 重叠。" in _page_text(response)


def test_widening_a_policy_over_later_ones_is_refused(client, admin_user):
    client.force_login(admin_user)
    policy = SLAPolicy.objects.get(name="Urgent issue")
    response = client.post(reverse("admin:sla_slapolicy_change", args=[policy.pk]),
                           _policy_form(client, policy, categories=[]))
    assert response.status_code == 200
    text = _page_text(response)
    assert "VIP priority service can never match a ticket: Urgent issue comes first" in text
    assert "Default can never match a ticket: Urgent issue comes first" in text
    policy.refresh_from_db()
    assert policy.categories == ["shipping_problem", "damaged", "wrong_item", "payment"]
    assert not AuditEntry.objects.exists()


def test_a_policy_whose_conditions_no_ticket_has_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_slapolicy_add"),
                           _new_policy_form(position="5", categories=["teapots"]))
    assert response.status_code == 200
    assert "Select a valid choice. teapots is not one of the available choices." \
        in _page_text(response)
    assert not SLAPolicy.objects.filter(name="Damaged goods").exists()


def test_reassigning_breaches_to_someone_who_is_not_an_agent_is_refused(client, admin_user,
                                                                      outsider):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_slapolicy_add"), _new_policy_form(
        position="5", reassign_on_breach_to=str(outsider.pk)))
    assert response.status_code == 200
    assert f"{outsider.get_username()} cannot take tickets: choose an active agent." \
        in _page_text(response)
    assert not SLAPolicy.objects.filter(name="Damaged goods").exists()


def _order_form(changes: dict[str, tuple[int, bool]]):
    """The policy list's editable columns, with (position, active) changed by name."""
    rows = list(SLAPolicy.objects.in_order())
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000", "_save": "Save"}
    for index, policy in enumerate(rows):
        position, active = changes.get(policy.name, (policy.position, policy.is_active))
        data[f"form-{index}-id"] = str(policy.pk)
        data[f"form-{index}-position"] = str(position)
        if active:
            data[f"form-{index}-is_active"] = "on"
    return data


def test_reordering_the_list_so_a_policy_can_never_match_is_refused(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:sla_slapolicy_changelist")
    response = client.post(url, _order_form({"Default": (1, True)}))
    assert response.status_code == 200
    text = _page_text(response)
    assert "Urgent issue can never match a ticket: Default comes first" in text
    assert SLAPolicy.objects.get(name="Default").position == 80
    assert not AuditEntry.objects.exists()

    # Switching off the catch-all while it is first is fine, and audited.
    response = client.post(url, _order_form({"Default": (1, False)}))
    assert response.status_code == 302
    default = SLAPolicy.objects.get(name="Default")
    assert (default.position, default.is_active) == (1, False)
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(default.pk))
    assert entry.before == {"position": 80, "is_active": True}
    assert entry.after == {"position": 1, "is_active": False}


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
        "Weekday team", [(0, "09:00", "12:00"), (0, "12:00", "18:00"), (4, "18:00", "00:00")]))
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Weekday team")
    assert dict(calendar.schedule.weekly)[0] == ((540, 720), (720, 1080))
    assert dict(calendar.schedule.weekly)[4] == ((1080, 1440),)
    assert Holiday.objects.get(calendar=calendar).date == date(2025, 10, 1)
    entry = AuditEntry.objects.get(action="admin.add", target_id=str(calendar.pk))
    assert entry.actor == admin_user and entry.after["name"] == "Weekday team"
    rows = entry.after["inlines"]
    assert {"weekday": 4, "start": "18:00:00", "end": "00:00:00",
            "calendar": f"Weekday team (#{calendar.pk})"} in rows.values()
    assert any(row.get("name") == "National Day" for row in rows.values())


@pytest.mark.parametrize(("intervals", "message"), [
    ([(0, "09:00", "12:00"), (0, "11:00", "18:00")],
     "Monday: 09:00-12:00 and 11:00-18:00 overlap."),
    ([(4, "21:00", "09:00")],
     "Friday: 21:00-09:00 ends before it starts. Hours past midnight are two intervals: "
     "until 24:00, then from 00:00 the next day."),
])
def test_bad_opening_hours_are_refused_with_the_reason(client, admin_user, intervals, message):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_add"),
                           _calendar_form("Bad hours", intervals))
    assert response.status_code == 200
    assert _page_text(response).count(message) == 1
    assert not BusinessCalendar.objects.filter(name="Bad hours").exists()
    assert not AuditEntry.objects.exists()


def test_changing_hours_to_overlap_is_refused_and_nothing_changes(client, admin_user,
                                                                   shop_hours):
    client.force_login(admin_user)
    intervals = list(shop_hours.intervals.order_by("weekday"))
    data = {"name": shop_hours.name, "time_zone": shop_hours.time_zone, "is_default": "on",
            "holiday_country": "CN", "intervals-TOTAL_FORMS": str(len(intervals) + 1),
            "intervals-INITIAL_FORMS": str(len(intervals)), "intervals-MIN_NUM_FORMS": "0",
            "intervals-MAX_NUM_FORMS": "1000", "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0", "holidays-MIN_NUM_FORMS": "0",
            "holidays-MAX_NUM_FORMS": "1000"}
    for index, interval in enumerate(intervals):
        data.update({f"intervals-{index}-id": interval.pk,
                     f"intervals-{index}-calendar": shop_hours.pk,
                     f"intervals-{index}-weekday": interval.weekday,
                     f"intervals-{index}-start": "09:00", f"intervals-{index}-end": "21:00"})
    extra = len(intervals)
    data.update({f"intervals-{extra}-weekday": 6, f"intervals-{extra}-start": "20:00",
                 f"intervals-{extra}-end": "23:00"})
    url = reverse("admin:sla_businesscalendar_change", args=[shop_hours.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Sunday: 09:00-21:00 and 20:00-23:00 overlap." in _page_text(response)
    assert shop_hours.intervals.count() == 7
    assert not AuditEntry.objects.exists()

    data[f"intervals-{extra}-start"] = "21:00"  # touching is fine: open until 23:00
    assert client.post(url, data).status_code == 302
    calendar = BusinessCalendar.objects.get(pk=shop_hours.pk)
    assert dict(calendar.schedule.weekly)[6] == ((540, 1260), (1260, 1380))
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(shop_hours.pk))
    [added] = entry.after["inlines"].values()
    assert (added["weekday"], added["start"], added["end"]) == (6, "21:00:00", "23:00:00")


def test_a_second_default_calendar_is_refused(client, admin_user, shop_hours):
    client.force_login(admin_user)
    data = _calendar_form("Night shift", [(0, "21:00", "00:00")])
    data["is_default"] = "on"
    response = client.post(reverse("admin:sla_businesscalendar_add"), data)
    assert response.status_code == 200
    assert ("Shop hours is the default calendar. Untick its default box first: there is one "
            "default calendar.") in _page_text(response)
    assert not BusinessCalendar.objects.filter(name="Night shift").exists()


def test_an_unknown_holiday_country_is_refused(client, admin_user):
    client.force_login(admin_user)
    data = _calendar_form("Abroad", [(0, "09:00", "17:00")])
    data["holiday_country"] = "XX"
    response = client.post(reverse("admin:sla_businesscalendar_add"), data)
    assert response.status_code == 200
    assert "XX is not a country code the holiday import knows" in _page_text(response)
    assert not BusinessCalendar.objects.filter(name="Abroad").exists()


def test_a_calendar_without_hours_must_be_24_7(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_add"),
                           _calendar_form("Empty", []))
    assert response.status_code == 200
    assert "Add opening hours, or mark the calendar as open 24/7." in _page_text(response)
    assert not BusinessCalendar.objects.filter(name="Empty").exists()
    response = client.post(reverse("admin:sla_businesscalendar_add"),
                           _calendar_form("Round the clock", [], always_open=True))
    assert response.status_code == 302


def test_deleting_a_holiday_is_audited(client, admin_user, shop_hours):
    client.force_login(admin_user)
    holiday = Holiday.objects.create(calendar=shop_hours, date=date(2026, 2, 17),
                                     name="Spring Festival")
    response = client.post(reverse("admin:sla_holiday_delete", args=[holiday.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    entry = AuditEntry.objects.get(action="admin.delete", target_id=str(holiday.pk))
    assert entry.before["name"] == "Spring Festival" and entry.before["date"] == "2026-02-17"


def test_the_import_holidays_action(client, admin_user, shop_hours):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_businesscalendar_changelist"), {
        "action": "import_holidays", "_selected_action": [shop_hours.pk]}, follow=True)
    assert response.status_code == 200
    assert Holiday.objects.filter(calendar=shop_hours).count() > 10
    assert "holidays added" in response.content.decode()
    entry = AuditEntry.objects.get(action="sla.holidays_imported")
    assert entry.actor == admin_user and entry.target_id == str(shop_hours.pk)
    assert entry.after["country"] == "CN"
    assert len(entry.after["holidays"]) == Holiday.objects.filter(calendar=shop_hours).count()


def test_the_engines_rows_cannot_be_edited_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:sla_slaevent_add")).status_code == 403
    assert client.get(reverse("admin:sla_slatimer_add")).status_code == 403


def test_the_sla_admin_is_for_admins(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:sla_slapolicy_changelist"))
    assert response.status_code == 302


# --- A configuration change reaches the clocks of open tickets ------------------------

@pytest.fixture
def tasks_run_at_once():
    """Celery runs the tasks the admin enqueues in this process, when they are sent."""
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _open(customer, at, category):
    return services.open_ticket(customer=customer, subject="Where is my tea?", body_text="?",
                                category=category, at=at)


def test_a_new_holiday_moves_the_deadline_of_a_running_clock(
        client, admin_user, shop_hours, customer, tasks_run_at_once,
        django_capture_on_commit_callbacks):
    # Routine: first response within 2 business hours; Monday 20:30, 30 minutes before
    # closing, so it is due Tuesday 10:30.
    ticket = _open(customer, sh(2025, 3, 10, 20, 30), Category.ORDER_STATUS)
    assert clock(ticket, FR).due_at == sh(2025, 3, 11, 10, 30)

    with time_machine.travel(sh(2025, 3, 10, 20, 40), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        client.force_login(admin_user)
        response = client.post(reverse("admin:sla_holiday_add"), {
            "calendar": shop_hours.pk, "date": "2025-03-11", "name": "Team day off"})
        assert response.status_code == 302

    # 10 minutes counted, 20 more on Monday, none on Tuesday, 90 on Wednesday.
    first = clock(ticket, FR)
    assert first.due_at == sh(2025, 3, 12, 10, 30)
    assert first.warn_at == sh(2025, 3, 12, 10, 0)
    assert first.check_at == first.warn_at
    ticket.refresh_from_db()
    assert ticket.sla_due_at == sh(2025, 3, 12, 10, 30)


def test_a_changed_target_applies_to_open_tickets_keeping_the_time_counted(
        client, admin_user, customer, agent, tasks_run_at_once,
        django_capture_on_commit_callbacks):
    ticket = _open(customer, MONDAY_10, Category.ORDER_STATUS)
    answered = _open(customer, MONDAY_10, Category.ORDER_STATUS)
    services.reply(ticket=answered, author=agent, body_text="On its way.",
                   at=sh(2025, 3, 10, 10, 20))
    policy = SLAPolicy.objects.get(name="Routine")

    with time_machine.travel(sh(2025, 3, 10, 10, 30), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        client.force_login(admin_user)
        response = client.post(reverse("admin:sla_slapolicy_change", args=[policy.pk]),
                               _policy_form(client, policy, targets={"first_response": 60}))
        assert response.status_code == 302

    first = clock(ticket, FR)
    assert (first.target_minutes, first.due_at) == (60, sh(2025, 3, 10, 11))
    met = clock(answered, FR)  # already met: measured under the target it ran under
    assert (met.target_minutes, met.state) == (120, TimerState.MET)


def test_widening_a_policy_moves_open_tickets_to_it(
        client, admin_user, customer, tasks_run_at_once, django_capture_on_commit_callbacks):
    ticket = _open(customer, MONDAY_10, Category.ORDER_STATUS)
    assert clock(ticket, FR).policy.name == "Routine"
    urgent = SLAPolicy.objects.get(name="Urgent issue")

    with time_machine.travel(sh(2025, 3, 10, 10, 5), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:sla_slapolicy_change", args=[urgent.pk]),
            _policy_form(client, urgent, categories=[*urgent.categories, "order_status"]))
        assert response.status_code == 302

    first = clock(ticket, FR)
    assert first.policy == urgent
    assert first.due_at == sh(2025, 3, 10, 10, 15)  # 5 of its 15 minutes counted already
    ticket.refresh_from_db()
    assert ticket.sla.policy == urgent


def test_open_tickets_are_brought_up_to_date_in_batches(customer):
    tickets = [_open(customer, MONDAY_10, Category.ORDER_STATUS) for _ in range(3)]
    services.change_status(ticket=tickets[1], status="solved", by=None,
                           at=sh(2025, 3, 10, 10, 1))
    SLAPolicy.objects.filter(name="Routine").update(warn_at_percent=50)
    from sla.services import reapply_configuration

    at = sh(2025, 3, 10, 10, 10)
    assert reapply_configuration(batch_size=1, at=at) == tickets[0].pk
    assert clock(tickets[0], FR).warn_at_percent == 50
    assert clock(tickets[2], FR).warn_at_percent == 75
    assert reapply_configuration(after_id=tickets[0].pk, batch_size=1, at=at) == tickets[2].pk
    assert reapply_configuration(after_id=tickets[2].pk, batch_size=1, at=at) is None
    assert clock(tickets[2], FR).warn_at == sh(2025, 3, 10, 11)
    assert clock(tickets[1], FR).warn_at_percent == 75  # solved: left as it was
