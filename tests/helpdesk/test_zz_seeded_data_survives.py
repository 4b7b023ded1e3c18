"""Runs after the transactional tests: the data migrations' rows must still be there."""

import pytest
from django.contrib.auth.models import Group

from loyalty.models import Tier


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_roles_and_tiers_survive_transactional_tests():
    assert Group.objects.filter(name__in=["agent", "manager", "admin"]).count() == 3
    assert list(Tier.objects.values_list("name", flat=True)) == ["Bronze", "Silver", "Gold"]
