from notices.rendering import fill, money, percent


def test_placeholders_are_filled():
    assert fill("Hi {{customer_name}}, order #{{ order_number }}",
                {"customer_name": "Lin", "order_number": "1"}) == "Hi Lin, order #1"


def test_a_line_whose_placeholders_are_all_empty_is_left_out():
    text = "Hello\n\nNew estimate: {{new_estimate}}\nCarrier: {{carrier}}\n\n\nBye"
    assert fill(text, {"carrier": "SF", "new_estimate": ""}) == "Hello\n\nCarrier: SF\n\nBye"


def test_a_line_with_some_values_keeps_its_text():
    assert fill("{{a}} and {{b}}", {"a": "x", "b": ""}) == "x and"


def test_the_subject_keeps_its_line():
    assert fill("Order {{order_number}}", {}, drop_empty_lines=False) == "Order"


def test_values_are_not_read_as_placeholders_again():
    assert fill("{{customer_name}}", {"customer_name": "{{shop_name}}",
                                      "shop_name": "x"}) == "{{shop_name}}"


def test_money_and_percent_read_naturally():
    from decimal import Decimal

    assert money(Decimal("20"), "CNY") == "¥20.00"
    assert money(Decimal("5.5"), "SEK") == "SEK 5.50"
    assert percent(Decimal("10.00")) == "10%"
