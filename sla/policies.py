"""Which SLA policy a ticket is measured under: the first active policy, in order, whose
conditions the ticket meets."""

from collections.abc import Sequence

from tickets.models import Ticket

from .models import SLAPolicy


def active_policies() -> list[SLAPolicy]:
    """Active policies in order, with what `SLAPolicy.matches` and targets need."""
    return list(
        SLAPolicy.objects.active().in_order()
        .select_related("calendar")
        .prefetch_related("tiers", "teams", "targets")
    )


def choose_policy(ticket: Ticket, *, policies: Sequence[SLAPolicy],
                  tier_id: int | None) -> SLAPolicy | None:
    for policy in policies:
        if policy.matches(priority=ticket.priority, category=ticket.category,
                          channel=ticket.channel, tier_id=tier_id, team_id=ticket.team_id):
            return policy
    return None
