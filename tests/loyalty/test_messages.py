"""Message templates and the optional milestone messages (Nth order, anniversary, birthday)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from customers.models import OrderStatus
from loyalty.models import Membership, MessageKind, MessageTemplate, MilestoneSent
from loyalty.services import messages, recompute_customer
from tests.factories import CustomerFactory, OrderFactory, tier
from tickets.models import Message

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_placeholders_are_filled_and_unknown_ones_left_alone():
    assert messages.render("Hi {{customer_name}}, {{ tier_name }} {{oops}}",
                           {"customer_name": "Lin", "tier_name": "Gold"}) == "Hi Lin, Gold {{oops}}"
    assert messages.unknown_placeholders("{{customer_name}} {{coupon}}") == {"coupon"}


def test_the_english_template_stands_in_for_a_missing_language():
    MessageTemplate.objects.filter(tier=tier("Silver"), language="zh-hans").delete()
    template = messages.template_for(kind=MessageKind.TIER_UP, language="zh-hans",
                                     tier=tier("Silver"))
    assert template.language == "en"


def test_an_inactive_template_sends_nothing(customer):
    MessageTemplate.objects.filter(tier=tier("Silver")).update(is_active=False)
    assert messages.send_tier_up(customer_id=customer.pk, tier=tier("Silver"),
                                 now=timezone.now()) is None


def enable(kind, **filters):
    MessageTemplate.objects.filter(kind=kind, **filters).update(is_active=True)


def customer_messages(customer):
    return Message.objects.filter(ticket__customer=customer)


def test_the_tenth_order_gets_its_milestone_message_once(customer):
    enable(MessageKind.NTH_ORDER, nth_order=10)
    orders = [OrderFactory(customer=customer) for _ in range(9)]
    OrderFactory(customer=customer, status=OrderStatus.CANCELLED)
    assert messages.send_nth_order_milestone(order=orders[-1]) is None
    tenth = OrderFactory(customer=customer)
    sent = messages.send_nth_order_milestone(order=tenth)
    assert sent.message.ticket.subject == "Thank you for your 10th order!"
    assert sent.message.ticket.order == tenth
    assert messages.send_nth_order_milestone(order=tenth) is None
    assert MilestoneSent.objects.filter(customer=customer).count() == 1


def test_an_old_imported_order_gets_no_milestone(customer):
    enable(MessageKind.NTH_ORDER, nth_order=10)
    orders = [OrderFactory(customer=customer,
                           placed_at=timezone.now() - timedelta(days=300)) for _ in range(10)]
    assert messages.send_nth_order_milestone(order=orders[-1]) is None


def test_milestones_are_off_until_an_admin_turns_them_on(customer):
    orders = [OrderFactory(customer=customer) for _ in range(10)]
    assert messages.send_nth_order_milestone(order=orders[-1]) is None
    with time_machine.travel(datetime(2027, 6, 1, 10, tzinfo=SHANGHAI)):
        assert messages.send_date_milestones() == 0


def test_the_first_order_anniversary_is_sent_once_a_year(customer):
    enable(MessageKind.ANNIVERSARY)
    OrderFactory(customer=customer, placed_at=datetime(2025, 6, 1, 15, tzinfo=SHANGHAI))
    recompute_customer(customer_id=customer.pk)
    with time_machine.travel(datetime(2027, 5, 31, 10, tzinfo=SHANGHAI)):
        assert messages.send_date_milestones() == 0
    with time_machine.travel(datetime(2027, 6, 1, 10, tzinfo=SHANGHAI)):
        assert messages.send_date_milestones() == 1
        assert messages.send_date_milestones() == 0
    message = customer_messages(customer).get(ticket__subject__startswith="Happy anniversary")
    assert "valued customer for 2 year(s)" in message.body_text


def test_a_birthday_message_in_the_customers_language():
    enable(MessageKind.BIRTHDAY)
    customer = CustomerFactory(name="王芳", language="zh-hans")
    Membership.objects.create(customer=customer, birthday=datetime(1992, 2, 29).date())
    with time_machine.travel(datetime(2027, 2, 28, 10, tzinfo=SHANGHAI)):
        assert messages.send_date_milestones() == 1
    assert customer_messages(customer).get().ticket.subject == "王芳，生日快乐！"
