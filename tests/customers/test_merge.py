"""Merging two records of one person: everything moves, nothing is lost, it is audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, CustomerIdentity, Order, Shipment
from customers.services.merge import MergeError, merge_customers, relations_to_customer
from helpdesk.models import AuditEntry
from loyalty import selectors as loyalty_selectors
from loyalty import services as loyalty
from loyalty.models import PointsEntry, StoreCreditEntry, TierAward
from tests.factories import (
    CustomerFactory,
    IdentityFactory,
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
)
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    keep = CustomerFactory(name="Lin Wei", email="lin.wei@example.com")
    keep.tags.add("vip")
    keep.notes = "Prefers SF Express."
    keep.save()
    OrderFactory(customer=keep, number="1001")
    duplicate = CustomerFactory(name="林伟", email="linwei@qq.example")
    IdentityFactory(customer=duplicate, value="+86 139 0000 1042")
    duplicate.tags.add("tea")
    duplicate.notes = "Called about a broken teapot."
    duplicate.save()
    ShipmentFactory(order=OrderFactory(customer=duplicate, number="1042"))
    MessageFactory(ticket=TicketFactory(customer=duplicate, subject="Broken teapot"))
    return keep, duplicate


def test_a_merge_moves_identities_orders_shipments_tickets_tags_and_notes(pair, admin_user):
    keep, duplicate = pair

    result = merge_customers(source=duplicate, target=keep, by=admin_user)

    assert set(keep.identities.values_list("value", flat=True)) == {
        "lin.wei@example.com", "linwei@qq.example", "+8613900001042"}
    assert keep.identities.get(value="lin.wei@example.com").is_primary
    assert not keep.identities.get(value="linwei@qq.example").is_primary
    assert set(Order.objects.filter(customer=keep).values_list("number", flat=True)) == {
        "1001", "1042"}
    assert Shipment.objects.get().customer == keep
    ticket = Ticket.objects.get(subject="Broken teapot")
    assert ticket.customer == keep and ticket.messages.count() == 1
    keep.refresh_from_db()
    assert sorted(keep.tags.names()) == ["tea", "vip"]
    assert "Prefers SF Express." in keep.notes and "broken teapot" in keep.notes
    assert result.moved["customers.Order.customer"] == 1
    assert result.left_on_source == {}


def test_the_duplicate_stays_as_a_tombstone_pointing_at_the_kept_customer(pair, admin_user):
    keep, duplicate = pair
    merge_customers(source=duplicate, target=keep, by=admin_user)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep and duplicate.merged_at is not None
    assert list(Customer.objects.active()) == [keep]
    assert Customer.objects.count() == 2  # nothing deleted


def test_no_row_of_any_app_is_left_pointing_at_the_duplicate(pair, admin_user):
    keep, duplicate = pair
    relations = relations_to_customer()
    assert (Ticket, "customer") in relations and (CustomerIdentity, "customer") in relations

    merge_customers(source=duplicate, target=keep, by=admin_user)

    for model, field_name in relations:
        assert not model._base_manager.filter(**{field_name: duplicate}).exists(), model


def test_an_earlier_merge_into_the_duplicate_now_points_at_the_kept_customer(pair, admin_user):
    keep, duplicate = pair
    older = CustomerFactory()
    merge_customers(source=older, target=duplicate, by=admin_user)

    merge_customers(source=duplicate, target=keep, by=admin_user)

    older.refresh_from_db()
    assert older.merged_into == keep


def test_the_merge_is_audited_with_both_records_before(pair, admin_user):
    keep, duplicate = pair
    merge_customers(source=duplicate, target=keep, by=admin_user)

    entry = AuditEntry.objects.get(action="customer.merged")
    assert entry.actor == admin_user and entry.target_id == str(keep.pk)
    assert entry.before["source"]["name"] == "林伟"
    assert "email:linwei@qq.example" in entry.before["source"]["identities"]
    assert entry.after["moved"]["tickets.Ticket.customer"] == 1


def test_moved_orders_and_shipments_publish_their_events(pair, admin_user, settings,
                                                         django_capture_on_commit_callbacks):
    settings.KEFU_EVENT_SUBSCRIBERS = {"order_changed": ["loyalty.tasks.x"],
                                       "shipment_changed": ["notices.tasks.y"]}
    keep, duplicate = pair
    with django_capture_on_commit_callbacks() as published:
        merge_customers(source=duplicate, target=keep, by=admin_user)
    assert len(published) == 2  # the one order and the one shipment that moved


def test_a_customer_cannot_be_merged_into_itself_or_twice(pair, admin_user):
    keep, duplicate = pair
    with pytest.raises(MergeError):
        merge_customers(source=keep, target=keep, by=admin_user)
    merge_customers(source=duplicate, target=keep, by=admin_user)
    with pytest.raises(MergeError):
        merge_customers(source=duplicate, target=keep, by=admin_user)


def test_the_merge_page_is_for_admins_only(client, pair, agent, manager):
    keep, duplicate = pair
    url = reverse("customers:merge_confirm", args=[keep.pk, duplicate.pk])
    for user in (agent, manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"source": duplicate.pk}).status_code == 403
    assert Customer.objects.active().count() == 2


def test_an_admin_finds_the_duplicate_reviews_and_merges_it(client, pair, admin_user):
    keep, duplicate = pair
    client.force_login(admin_user)

    found = client.get(reverse("customers:merge_search", args=[keep.pk]), {"q": "1042"})
    confirm_url = reverse("customers:merge_confirm", args=[keep.pk, duplicate.pk])
    assert confirm_url in found.content.decode()
    review = client.get(reverse("customers:merge_confirm", args=[keep.pk, duplicate.pk]))
    assert "linwei@qq.example" in review.content.decode()
    response = client.post(reverse("customers:merge_confirm", args=[keep.pk, duplicate.pk]),
                           {"source": duplicate.pk})

    assert response.status_code == 302 and response.url == reverse("customers:detail",
                                                                    args=[keep.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    # The old page leads to the kept customer.
    assert client.get(reverse("customers:detail", args=[duplicate.pk])).url == \
        reverse("customers:detail", args=[keep.pk])


def test_merging_on_the_customer_page_puts_both_loyalty_balances_and_the_tier_on_the_kept_record(
        client, admin_user, manager):
    """Two Bronze records of one person (2 orders each) make one Silver customer (4 orders),
    with the points and store credit of both, and the duplicate keeps no balance or tier."""
    keep, duplicate = CustomerFactory(name="Lin Wei"), CustomerFactory(name="林伟")
    for customer, credit in ((keep, "15.00"), (duplicate, "30.50")):
        for total in ("120.00", "80.00"):
            loyalty.handle_order_changed(
                order_id=OrderFactory(customer=customer, total=Decimal(total)).pk)
        loyalty.adjust_store_credit(customer=customer, amount=Decimal(credit), by=manager,
                                    reason="Goodwill for a late parcel")
    loyalty.redeem_points(customer=duplicate, points=50, by=manager, reason="Checkout")
    for customer in (keep, duplicate):
        customer.refresh_from_db()
        assert customer.tier.name == "Bronze"
    assert loyalty_selectors.balances(duplicate) == {"points": 150,
                                                    "store_credit": Decimal("30.50")}
    client.force_login(admin_user)

    response = client.post(reverse("customers:merge_confirm", args=[keep.pk, duplicate.pk]),
                           {"source": duplicate.pk})

    assert response.status_code == 302
    assert loyalty_selectors.balances(keep) == {"points": 200 + 150,
                                               "store_credit": Decimal("45.50")}
    assert loyalty_selectors.balances(duplicate) == {"points": 0, "store_credit": Decimal("0")}
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.tier.name == "Silver" and duplicate.tier is None
    assert keep.loyalty_membership.order_count == 4
    # Every ledger entry of both is on the kept record: nothing lost.
    assert PointsEntry.objects.filter(customer=keep).count() == 5
    assert StoreCreditEntry.objects.filter(customer=keep).count() == 2
    assert set(TierAward.objects.filter(customer=keep).values_list("tier__name", flat=True)) \
        == {"Bronze", "Silver"}
    page = client.get(reverse("customers:detail", args=[keep.pk])).content.decode()
    assert "Silver" in page and "350" in page and "45.50" in page
    entry = AuditEntry.objects.get(action="customer.merged")
    assert entry.after["left_on_source"] == {"loyalty.TierAward.customer": 1}
