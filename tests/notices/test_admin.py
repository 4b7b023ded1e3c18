import pytest
from django.urls import reverse

from notices.models import NoticeRules, NoticeTemplate

from .conftest import late_shipment


@pytest.mark.parametrize("model", ["noticerules", "exceptionstatus", "noticetemplate",
                                   "delayepisode", "delaynotice"])
def test_admins_can_open_every_notices_admin_page(client, admin_user, model):
    late_shipment()
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:notices_{model}_changelist")).status_code == 200


def test_agents_cannot_open_the_notices_admin(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:notices_noticerules_changelist"))
    assert response.status_code == 302  # to the admin login: not staff


def test_the_rules_are_one_row_that_cannot_be_added_again_or_deleted(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:notices_noticerules_add")).status_code == 403
    rules = NoticeRules.load()
    assert client.get(reverse("admin:notices_noticerules_delete",
                              args=[rules.pk])).status_code == 403


def test_a_template_with_an_unknown_placeholder_is_refused(client, admin_user):
    template = NoticeTemplate.objects.get(reason="late", language="en")
    client.force_login(admin_user)
    response = client.post(reverse("admin:notices_noticetemplate_change", args=[template.pk]), {
        "reason": "late", "language": "en", "subject": "Late {{order_no}}", "body": "Hi"})
    assert response.status_code == 200
    assert "Unknown placeholder: order_no" in response.content.decode()
    template.refresh_from_db()
    assert "order_no" not in template.subject


def test_sending_hours_must_end_after_they_start(client, admin_user):
    client.force_login(admin_user)
    rules = NoticeRules.load()
    response = client.post(reverse("admin:notices_noticerules_change", args=[rules.pk]), {
        "late_enabled": "on", "exception_enabled": "on", "stalled_enabled": "on",
        "stalled_after_hours": "48", "send_from": "21:00", "send_until": "09:00",
        "holdout_percent": "0"})
    assert response.status_code == 200
    assert "Must be later than the start time." in response.content.decode()
    assert NoticeRules.load().stalled_after_hours == 72
