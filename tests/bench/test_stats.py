"""The benchmark's latency statistics: nearest-rank percentiles, reported in milliseconds."""

from __future__ import annotations

import pytest

from bench.stats import percentile, summarize


def test_nearest_rank_percentiles_are_samples_that_happened() -> None:
    samples = [float(n) for n in range(200, 0, -1)]  # 1…200, unsorted
    assert percentile(samples, 0.50) == 100.0
    assert percentile(samples, 0.95) == 190.0
    assert percentile(samples, 0.99) == 198.0
    assert percentile(samples, 1.0) == 200.0


def test_a_small_sample_reports_its_worst_as_p99() -> None:
    assert percentile([3.0, 1.0, 2.0], 0.99) == 3.0
    assert percentile([3.0, 1.0, 2.0], 0.50) == 2.0
    assert percentile([7.0], 0.5) == 7.0


@pytest.mark.parametrize("share", [0.0, -0.5, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        percentile([1.0], share)


def test_no_samples_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_summary_is_in_milliseconds_and_counts_errors_apart() -> None:
    latency = summarize([0.010, 0.020, 0.030, 0.040], errors=2)
    assert latency.count == 4
    assert latency.errors == 2
    assert latency.p50_ms == 20.0
    assert latency.p99_ms == 40.0
    assert latency.mean_ms == 25.0
    assert latency.max_ms == 40.0
