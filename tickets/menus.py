"""The teams, assignable staff and tiers that every inbox and ticket page lists in its menus.

They change rarely and are read on every page, so they are read from the database once and
then kept in the cache (shared by every web process) until one of them changes: saving or
deleting a team, a user or a tier, or changing someone's roles, forgets them at once
(`forget`, connected in TicketsConfig.ready). Menus only: deciding whether someone may own a
ticket still reads the database (selectors.assignable_agents).
"""

from dataclasses import dataclass

from django.core.cache import cache

from loyalty.models import Tier

from .models import Team
from .selectors import agent_choices, teams

CACHE_KEY = "kefu:menus"
CACHE_SECONDS = 600  # a safety net; changes forget the menus at once


@dataclass(frozen=True)
class Menus:
    teams: list[Team]  # by name
    agents: list[tuple[int, str]]  # (user id, name), by first name then username
    tiers: list[Tier]  # by rank


def menus() -> Menus:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = Menus(teams=teams(), agents=agent_choices(),
                       tiers=list(Tier.objects.order_by("rank")))
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def forget(update_fields=None, **kwargs) -> None:
    """Signal receiver: a team, user, role or tier changed (a login's timestamp is not a
    change the menus show)."""
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    cache.delete(CACHE_KEY)
