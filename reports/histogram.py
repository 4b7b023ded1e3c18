"""Durations as histograms: the rollup keeps, per group, how many first responses and
resolutions fell into each step of a fixed ladder, so percentiles over any period and
group are sums of a few rows instead of a sort of every ticket.

A percentile is read as the upper edge of the step that holds the nearest-rank value
(like ``percentile_disc``, rounded up to the ladder): "90% were answered within 2 h".
A value exactly on an edge is reported exactly. Steps are round durations a manager
reads at a glance and include the seed targets (15 min, 2 h, 24 h).
"""

import math
from collections.abc import Sequence

MINUTE = 60

# Upper edges of the steps, in seconds; a last, open step holds anything longer.
EDGES: tuple[int, ...] = tuple(m * MINUTE for m in (
    1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440,
    2160, 2880, 4320, 7200, 10080, 20160, 43200,
))
BUCKETS = len(EDGES) + 1


def bucket_of(seconds: float) -> int:
    """The step a duration falls in: the first edge it does not exceed."""
    for index, edge in enumerate(EDGES):
        if seconds <= edge:
            return index
    return len(EDGES)


def percentile(counts: Sequence[int], fraction: float) -> int | None:
    """The nearest-rank percentile of a histogram, as the upper edge of its step in
    seconds; None for an empty histogram. Beyond the last edge it answers the last edge
    (shown as "more than")."""
    total = sum(counts)
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return EDGES[min(index, len(EDGES) - 1)]
    return EDGES[-1]


def is_open_ended(seconds: int | None, counts: Sequence[int], fraction: float) -> bool:
    """True when the percentile lies in the open last step (longer than the last edge)."""
    total = sum(counts)
    if not total or seconds is None:
        return False
    rank = max(1, math.ceil(fraction * total))
    return sum(counts[:-1]) < rank
