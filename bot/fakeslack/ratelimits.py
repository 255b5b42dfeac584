"""Slack's Web API rate limits, as the fake enforces them when asked (off by default).

Per workspace (a bot token stands for one) and per method, by the method's documented tier
(`bot.slackapi.method_tier`): Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4 100/min. And
`chat.postMessage` (Special tier): one message a second per channel, plus a workspace budget.
Each budget is a token bucket on the fake's timer: `burst` calls at once, refilled at the
budget's rate. A call over a budget is answered as Slack does — HTTP 429, `Retry-After:
<seconds>` (rounded up), `{"ok": false, "error": "ratelimited"}` — and takes nothing from any
budget. Special-tier methods other than `chat.postMessage` and undocumented ones are not limited.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.slackapi import RateTier, method_tier

POST_MESSAGE = "chat.postMessage"
# A bucket refilled to within this of a whole call counts as full: turns spaced exactly by
# the budget must not fail on a rounding error.
_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class RateLimits:
    """What the fake enforces. Calls a minute per tier, `chat.postMessage`'s workspace budget
    and its pace per channel, and how many calls a full bucket lets through at once."""

    per_minute: Mapping[RateTier, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                RateTier.TIER_1: 1.0,
                RateTier.TIER_2: 20.0,
                RateTier.TIER_3: 50.0,
                RateTier.TIER_4: 100.0,
            }
        )
    )
    posts_per_minute: float = 100.0
    posts_per_channel_per_second: float = 1.0
    burst: float = 1.0


@dataclass(slots=True)
class _Bucket:
    per_second: float
    capacity: float
    tokens: float
    last: float

    def refill(self, now: float) -> None:
        elapsed = max(now - self.last, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.last = max(now, self.last)

    def wait(self) -> float:
        """Seconds until this bucket holds a whole call again (0 if it does now)."""
        missing = 1.0 - self.tokens
        return 0.0 if missing <= _EPSILON else missing / self.per_second


class RateLimiter:
    """The buckets of every workspace and method; call `take` with the fake's lock held."""

    def __init__(self, limits: RateLimits, timer: Callable[[], float]) -> None:
        self.limits = limits
        self._timer = timer
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def take(self, workspace: str, method: str, channel: str | None) -> int | None:
        """None if the call is within every budget it draws on (and is counted in them);
        else the `Retry-After` seconds to answer with."""
        now = self._timer()
        buckets = [
            self._bucket(key, per_second, now)
            for key, per_second in self._budgets(workspace, method, channel)
        ]
        for bucket in buckets:
            bucket.refill(now)
        wait = max((bucket.wait() for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None

    def _budgets(
        self, workspace: str, method: str, channel: str | None
    ) -> list[tuple[tuple[str, ...], float]]:
        if method == POST_MESSAGE:
            budgets: list[tuple[tuple[str, ...], float]] = [
                ((workspace, method), self.limits.posts_per_minute / 60.0)
            ]
            if channel:
                per_channel = self.limits.posts_per_channel_per_second
                budgets.append(((workspace, method, channel), per_channel))
            return budgets
        tier = method_tier(method)
        per_minute = self.limits.per_minute.get(tier) if tier is not None else None
        return [((workspace, method), per_minute / 60.0)] if per_minute else []

    def _bucket(self, key: tuple[str, ...], per_second: float, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            capacity = self.limits.burst
            bucket = self._buckets[key] = _Bucket(per_second, capacity, capacity, now)
        return bucket
