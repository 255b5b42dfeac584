"""Latency statistics: nearest-rank percentiles over the measured seconds of one workload."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample that at least ``share`` of all samples
    are less than or equal to (p99 of 200 samples is the 198th smallest). No interpolation, so
    every figure reported is a latency that really happened."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(samples)
    rank = math.ceil(share * len(ordered))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    """One workload's figures, in milliseconds; ``errors`` counts answers that were not a
    200 with a real reply (they are not in the percentiles)."""

    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def summarize(seconds: Sequence[float], errors: int = 0) -> Latency:
    """Percentiles of ``seconds`` (each one request's time), as milliseconds."""
    ms = [s * 1000 for s in seconds]
    return Latency(
        count=len(ms),
        errors=errors,
        p50_ms=round(percentile(ms, 0.50), 2),
        p95_ms=round(percentile(ms, 0.95), 2),
        p99_ms=round(percentile(ms, 0.99), 2),
        mean_ms=round(sum(ms) / len(ms), 2),
        max_ms=round(max(ms), 2),
    )
