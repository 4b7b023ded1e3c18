"""Admin configuration of tiers."""

from django.db import transaction
from django.forms.models import model_to_dict

from helpdesk import audit

from ..models import Tier

# Changing any of these can move customers between tiers.
RULE_FIELDS = {"rank", "min_orders", "min_spend", "qualify_by", "window_months", "downgrade",
               "grace_days"}


def _snapshot(tier: Tier) -> dict:
    return {key: str(value) if value is not None else None
            for key, value in model_to_dict(tier).items()}


@transaction.atomic
def save_tier(*, tier: Tier, changed: list[str], by) -> bool:
    """Save an admin's changes to a tier (new or existing), audited. When the rules changed,
    every membership is recomputed after commit. Returns whether it was."""
    before = _snapshot(Tier.objects.get(pk=tier.pk)) if tier.pk else {}
    created = tier.pk is None
    tier.save()
    audit.record(actor=by, action="loyalty.tier_created" if created else "loyalty.tier_changed",
                 target=tier, before=before, after=_snapshot(tier))
    if created or RULE_FIELDS & set(changed):
        from ..tasks import enqueue_recompute_all

        enqueue_recompute_all()
        return True
    return False
