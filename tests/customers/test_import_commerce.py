"""CSV import: the same write path, batches all-or-nothing, dry runs, a per-row report."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from customers.models import Customer, Order, OrderStatus, Shipment
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "\n".join([
    "order_number,shop_order_id,placed_at,status,currency,total,customer_shop_id,"
    "customer_email,customer_name,line_sku,line_title,line_quantity,line_unit_price",
    "1001,s1001,2025-03-01T10:00:00+08:00,paid,CNY,398.00,c1,lin.wei@example.com,Lin Wei,"
    "TEA-LJ-250,Longjing green tea 250g,1,199.00",
    "1001,s1001,2025-03-01T10:00:00+08:00,paid,CNY,398.00,c1,lin.wei@example.com,Lin Wei,"
    "POT-CEL-1,Celadon teapot,1,199.00",
    "1002,s1002,2025-03-02 09:30:00,delivered,CNY,120.00,c2,sara@example.com,Sara K.,"
    "TEA-BL-100,Black tea 100g,2,60.00",
    "1003,s1003,2025-03-03T09:30:00+08:00,paid,CNY,88.00,c1,lin.wei@example.com,Lin Wei,,,,",
]) + "\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_commerce", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_orders_import_with_their_lines_and_customers(tmp_path):
    out, err, failure = run("orders", write(tmp_path, "orders.csv", ORDERS))

    assert failure is None, err
    assert "3 imported" in out
    assert Customer.objects.count() == 2
    first = Order.objects.get(number="1001")
    assert first.lines.count() == 2 and first.customer.name == "Lin Wei"
    assert Order.objects.get(number="1002").status == OrderStatus.DELIVERED
    assert Order.objects.get(number="1003").lines.count() == 0


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    run("orders", path)
    run("orders", path)
    assert Order.objects.count() == 3 and Customer.objects.count() == 2
    assert Order.objects.get(number="1001").lines.count() == 2


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path):
    out, _, failure = run("orders", write(tmp_path, "orders.csv", ORDERS), "--dry-run")
    assert failure is None and "3 would be imported" in out and "dry run" in out
    assert not Order.objects.exists() and not Customer.objects.exists()


def test_a_bad_row_rolls_back_its_batch_only_and_is_reported(tmp_path):
    rows = ORDERS + (
        "1004,s1004,not a date,paid,CNY,10.00,c3,x@example.com,X,,,,\n"
        "1005,s1005,2025-03-05T09:30:00+08:00,paid,CNY,10.00,c3,x@example.com,X,,,,\n"
    )
    report = tmp_path / "errors.csv"
    out, _, failure = run("orders", write(tmp_path, "orders.csv", rows), "--batch-size", "3",
                          "--errors", str(report))

    assert failure is not None
    # batch 1 (1001-1003) committed; batch 2 (1004 bad, 1005 good) rolled back whole
    assert sorted(Order.objects.values_list("number", flat=True)) == ["1001", "1002", "1003"]
    assert "1 not written because their batch had an error" in out
    errors = list(csv.DictReader(report.open()))
    assert errors == [{"line": "6", "key": "1004",
                       "error": "placed_at: 'not a date' is not an ISO 8601 date and time"}]


def test_errors_from_the_write_path_are_reported_per_row(tmp_path):
    OrderFactory(number="1002", shop_order_id="other-shop-id")
    _, err, failure = run("orders", write(tmp_path, "orders.csv", ORDERS))
    assert failure is not None
    assert "line 4 (1002): order number 1002 already belongs to shop order other-shop-id" in err
    assert Order.objects.count() == 1  # the whole batch was rolled back


def test_rows_of_one_order_must_be_next_to_each_other(tmp_path):
    lines = ORDERS.splitlines()
    shuffled = "\n".join([lines[0], lines[1], lines[3], lines[2]]) + "\n"
    _, err, failure = run("orders", write(tmp_path, "orders.csv", shuffled))
    assert failure is not None and "not next to each other" in err


def test_customers_and_shipments_import(tmp_path):
    customers = ("shop_customer_id,name,email,phone,language,time_zone,wechat\n"
                 "c1,Lin Wei,lin.wei@example.com,+86 139 0000 1042,zh-CN,Asia/Shanghai,"
                 "linwei_tea\n")
    _, err, failure = run("customers", write(tmp_path, "customers.csv", customers))
    assert failure is None, err
    customer = Customer.objects.get()
    assert customer.language == "zh-hans"
    assert customer.identities.filter(kind="wechat", value="linwei_tea").exists()

    run("orders", write(tmp_path, "orders.csv", ORDERS))
    shipments = ("order_number,carrier,tracking_number,status,shipped_at,promised_delivery_date\n"
                 "1001,SF Express,SF1234567890,in_transit,2025-03-02T09:00:00+08:00,2025-03-05\n")
    _, err, failure = run("shipments", write(tmp_path, "shipments.csv", shipments))
    assert failure is None, err
    shipment = Shipment.objects.get()
    assert shipment.order.number == "1001" and str(shipment.promised_delivery_date) == "2025-03-05"
    assert shipment.customer == customer


def test_a_file_with_wrong_columns_is_refused_before_anything_is_read(tmp_path):
    _, _, failure = run("orders", write(tmp_path, "orders.csv", "number,total\n1,2\n"))
    assert failure is not None and "missing columns: order_number, placed_at" in str(failure)


def test_a_missing_file_is_a_clear_error(tmp_path):
    _, _, failure = run("orders", str(tmp_path / "nope.csv"))
    assert failure is not None and "No such file" in str(failure)


def snapshot():
    """Everything the import writes, without ids that depend on the path taken."""
    customers = sorted(
        (c.name, c.language, tuple(sorted((i.kind, i.value, i.is_primary)
                                          for i in c.identities.all())))
        for c in Customer.objects.prefetch_related("identities"))
    orders = sorted(
        (o.number, o.shop_order_id, o.status, str(o.total), o.customer.name,
         tuple((line.sku, line.title, line.quantity, str(line.unit_price))
               for line in o.lines.all()))
        for o in Order.objects.select_related("customer").prefetch_related("lines"))
    return customers, orders


TRICKY = "\n".join([
    ORDERS.splitlines()[0],
    # a customer already stored by email, now with a shop id too (the identity is added)
    "2001,s2001,2025-04-01T10:00:00+08:00,paid,CNY,10.00,c9,known@example.com,Known,,,,",
    # a new customer, then the same one again, then under a new name
    "2002,s2002,2025-04-01T11:00:00+08:00,paid,CNY,20.00,c10,new@example.com,New,,,,",
    "2003,s2003,2025-04-01T12:00:00+08:00,paid,CNY,30.00,c10,new@example.com,New,,,,",
    "2004,s2004,2025-04-01T13:00:00+08:00,paid,CNY,40.00,c10,,Renamed,,,,",
    # a stored order whose total and lines change, and one that stays as it is
    "3001,s3001,2025-04-02T10:00:00+08:00,delivered,CNY,50.00,c9,,,SKU-1,Tea,2,25.00",
    "3002,s3002,2025-01-02T10:00:00+08:00,paid,CNY,199.00,c9,,,,,,",
    # a shop id used by an order of this file under another number: the number moves
    "2005,s2002,2025-04-01T11:00:00+08:00,paid,CNY,20.00,c10,,,,,,",
]) + "\n"


def tricky_start():
    from tests.factories import CustomerFactory

    known = CustomerFactory(name="Known", email="known@example.com")
    OrderFactory(customer=known, number="3001", shop_order_id="s3001", total="50.00")
    from datetime import datetime
    from zoneinfo import ZoneInfo
    OrderFactory(customer=known, number="3002", shop_order_id="s3002", total="199.00",
                 placed_at=datetime(2025, 1, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.mark.parametrize("batch_size", ["1", "3", "500"])
def test_a_batch_stores_exactly_what_the_write_path_stores_one_order_at_a_time(
        tmp_path, batch_size):
    from customers.imports.rows import read_items
    from customers.services import commerce

    with transaction.atomic():
        tricky_start()
        reader = csv.DictReader(io.StringIO(TRICKY))
        for item in read_items("orders", reader):
            commerce.record_order(data=item.data)
        one_at_a_time = snapshot()
        transaction.set_rollback(True)
    assert ("New", "en", (("email", "new@example.com", True), ("shop", "c10", True))) \
        not in one_at_a_time[0]  # renamed on the fourth row
    tricky_start()

    out, err, failure = run("orders", write(tmp_path, "orders.csv", TRICKY),
                            "--batch-size", batch_size)

    assert failure is None, err
    assert snapshot() == one_at_a_time
    assert Customer.objects.get(identities__value="known@example.com").identities.filter(
        value="c9").exists()
    assert Order.objects.get(number="3001").lines.count() == 1
    assert not Order.objects.filter(number="2002").exists()  # s2002 is order 2005 now


def test_a_batch_publishes_its_order_events_as_one_loyalty_task(
        tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        run("orders", write(tmp_path, "orders.csv", ORDERS))
    assert len(sent) == 1  # one task for the three orders of the batch, not three
    with django_capture_on_commit_callbacks() as sent:
        run("orders", write(tmp_path, "orders.csv", ORDERS), "--batch-size", "2")
    assert len(sent) == 0  # the same file again changes nothing, so nothing to tell


def test_a_customer_whose_orders_arrive_in_one_batch_moves_once_to_the_tier_they_reach(
        tmp_path):
    """The batch's loyalty task recomputes each customer once, after all their orders: four
    orders go straight to Silver (one tier change, one tier-up) instead of Bronze first."""
    from loyalty import selectors, tasks
    from loyalty.models import TierAward, TierChange

    rows = [ORDERS.splitlines()[0]] + [
        f"40{n},s40{n},2025-05-0{n}T10:00:00+08:00,paid,CNY,100.00,c40,tea@example.com,"
        f"Tea Lover,,,," for n in range(1, 5)]
    run("orders", write(tmp_path, "orders.csv", "\n".join(rows) + "\n"))
    customer = Customer.objects.get(identities__value="tea@example.com")

    tasks.orders_changed(list(Order.objects.values_list("pk", flat=True)))
    tasks.orders_changed(list(Order.objects.values_list("pk", flat=True)))  # run twice

    customer.refresh_from_db()
    assert customer.tier.name == "Silver"
    assert list(TierChange.objects.filter(customer=customer).values_list(
        "from_tier", "to_tier__name")) == [(None, "Silver")]
    assert list(TierAward.objects.filter(customer=customer).values_list(
        "tier__name", flat=True)) == ["Silver"]
    assert selectors.balances(customer)["points"] == 400
