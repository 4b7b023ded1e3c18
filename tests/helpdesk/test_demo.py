from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from customers.models import Customer, Order, Shipment
from tickets.models import Channel, Ticket


def test_seed_demo_builds_a_bilingual_shop_and_is_safe_to_run_twice(db, client, capsys):
    call_command("seed_demo", customers=60)
    counts = (Customer.objects.count(), Order.objects.count(), Ticket.objects.count())
    assert counts[0] == 60 and counts[1] > 60 and counts[2] > 20
    output = capsys.readouterr().out
    assert "admin, manager, agent" in output and "password: demo" in output

    call_command("seed_demo", customers=60)
    assert (Customer.objects.count(), Order.objects.count(), Ticket.objects.count()) == counts

    languages = set(Customer.objects.values_list("language", flat=True))
    assert languages == {"en", "zh-hans"}
    assert Customer.objects.filter(tier__name="Gold").exists()
    assert len(set(Ticket.objects.values_list("channel", flat=True))) >= 4
    assert set(Ticket.objects.values_list("channel", flat=True)) <= set(Channel.values)
    assert Shipment.objects.filter(status="exception").exists() or Shipment.objects.filter(
        delivered_at__isnull=True).exists()
    for username in ("admin", "manager", "agent"):
        assert client.login(username=username, password="demo")


def test_the_demo_shop_has_its_tiers_points_and_history_without_a_message_sent(db):
    from loyalty import selectors
    from loyalty.models import MilestoneSent, TierAward, TierChange
    from loyalty.services import recompute_all
    from loyalty.services.orders import unsynced_orders

    call_command("seed_demo", customers=60)

    tiered = Customer.objects.exclude(tier=None)
    assert tiered.exists()
    # Every tier is what the orders reach: a recompute finds nothing to change.
    again = recompute_all(send_messages=False)
    assert (again.customers, again.up, again.down) == (60, 0, 0)
    # Each tier reached is recorded (history, award) but no tier-up or milestone went out.
    for customer in tiered:
        assert TierChange.objects.filter(customer=customer, to_tier=customer.tier).exists()
        assert TierAward.objects.filter(customer=customer, tier=customer.tier).exists()
    assert not TierAward.objects.exclude(message=None).exists()
    assert not MilestoneSent.objects.exists()
    # Points for the paid orders, and the sweep does not take the orders for lost events.
    lin = Customer.objects.get(identities__value="lin.wei@example.cn")
    net = Order.objects.counting().filter(customer=lin).aggregate(
        n=Sum(F("total") - F("refunded_total")))["n"]
    assert selectors.balances(lin)["points"] == int(net)
    assert net > Decimal(0)
    assert unsynced_orders(now=timezone.now() + timedelta(minutes=5)) == []


def test_the_demo_dashboards_are_filled_at_once(db, client):
    from reports.models import Rollup, TicketFact

    call_command("seed_demo", customers=60)
    assert TicketFact.objects.count() == Ticket.objects.count()
    assert Rollup.objects.filter(dim="total", side="created").exists()
    assert client.login(username="manager", password="demo")
    html = client.get("/dashboards/").content.decode()
    # Without the rebuild all seven tables are empty; one may be empty with it.
    assert html.count("Nothing to show for these filters.") <= 1
