"""CSV import: the same write path, batches all-or-nothing, dry runs, a per-row report."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

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
