"""Percentiles from the reporting scale: nearest rank, rounded up to the step's edge."""

from reports.histogram import BUCKETS, EDGES, bucket_of, is_open_ended, percentile

MIN = 60


def histogram(*minutes: float) -> list[int]:
    counts = [0] * BUCKETS
    for value in minutes:
        counts[bucket_of(value * MIN)] += 1
    return counts


def test_a_value_on_an_edge_falls_in_the_step_it_ends():
    assert bucket_of(0) == 0
    assert bucket_of(60) == 0
    assert bucket_of(61) == 1
    assert bucket_of(15 * MIN) == EDGES.index(15 * MIN)
    assert bucket_of(EDGES[-1] + 1) == BUCKETS - 1


def test_values_on_edges_give_exact_percentiles():
    counts = histogram(5, 10, 45, 60)
    assert percentile(counts, 0.5) == 10 * MIN      # nearest rank 2 of 4
    assert percentile(counts, 0.9) == 60 * MIN      # rank 4
    assert percentile(histogram(30), 0.5) == 30 * MIN


def test_values_between_edges_are_rounded_up_to_the_next_step():
    assert percentile(histogram(11, 12, 13), 0.5) == 15 * MIN
    assert percentile(histogram(61), 0.9) == 90 * MIN


def test_an_empty_histogram_has_no_percentile():
    assert percentile([0] * BUCKETS, 0.5) is None


def test_a_percentile_beyond_the_last_edge_is_open_ended():
    counts = histogram(10, 60 * 24 * 40)
    assert percentile(counts, 0.9) == EDGES[-1]
    assert is_open_ended(EDGES[-1], counts, 0.9)
    assert not is_open_ended(10 * MIN, counts, 0.5)
