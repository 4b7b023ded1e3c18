"""The seeds' service standards as data: a 09:00-21:00 calendar every day in the shop's time
zone, and ordered SLA policies. Admins change all of it later.

Urgent (shipping problem, damaged or defective, wrong item, payment): first response in
15 minutes; routine (pre-sale question, order status, shipping estimate): 2 hours;
non-urgent (feedback, suggestions, partnership, press): 24 hours; Silver and Gold
customers get priority service. Minutes below; "business" counts only opening hours.
"""

from datetime import time

from django.conf import settings
from django.db import migrations

URGENT = ["shipping_problem", "damaged", "wrong_item", "payment"]
ROUTINE = ["pre_sale", "order_status"]
NON_URGENT = ["feedback", "partnership"]
VIP = ["Silver", "Gold"]

# name, Chinese name, conditions, (metric, minutes, business hours?) targets
POLICIES = [
    ("VIP urgent issue", "VIP紧急问题", {"categories": URGENT, "tiers": VIP},
     [("first_response", 5, True), ("next_response", 15, True), ("resolution", 8 * 60, True)]),
    ("Urgent priority", "紧急优先级", {"priorities": ["urgent"]},
     [("first_response", 15, True), ("next_response", 30, True), ("resolution", 12 * 60, True)]),
    ("Urgent issue", "紧急问题", {"categories": URGENT},
     [("first_response", 15, True), ("next_response", 30, True), ("resolution", 12 * 60, True)]),
    ("VIP priority service", "VIP优先服务", {"tiers": VIP},
     [("first_response", 30, True), ("next_response", 60, True), ("resolution", 24 * 60, True)]),
    ("High priority", "高优先级", {"priorities": ["high"]},
     [("first_response", 60, True), ("next_response", 60, True), ("resolution", 24 * 60, True)]),
    ("Routine", "常规咨询", {"categories": ROUTINE},
     [("first_response", 120, True), ("next_response", 120, True),
      ("resolution", 36 * 60, True)]),
    ("Non-urgent", "非紧急", {"categories": NON_URGENT},
     [("first_response", 24 * 60, False), ("next_response", 24 * 60, False),
      ("resolution", 7 * 24 * 60, False)]),
    ("Default", "默认", {},
     [("first_response", 120, True), ("next_response", 120, True),
      ("resolution", 36 * 60, True)]),
]


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    OpeningInterval = apps.get_model("sla", "OpeningInterval")
    SLAPolicy = apps.get_model("sla", "SLAPolicy")
    SLATarget = apps.get_model("sla", "SLATarget")
    Tier = apps.get_model("loyalty", "Tier")

    calendar, created = BusinessCalendar.objects.get_or_create(
        name="Shop hours", defaults={"time_zone": settings.TIME_ZONE, "is_default": True,
                                     "holiday_country": "CN"})
    if created:
        OpeningInterval.objects.bulk_create([
            OpeningInterval(calendar=calendar, weekday=weekday, start=time(9), end=time(21))
            for weekday in range(7)
        ])
    for position, (name, name_zh, conditions, targets) in enumerate(POLICIES, start=1):
        policy, created = SLAPolicy.objects.get_or_create(name=name, defaults={
            "name_zh_hans": name_zh, "position": position * 10, "calendar": calendar,
            "priorities": conditions.get("priorities", []),
            "categories": conditions.get("categories", []),
            "warn_at_percent": 75,
        })
        if not created:
            continue
        if conditions.get("tiers"):
            policy.tiers.set(Tier.objects.filter(name__in=conditions["tiers"]))
        SLATarget.objects.bulk_create([
            SLATarget(policy=policy, metric=metric, minutes=minutes, business_hours=business)
            for metric, minutes, business in targets
        ])


def unseed(apps, schema_editor):
    apps.get_model("sla", "SLAPolicy").objects.filter(
        name__in=[name for name, *_ in POLICIES]).delete()
    apps.get_model("sla", "BusinessCalendar").objects.filter(name="Shop hours").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("loyalty", "0002_seed_tiers"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
