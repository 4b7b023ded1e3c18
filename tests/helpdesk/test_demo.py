from django.core.management import call_command

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
