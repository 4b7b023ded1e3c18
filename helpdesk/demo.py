"""Demo data: a bilingual online shop with customers, orders, parcels, tiers and tickets.

Deterministic (a fixed random seed) and safe to run twice: a second run finds the
demo shop already there and only makes sure the demo logins work.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from customers.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Language,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from loyalty import services as loyalty
from reports import services as reports
from sla.sweep import sweep as sla_sweep
from tickets import services as ticket_services
from tickets.models import Category, Channel, Priority, Status, Team

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, first name, last name, role
    ("admin", "Ada", "Admin", "admin"),
    ("manager", "Mei", "Manager", "manager"),
    ("agent", "Ann", "Agent", "agent"),
    ("bo", "Bo", "Chen", "agent"),
    ("lina", "Lina", "Wang", "agent"),
]
ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
ZH_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟",
            "涛", "明", "超", "秀英", "婷", "雪", "欣怡", "子涵", "浩然", "梓萱"]
EN_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sophie", "Leo",
            "Chloe", "Ryan", "Grace", "Owen", "Zoe", "Sara", "Daniel", "Hannah", "Tom", "Lily"]
EN_LAST = ["Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker", "Hall", "Young", "King",
           "Wright", "Lopez", "Hill", "Green", "Baker", "Kim", "Nguyen", "Müller", "Rossi"]
PRODUCTS = [
    ("TEA-001", "Longjing green tea 250g", "99.00"), ("TEA-014", "Pu'er cake 357g", "268.00"),
    ("CUP-220", "Celadon tea cup set", "159.00"), ("POT-031", "Yixing clay teapot", "420.00"),
    ("SILK-07", "Silk scarf, peony print", "199.00"),
    ("FAN-002", "Sandalwood folding fan", "45.00"),
    ("MUG-110", "Double-wall glass mug", "69.00"), ("BAG-300", "Canvas tote bag", "35.00"),
]
CARRIERS = {
    "SF Express": "https://www.sf-express.com/chn/en/waybill/waybill-detail/{}",
    "YTO Express": "https://www.yto.net.cn/track?num={}",
    "DHL": "https://www.dhl.com/track?tracking-id={}",
}
TICKET_SUBJECTS = {
    Category.ORDER_STATUS: ("Where is my order #{order}?", "我的订单#{order}到哪里了？"),
    Category.SHIPPING_PROBLEM: ("Parcel stuck in transit for a week", "包裹一周没有更新物流"),
    Category.DAMAGED: ("Teapot arrived cracked", "茶壶收到时有裂痕"),
    Category.WRONG_ITEM: ("Wrong item in my parcel", "收到的商品发错了"),
    Category.PAYMENT: ("Charged twice for one order", "一个订单被扣了两次款"),
    Category.RETURN_REFUND: ("How do I return the scarf?", "围巾怎么退货？"),
    Category.PRE_SALE: ("Is the Pu'er tea this year's harvest?", "普洱茶是今年的新茶吗？"),
    Category.FEEDBACK: ("Lovely packaging, thank you!", "包装很用心，谢谢！"),
    Category.COMPLAINT: ("Very unhappy with the delivery", "对配送非常不满意"),
    Category.PARTNERSHIP: ("Collaboration proposal from a tea blog", "茶文化博主合作邀请"),
}
TICKET_BODIES = {
    "en": "Hello, {subject_lc}. Could you please help? Order #{order}. Thanks, {name}",
    "zh-hans": "你好，{subject_lc}。麻烦帮忙看一下，订单号#{order}。谢谢！{name}",
}
URGENT = {Category.SHIPPING_PROBLEM, Category.DAMAGED, Category.WRONG_ITEM, Category.PAYMENT}


def ensure_demo_users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, first, last, role in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@kefu.example"})
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == "admin"
        user.is_superuser = role == "admin"
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


@transaction.atomic
def seed_demo(*, customers: int = 300, seed: int = 42) -> dict[str, int]:
    users = ensure_demo_users()
    if Customer.objects.filter(identities__value="lin.wei@example.cn").exists():
        return {"customers": 0, "orders": 0, "tickets": 0}
    rng = random.Random(seed)
    now = timezone.now()
    teams = _teams(users)
    created = {"customers": 0, "orders": 0, "tickets": 0}
    for index in range(customers):
        customer = _customer(rng, index)
        created["customers"] += 1
        orders = _orders(rng, customer, now)
        created["orders"] += len(orders)
        # Loyalty as if every order's event had been handled (points, the tier reached and
        # its history), without messages to the demo customers, before their tickets open
        # under the tier's SLA policy.
        loyalty.settle_without_messages(order_ids=[order.pk for order in orders], now=now)
        loyalty.recompute_customer(customer_id=customer.pk, now=now, send_messages=False)
        customer.refresh_from_db(fields=["tier"])
        if orders and (index < 40 or rng.random() < 0.35):
            created["tickets"] += _tickets(rng, customer, orders, users, teams, now)
    sla_sweep(now=now)
    reports.rebuild(now=now)  # the dashboards show the demo's two years at once
    return created


def _teams(users):
    shipping, _ = Team.objects.get_or_create(name="Orders & shipping",
                                             defaults={"manager": users["manager"]})
    returns, _ = Team.objects.get_or_create(name="Returns & refunds",
                                            defaults={"manager": users["manager"]})
    presales, _ = Team.objects.get_or_create(name="Pre-sales",
                                             defaults={"manager": users["manager"]})
    shipping.members.add(users["agent"], users["bo"])
    returns.members.add(users["lina"], users["agent"])
    presales.members.add(users["bo"], users["lina"])
    return {"shipping": shipping, "returns": returns, "presales": presales}


def _customer(rng: random.Random, index: int) -> Customer:
    if index == 0:
        name, language, email = "Lin Wei", Language.ZH_HANS, "lin.wei@example.cn"
    elif index % 2:
        surname, given = rng.choice(ZH_SURNAMES), rng.choice(ZH_GIVEN)
        name, language = surname + given, Language.ZH_HANS
        email = f"user{index}@example.cn"
    else:
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        name, language = f"{first} {last}", Language.EN
        email = f"{first}.{last}.{index}@example.com".lower()
    customer = Customer.objects.create(
        name=name, language=language,
        time_zone="Asia/Shanghai" if language == Language.ZH_HANS else rng.choice(
            ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Singapore"]),
    )
    CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.EMAIL, value=email,
                                    is_primary=True)
    CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.SHOP,
                                    value=f"SHOP-C{100000 + index}")
    if rng.random() < 0.6:
        CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.PHONE,
                                        value=f"+86 138{rng.randrange(10**8):08d}")
    if language == Language.ZH_HANS and rng.random() < 0.4:
        CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.WECHAT,
                                        value=f"wx_{index}_{rng.randrange(10**4)}")
    return customer


def _orders(rng: random.Random, customer: Customer, now) -> list[Order]:
    count = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 11, 13])
    if customer.identities.filter(value="lin.wei@example.cn").exists():
        count = 14
    orders = []
    for n in range(count):
        placed = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        if n == count - 1:
            placed = now - timedelta(days=rng.randint(2, 12))
        status = rng.choices([OrderStatus.DELIVERED, OrderStatus.FULFILLED, OrderStatus.CANCELLED,
                              OrderStatus.REFUNDED], weights=[80, 10, 6, 4])[0]
        if placed > now - timedelta(days=14) and status == OrderStatus.DELIVERED:
            status = OrderStatus.FULFILLED
        number = f"{10000 + Order.objects.count() + 1}"
        order = Order.objects.create(customer=customer, number=number,
                                     shop_order_id=f"gid-{number}", placed_at=placed,
                                     status=status, currency="CNY")
        total = Decimal(0)
        for sku, title, price in rng.sample(PRODUCTS, rng.randint(1, 3)):
            line = OrderLine.objects.create(order=order, sku=sku, title=title,
                                            quantity=rng.randint(1, 2), unit_price=Decimal(price))
            total += line.line_total
        order.total = total
        order.save(update_fields=["total"])
        if status in (OrderStatus.DELIVERED, OrderStatus.FULFILLED):
            _shipment(rng, order, now)
        orders.append(order)
    return orders


def _shipment(rng: random.Random, order: Order, now) -> Shipment:
    carrier = rng.choice(list(CARRIERS))
    tracking = f"{carrier[:2].upper()}{rng.randrange(10**10):010d}"
    shipped = order.placed_at + timedelta(hours=rng.randint(6, 36))
    promised = (shipped + timedelta(days=rng.randint(3, 6))).date()
    delivered = order.status == OrderStatus.DELIVERED
    shipment = Shipment.objects.create(
        order=order, customer=order.customer, carrier=carrier, tracking_number=tracking,
        tracking_url=CARRIERS[carrier].format(tracking), shipped_at=shipped,
        promised_delivery_date=promised, estimated_delivery=promised,
        status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
    )
    scans = [(shipped, "label_created", "Hangzhou", "Shipment information received"),
             (shipped + timedelta(hours=8), "in_transit", "Hangzhou hub", "Departed facility")]
    if delivered:
        at = shipped + timedelta(days=rng.randint(2, 5))
        scans.append((at, "delivered", "Destination", "Delivered, signed by recipient"))
        shipment.delivered_at = at
    elif rng.random() < 0.3:
        # A delayed parcel: stuck at customs or simply no scan for days.
        at = shipped + timedelta(days=1)
        if rng.random() < 0.5:
            scans.append((at, "exception", "Shanghai customs", "Held at customs for inspection"))
            shipment.status = ShipmentStatus.EXCEPTION
        shipment.promised_delivery_date = min(promised, (now - timedelta(days=1)).date())
    else:
        scans.append((min(now, shipped + timedelta(days=1)), "in_transit", "Shanghai hub",
                      "Arrived at sorting centre"))
    TrackingEvent.objects.bulk_create([
        TrackingEvent(shipment=shipment, occurred_at=at, status=status, location=location,
                      description=description) for at, status, location, description in scans
    ])
    shipment.last_event_at = max(s[0] for s in scans)
    shipment.save()
    return shipment


def _tickets(rng, customer, orders, users, teams, now) -> int:
    count = 1 if rng.random() < 0.8 else 2
    agents = [users["agent"], users["bo"], users["lina"], None]
    for _ in range(count):
        category = rng.choice(list(TICKET_SUBJECTS))
        order = rng.choice(orders)
        subject_en, subject_zh = TICKET_SUBJECTS[category]
        zh = customer.language == Language.ZH_HANS
        subject = (subject_zh if zh else subject_en).format(order=order.number)
        body = TICKET_BODIES[customer.language].format(
            subject_lc=subject.rstrip("?？!！").lower(), order=order.number, name=customer.name)
        created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 5))
        channel = rng.choices(list(Channel.values), weights=[40, 15, 20, 10, 8, 4, 3])[0]
        team = (teams["returns"] if category == Category.RETURN_REFUND else
                teams["presales"] if category == Category.PRE_SALE else teams["shipping"])
        ticket = ticket_services.open_ticket(
            customer=customer, subject=subject, body_text=body, channel=channel,
            category=category, order=order, team=team,
            priority=Priority.URGENT if category in URGENT else Priority.NORMAL, at=created,
        )
        agent = rng.choice(agents)
        if agent:
            ticket_services.assign(ticket=ticket, agent=agent, by=users["manager"], at=created)
        roll = rng.random()
        if roll < 0.35 and agent:
            answer = ("您好，已经为您查询，我们会尽快处理。" if zh
                      else "Hi, thanks for reaching out! I'm looking into it right now.")
            ticket_services.reply(ticket=ticket, author=agent, body_text=answer,
                                  set_status=rng.choice([Status.PENDING, Status.SOLVED]),
                                  at=min(now, created + timedelta(minutes=rng.randint(3, 90))))
        # The ticket services ran the SLA clocks from the historic times above; the sweep
        # at the end of seed_demo records the warnings and breaches that are due by now.
    return count
