from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.models import AuditEntry
from loyalty.models import Tier
from loyalty.validation import TierBand, tier_threshold_problems
from tests.admin_forms import change_form


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


SEEDED = [TierBand("Bronze", 1, 1), TierBand("Silver", 2, 4), TierBand("Gold", 3, 11)]


def test_the_seeded_tiers_have_no_gap_and_no_overlap():
    assert tier_threshold_problems(SEEDED) == []


def test_a_higher_tier_starting_at_or_below_a_lower_one_overlaps():
    bands = [TierBand("Bronze", 1, 1), TierBand("Silver", 2, 4), TierBand("Gold", 3, 4)]
    assert tier_threshold_problems(bands) == [
        "Gold starts at 4 orders, not above Silver (4 orders), a lower tier: their order "
        "counts overlap."]


def test_a_lowest_tier_above_one_order_leaves_a_gap():
    bands = [TierBand("Bronze", 1, 3), TierBand("Silver", 2, 4)]
    assert tier_threshold_problems(bands) == [
        "Customers with 1 to 2 orders reach no tier: the lowest tier, Bronze, starts at 3 "
        "orders."]


def test_explicit_upper_bounds_reveal_gaps_and_overlaps():
    gap = [TierBand("Bronze", 1, 1, max_orders=3), TierBand("Silver", 2, 6)]
    assert tier_threshold_problems(gap) == [
        "Customers with 4 to 5 orders fall between Bronze and Silver and reach no tier."]
    overlap = [TierBand("Bronze", 1, 1, max_orders=5), TierBand("Silver", 2, 4)]
    assert tier_threshold_problems(overlap) == [
        "Bronze (up to 5 orders) and Silver (from 4 orders) overlap."]


def test_a_tier_without_any_threshold_is_unreachable():
    problems = tier_threshold_problems([*SEEDED, TierBand("Diamond", 4)])
    assert problems == ["Diamond has no minimum order count or spend: no customer can reach it."]


def test_spend_thresholds_must_rise_with_rank():
    bands = [TierBand("Silver", 2, 4, min_spend=Decimal("1000")),
             TierBand("Gold", 3, 11, min_spend=Decimal("800")), TierBand("Bronze", 1, 1)]
    assert tier_threshold_problems(bands)[0].startswith("Gold needs a spend of 800")


def test_the_tier_admin_refuses_an_overlap_with_a_clear_message(client, admin_user):
    gold = Tier.objects.get(name="Gold")
    client.force_login(admin_user)
    url = reverse("admin:loyalty_tier_change", args=[gold.pk])
    data = change_form(client, url)
    data["min_orders"] = ["3"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert ("Gold starts at 3 orders, not above Silver (4 orders), a lower tier: their order "
            "counts overlap.") in response.content.decode()
    gold.refresh_from_db()
    assert gold.min_orders == 11
    assert not AuditEntry.objects.exists()


def test_the_tier_admin_saves_consistent_thresholds(client, admin_user):
    gold = Tier.objects.get(name="Gold")
    client.force_login(admin_user)
    url = reverse("admin:loyalty_tier_change", args=[gold.pk])
    data = change_form(client, url)
    data["min_orders"] = ["12"]
    assert client.post(url, data).status_code == 302
    gold.refresh_from_db()
    assert gold.min_orders == 12
