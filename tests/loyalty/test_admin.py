"""The Django admin pages for loyalty configuration."""

import pytest
from django.urls import reverse

from loyalty.models import MessageTemplate, NoticeBudget, PointsEntry
from tests.factories import tier

pytestmark = pytest.mark.django_db


def test_an_admin_edits_a_tier_up_template(client, admin_user):
    template = MessageTemplate.objects.get(tier=tier("Silver"), language="en")
    client.force_login(admin_user)
    url = reverse("admin:loyalty_messagetemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "kind": "tier_up", "tier": template.tier_id, "nth_order": "", "language": "en",
        "subject": "Welcome to {{tier_name}}", "body": "Hi {{customer_name}}!\n{{perks}}",
        "is_active": "on"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Welcome to {{tier_name}}"


def test_a_template_with_an_unknown_placeholder_is_refused(client, admin_user):
    template = MessageTemplate.objects.get(tier=tier("Silver"), language="en")
    client.force_login(admin_user)
    response = client.post(reverse("admin:loyalty_messagetemplate_change", args=[template.pk]),
                           {"kind": "tier_up", "tier": template.tier_id, "language": "en",
                            "subject": "Hi", "body": "Your code: {{coupon_code}}",
                            "is_active": "on"})
    assert response.status_code == 200
    assert "Unknown placeholders: coupon_code" in response.content.decode()


def test_the_notice_budget_is_one_editable_row(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:loyalty_noticebudget_changelist")).status_code == 200
    assert client.get(reverse("admin:loyalty_noticebudget_add")).status_code == 403
    budget = NoticeBudget.load()
    assert client.get(reverse("admin:loyalty_noticebudget_change",
                              args=[budget.pk])).status_code == 200


def test_ledgers_are_read_only_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:loyalty_pointsentry_changelist")).status_code == 200
    assert client.get(reverse("admin:loyalty_pointsentry_add")).status_code == 403
    assert not PointsEntry.objects.exists()


def test_managers_do_not_configure_loyalty(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert client.get(reverse("admin:loyalty_authoritylimit_changelist")).status_code == 200
    assert client.get(reverse("admin:loyalty_authoritylimit_add")).status_code == 403
