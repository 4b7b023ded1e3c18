from decimal import Decimal

import pytest

from loyalty.models import Tier
from loyalty.services import tier_for


@pytest.mark.parametrize(("orders", "expected"), [
    (0, None), (1, "Bronze"), (3, "Bronze"), (4, "Silver"), (10, "Silver"), (11, "Gold"),
])
def test_seeded_tiers_follow_the_order_count_thresholds(db, orders, expected):
    tier = tier_for(order_count=orders, spend=Decimal("0"))
    assert (tier.name if tier else None) == expected


def test_the_seeded_tiers_carry_the_seed_perks(db):
    silver = Tier.objects.get(name="Silver")
    assert silver.discount_percent == 10
    assert silver.priority_service is True
    assert "Free shipping on all orders (no minimum)" in silver.perks
    assert silver.display_name("zh-hans") == "银卡会员"
    assert list(Tier.objects.vip().values_list("name", flat=True)) == ["Silver", "Gold"]
