"""factory-boy factories for the shared schema."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from loyalty.models import Tier
from notices import services as notice_services
from tickets.models import Channel, Direction, Message, Team, Ticket


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kefu.example")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "admin":
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Faker("name")
    language = "en"
    time_zone = "Asia/Shanghai"

    @factory.post_generation
    def email(self, create, extracted, **kwargs):
        if create:
            CustomerIdentity.objects.create(
                customer=self, kind=IdentityKind.EMAIL, is_primary=True,
                value=extracted or f"customer{self.pk}@example.com")


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerIdentity

    customer = factory.SubFactory(CustomerFactory)
    kind = IdentityKind.PHONE
    value = factory.Sequence(lambda n: f"+86 139{n:08d}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"{50000 + n}")
    shop_order_id = factory.LazyAttribute(lambda o: f"gid-{o.number}")
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    status = OrderStatus.PAID
    currency = "CNY"
    total = Decimal("199.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    title = "Longjing green tea 250g"
    quantity = 1
    unit_price = Decimal("99.00")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    carrier = "SF Express"
    tracking_number = factory.Sequence(lambda n: f"SF{n:010d}")
    status = ShipmentStatus.IN_TRANSIT
    shipped_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    promised_delivery_date = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=2)).date())


class TrackingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    status = "in_transit"
    location = "Hangzhou hub"
    description = "Departed facility"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    subject = factory.Sequence(lambda n: f"Question {n}")
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.EMAIL
    created_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    direction = Direction.INBOUND
    channel = Channel.EMAIL
    body_text = "Hello, where is my parcel?"
    created_at = factory.LazyFunction(timezone.now)


def tier(name: str) -> Tier:
    """One of the seeded tiers: Bronze, Silver or Gold."""
    return Tier.objects.get(name=name)


def delayed_shipment(*, order=None, days_late: int = 2, **fields):
    """An undelivered shipment whose promised date has passed, its delay detected and its
    notice written through the notices services (as the sweep would)."""
    shipment = ShipmentFactory(
        **({"order": order} if order is not None else {}),
        promised_delivery_date=(timezone.now() - timedelta(days=days_late)).date(), **fields)
    for episode_id in notice_services.check_shipments(shipment_ids=[shipment.pk]):
        notice_services.send_delay_notice(episode_id=episode_id)
    return shipment
