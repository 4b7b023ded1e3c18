"""The seeds' VIP tiers (Bronze 1-3 orders, Silver 4-10, Gold 11+). Admins change them later."""

from decimal import Decimal

from django.db import migrations

TIERS = [
    {
        "name": "Bronze", "name_zh_hans": "铜卡会员", "rank": 1, "min_orders": 1,
        "discount_percent": Decimal("5"), "priority_service": False, "badge_colour": "#a0642d",
        "perks": ["5% off all orders", "Early access to sales", "Birthday surprise"],
        "perks_zh_hans": ["所有订单95折", "优先参加促销", "生日惊喜"],
    },
    {
        "name": "Silver", "name_zh_hans": "银卡会员", "rank": 2, "min_orders": 4,
        "discount_percent": Decimal("10"), "priority_service": True, "badge_colour": "#6c7a89",
        "perks": ["10% off all orders", "Free shipping on all orders (no minimum)",
                  "Exclusive products", "Priority customer service"],
        "perks_zh_hans": ["所有订单9折", "全部订单包邮（无门槛）", "专属商品", "优先客户服务"],
    },
    {
        "name": "Gold", "name_zh_hans": "金卡会员", "rank": 3, "min_orders": 11,
        "discount_percent": Decimal("15"), "priority_service": True, "badge_colour": "#b8860b",
        "perks": ["15% off all orders", "Free shipping + free gift with every order",
                  "First access to new products", "Personal product recommendations",
                  "VIP-only live streams and events"],
        "perks_zh_hans": ["所有订单85折", "包邮且每单附赠礼品", "新品抢先购", "专属商品推荐",
                          "VIP专属直播和活动"],
    },
]


def seed(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    for values in TIERS:
        Tier.objects.update_or_create(name=values["name"], defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("loyalty", "Tier").objects.filter(name__in=[t["name"] for t in TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
