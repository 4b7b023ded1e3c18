"""Who has a ticket open, and who is typing a reply: short-lived entries in the shared cache
(Redis in production), refreshed by each open workspace's heartbeat.

Presence is advisory: two heartbeats racing may drop one entry until that agent's next beat.
"""

import time

from django.core.cache import cache

VIEWING_TTL = 30  # seconds without a heartbeat before an agent no longer counts as viewing
TYPING_TTL = 8  # seconds after the last keystroke


def _key(ticket_id: int) -> str:
    return f"kefu:presence:ticket:{ticket_id}"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def beat(*, ticket_id: int, user, typing: bool = False, now: float | None = None) -> None:
    """The agent has the ticket open (and is typing, if `typing`)."""
    now = time.time() if now is None else now
    entries = _fresh(cache.get(_key(ticket_id)) or {}, now)
    previous = entries.get(str(user.pk), {})
    entries[str(user.pk)] = {
        "name": _name(user),
        "seen": now,
        "typing": now if typing else previous.get("typing", 0),
    }
    cache.set(_key(ticket_id), entries, VIEWING_TTL * 2)


def leave(*, ticket_id: int, user) -> None:
    entries = cache.get(_key(ticket_id)) or {}
    if entries.pop(str(user.pk), None) is not None:
        cache.set(_key(ticket_id), entries, VIEWING_TTL * 2)


def others(*, ticket_id: int, user, now: float | None = None) -> list[dict]:
    """The other agents on this ticket: [{"name", "typing"}], typing ones first."""
    now = time.time() if now is None else now
    entries = _fresh(cache.get(_key(ticket_id)) or {}, now)
    result = [
        {"name": entry["name"], "typing": now - entry.get("typing", 0) <= TYPING_TTL}
        for user_id, entry in entries.items() if user_id != str(user.pk)
    ]
    return sorted(result, key=lambda e: (not e["typing"], e["name"]))


def _fresh(entries: dict, now: float) -> dict:
    return {k: v for k, v in entries.items() if now - v.get("seen", 0) <= VIEWING_TTL}
