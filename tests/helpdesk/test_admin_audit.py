"""Every change made in the admin console is audited: who, when, before and after."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from helpdesk.admin_audit import REDACTED, diff, snapshot
from helpdesk.models import AuditEntry
from loyalty.models import Tier
from replies.models import ReplyTemplate
from tests.admin_forms import change_form
from tests.factories import CustomerFactory, IdentityFactory, TeamFactory
from tests.replies.factories import MacroFactory, ReplyTemplateFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_changing_a_team_records_the_changed_fields_and_members(client, admin_user, agent):
    team = TeamFactory(name="Returns")
    client.force_login(admin_user)
    url = reverse("admin:tickets_team_change", args=[team.pk])
    data = change_form(client, url)
    data["name"] = ["Returns & refunds"]
    data["members"] = [str(agent.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(team.pk))
    assert entry.actor == admin_user
    assert entry.before == {"name": "Returns", "members": []}
    assert entry.after == {"name": "Returns & refunds", "members": ["ann"]}
    assert entry.target_repr == "Returns & refunds"


def test_saving_without_a_change_records_nothing(client, admin_user):
    team = TeamFactory(name="Returns")
    client.force_login(admin_user)
    url = reverse("admin:tickets_team_change", args=[team.pk])
    client.post(url, change_form(client, url))
    assert not AuditEntry.objects.filter(target_id=str(team.pk)).exists()


def test_adding_and_deleting_are_recorded(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:tickets_team_add"), {"name": "VIP desk", "email": ""})
    assert response.status_code == 302
    from tickets.models import Team

    team = Team.objects.get(name="VIP desk")
    added = AuditEntry.objects.get(action="admin.add", target_id=str(team.pk))
    assert added.before == {} and added.after["name"] == "VIP desk"
    client.post(reverse("admin:tickets_team_delete", args=[team.pk]), {"post": "yes"})
    deleted = AuditEntry.objects.get(action="admin.delete", target_id=str(team.pk))
    assert deleted.before["name"] == "VIP desk" and deleted.after == {}
    assert deleted.target_repr == "VIP desk"


def test_bulk_delete_records_each_row(client, admin_user):
    teams = [TeamFactory(name=f"T{i}") for i in range(3)]
    client.force_login(admin_user)
    client.post(reverse("admin:tickets_team_changelist"), {
        "action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"})
    assert AuditEntry.objects.filter(action="admin.delete").count() == 3


def test_inline_rows_are_recorded_with_their_parent(client, admin_user):
    customer = CustomerFactory(name="Lin Wei", email="lin@example.com")
    phone = IdentityFactory(customer=customer, value="+86 13900000001")
    client.force_login(admin_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    data = change_form(client, url)
    prefix = "identities"
    index = next(i for i in range(5) if data.get(f"{prefix}-{i}-id") == [str(phone.pk)])
    data[f"{prefix}-{index}-value"] = ["+86 13900000002"]
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-{total}-kind"] = ["wechat"]
    data[f"{prefix}-{total}-value"] = ["linwei88"]
    data[f"{prefix}-{total}-customer"] = [str(customer.pk)]
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(customer.pk))
    changed_label = next(k for k in entry.before["inlines"] if k.startswith("identity #"))
    assert entry.before["inlines"][changed_label] == {"value": "+8613900000001"}
    assert entry.after["inlines"][changed_label] == {"value": "+8613900000002"}
    added = [v for k, v in entry.after["inlines"].items() if "linwei88" in k]
    assert added and added[0]["kind"] == "wechat"


def test_deleting_an_inline_row_is_recorded(client, admin_user):
    template = ReplyTemplateFactory(name="Parcel late")
    macro = MacroFactory(name="Late: pending", template=template, set_status="pending")
    client.force_login(admin_user)
    url = reverse("admin:replies_replytemplate_change", args=[template.pk])
    data = change_form(client, url)
    index = next(i for i in range(5) if data.get(f"macros-{i}-id") == [str(macro.pk)])
    data[f"macros-{index}-DELETE"] = ["on"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(template.pk))
    (label, values), = entry.before["inlines"].items()
    assert label.startswith("macro #") and values["name"] == "Late: pending"
    assert values["set_status"] == "pending"


def test_list_editable_changes_are_recorded(client, admin_user):
    template = ReplyTemplateFactory(name="Old one")
    client.force_login(admin_user)
    changelist = reverse("admin:replies_replytemplate_changelist")
    rows = list(ReplyTemplate.objects.order_by("-usage_count", "name", "id"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)),
            "_save": "Save"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-category"] = row.category
        if row.is_active and row.pk != template.pk:
            data[f"form-{i}-is_active"] = "on"
    response = client.post(changelist, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(template.pk))
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False}
    assert AuditEntry.objects.filter(action="admin.change").count() == 1


def test_tier_changes_are_audited_with_readable_values(client, admin_user):
    silver = Tier.objects.get(name="Silver")
    client.force_login(admin_user)
    url = reverse("admin:loyalty_tier_change", args=[silver.pk])
    data = change_form(client, url)
    data["discount_percent"] = ["12"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(silver.pk))
    assert entry.before == {"discount_percent": "10.00"}
    assert entry.after == {"discount_percent": "12.00"}
    silver.refresh_from_db()
    assert silver.discount_percent == Decimal("12")


def test_foreign_keys_read_as_names_and_secrets_are_never_written(db):
    team = TeamFactory(name="Orders")
    User = get_user_model()
    old, new = diff(User, {"password": "md5$a", "first_name": "A"},
                    {"password": "md5$b", "first_name": "B"})
    assert old == {"password": REDACTED, "first_name": "A"}
    assert new == {"password": REDACTED, "first_name": "B"}
    from tickets.models import Ticket

    old, new = diff(Ticket, {"team": None}, {"team": team.pk})
    assert new == {"team": f"Orders (#{team.pk})"}
    assert "password" not in snapshot(team)


def test_user_changes_through_the_admin_are_audited(client, admin_user, agent):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[agent.pk])
    data = change_form(client, url)
    data["last_name"] = ["Agentova"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(agent.pk))
    assert entry.after == {"last_name": "Agentova"}


def test_the_change_page_links_to_the_rows_audit_trail(client, admin_user):
    team = TeamFactory(name="Orders")
    client.force_login(admin_user)
    html = client.get(reverse("admin:tickets_team_change", args=[team.pk])).content.decode()
    assert "Audit trail" in html
    url = reverse("admin:helpdesk_auditentry_changelist")
    assert f"{url}?target_type__id__exact=" in html


def test_the_audit_trail_page_filters_by_row_and_shows_before_and_after(client, admin_user):
    team = TeamFactory(name="Returns")
    other = TeamFactory(name="Other")
    client.force_login(admin_user)
    for obj, name in ((team, "Returns 2"), (other, "Other 2")):
        url = reverse("admin:tickets_team_change", args=[obj.pk])
        data = change_form(client, url)
        data["name"] = [name]
        client.post(url, data)
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(team)
    listing = client.get(reverse("admin:helpdesk_auditentry_changelist"),
                         {"target_type__id__exact": content_type.pk, "target_id": team.pk})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert '<td class="field-target_repr">Returns 2</td>' in html
    assert '<td class="field-target_repr">Other 2</td>' not in html
    entry = AuditEntry.objects.get(target_id=str(team.pk))
    detail = client.get(reverse("admin:helpdesk_auditentry_change", args=[entry.pk]))
    assert "<th>name</th><td>Returns</td><td>Returns 2</td>" in detail.content.decode()


def test_the_audit_trail_list_query_count_does_not_grow(client, admin_user,
                                                         django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpdesk import audit

    client.force_login(admin_user)
    url = reverse("admin:helpdesk_auditentry_changelist")
    team = TeamFactory()
    audit.record(actor=admin_user, action="admin.change", target=team)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(60):
        audit.record(actor=admin_user, action="admin.change", target=team,
                     before={"name": str(i)}, after={"name": str(i + 1)})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_agents_cannot_open_the_audit_trail(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:helpdesk_auditentry_changelist"))
    assert response.status_code == 302  # to the admin login: agents are not admin staff
