from datetime import time

import pytest
from django.utils import translation

from helpdesk.config_validation import opening_hours_problems, policy_match_problems


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_seed_hours_every_day_are_fine():
    assert opening_hours_problems([(d, time(9), time(21)) for d in range(7)]) == []


def test_touching_intervals_and_a_midnight_end_are_fine():
    assert opening_hours_problems([(0, time(9), time(12)), (0, time(12), time(18)),
                                   (1, time(22), time(0)), (2, 0, 120)]) == []


def test_overlapping_hours_on_one_day_are_named():
    problems = opening_hours_problems([(0, time(9), time(13)), (0, time(12), time(18)),
                                       (1, time(12), time(18))])
    assert problems == ["Monday: 09:00-13:00 and 12:00-18:00 overlap."]


def test_hours_that_end_before_they_start_explain_the_midnight_rule():
    problems = opening_hours_problems([(4, time(21), time(9))])
    assert problems[0].startswith("Friday: 21:00-09:00 ends before it starts.")
    assert "two intervals" in problems[0]


def test_an_unknown_weekday_is_refused():
    assert opening_hours_problems([(7, time(9), time(10))]) == [
        "7 is not a weekday (0 is Monday, 6 is Sunday)."]


def test_the_messages_are_translated():
    with translation.override("zh-hans"):
        problems = opening_hours_problems([(0, time(9), time(13)), (0, time(12), time(18))])
    assert problems == ["星期一：09:00-13:00 与 12:00-18:00 重叠。"]


CHOICES = {
    "priority": {"low", "normal", "high", "urgent"},
    "category": {"shipping_problem", "damaged", "wrong_item", "payment", "pre_sale"},
    "channel": {"email", "chat"},
    "tier": {"Bronze", "Silver", "Gold"},
}


def test_a_policy_with_existing_values_can_match():
    assert policy_match_problems("Urgent", {"category": ["damaged", "wrong_item"]},
                                 CHOICES) == []


def test_a_policy_whose_only_tier_does_not_exist_never_matches():
    problems = policy_match_problems("Platinum care", {"tier": ["Platinum"]}, CHOICES)
    assert problems == [
        "Platinum care: tier Platinum does not exist.",
        "Platinum care can never match a ticket: none of the values it requires exist."]


def test_one_missing_value_among_existing_ones_is_named_but_the_policy_can_match():
    problems = policy_match_problems("VIP", {"tier": ["Gold", "Platinum"]}, CHOICES)
    assert problems == ["VIP: tier Platinum does not exist."]


def test_a_policy_after_a_catch_all_never_matches():
    problems = policy_match_problems("Urgent", {"priority": ["urgent"]}, CHOICES,
                                     earlier=[("Default", {})])
    assert problems == ["Urgent can never match a ticket: Default comes first and already "
                        "matches every ticket it would. Move it above Default or narrow Default."]


def test_a_policy_narrower_than_an_earlier_one_is_shadowed_but_a_wider_one_is_not():
    earlier = [("Shipping", {"category": ["shipping_problem", "damaged"]})]
    assert policy_match_problems("Damaged by chat", {"category": ["damaged"],
                                                     "channel": ["chat"]}, CHOICES, earlier)
    assert policy_match_problems("Damaged or payment", {"category": ["damaged", "payment"]},
                                 CHOICES, earlier) == []


def test_a_condition_on_an_unknown_field_is_reported():
    problems = policy_match_problems("Odd", {"weather": ["rain"]}, CHOICES)
    assert problems == ["Odd has a condition on weather, which Kefu does not know."]
