"""Which SLA policy a ticket is measured under: the first active policy, in order, whose
conditions the ticket meets."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from helpdesk.config_validation import policy_match_problems
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


# --- Checking a configuration before it is saved (the admin's forms) ------------------

# What a ticket without a tier or without a team has on those dimensions.
NO_VALUE = ""


@dataclass(frozen=True)
class PolicyRule:
    """A policy as the matching sees it: its place in the order and its conditions, as
    plain data (so a form can check values that are not saved yet)."""

    name: str
    position: int
    pk: int | None
    is_active: bool
    conditions: dict[str, list[str]]

    @property
    def order(self) -> tuple[int, float]:
        return self.position, self.pk if self.pk is not None else float("inf")


def conditions(*, priorities=(), categories=(), channels=(), tiers=(), teams=()
               ) -> dict[str, list[str]]:
    """A policy's conditions by dimension; tiers and teams as ids (or rows)."""
    return {"priority": [str(v) for v in priorities],
            "category": [str(v) for v in categories],
            "channel": [str(v) for v in channels],
            "tier": [str(getattr(t, "pk", t)) for t in tiers],
            "team": [str(getattr(t, "pk", t)) for t in teams]}


def match_choices() -> dict[str, list[str]]:
    """Every value a ticket can have on each dimension a policy can require."""
    from loyalty.models import Tier
    from tickets.models import Category, Channel, Priority, Team

    return {"priority": list(Priority.values), "category": list(Category.values),
            "channel": list(Channel.values),
            "tier": [NO_VALUE, *(str(pk) for pk in Tier.objects.values_list("pk", flat=True))],
            "team": [NO_VALUE, *(str(pk) for pk in Team.objects.values_list("pk", flat=True))]}


def saved_rules(*, exclude: Iterable[int] = ()) -> list[PolicyRule]:
    """The saved policies as rules (except those being edited)."""
    policies = SLAPolicy.objects.exclude(pk__in=list(exclude)).prefetch_related("tiers",
                                                                                 "teams")
    return [PolicyRule(name=p.name, position=p.position, pk=p.pk, is_active=p.is_active,
                       conditions=conditions(priorities=p.priorities, categories=p.categories,
                                             channels=p.channels, tiers=p.tiers.all(),
                                             teams=p.teams.all()))
            for p in policies]


def _earlier(rule: PolicyRule, rules: Iterable[PolicyRule]) -> list[tuple[str, dict]]:
    return [(r.name, r.conditions) for r in sorted(rules, key=lambda r: r.order)
            if r.is_active and r is not rule and r.order < rule.order]


def rule_problems(edited: PolicyRule, others: Sequence[PolicyRule],
                  choices: dict[str, list[str]] | None = None) -> list[str]:
    """Why saving ``edited`` (among ``others``, the other policies as they will be) would
    leave a policy that can never match a ticket: ``edited`` itself (a value that does not
    exist, or an earlier policy that already takes all its tickets), or a later policy that
    ``edited`` would take every ticket from. Problems that exist without the edit are not
    reported."""
    choices = choices if choices is not None else match_choices()
    earlier = _earlier(edited, others) if edited.is_active else []
    problems = policy_match_problems(edited.name, edited.conditions, choices, earlier)
    if not edited.is_active:
        return problems
    for later in sorted(others, key=lambda r: r.order):
        if not later.is_active or later.order < edited.order:
            continue
        before = _earlier(later, others)
        if policy_match_problems(later.name, later.conditions, choices, before):
            continue  # already unreachable without this edit
        problems += policy_match_problems(later.name, later.conditions, choices,
                                          _earlier(later, [*others, edited]))
    return problems
