"""Pacing outgoing Web API calls within Slack's rate limits: per workspace, per method.

Slack limits every method per workspace (per app) by its tier — Tier 1 1+/min, Tier 2 20+,
Tier 3 50+, Tier 4 100+ — and ``chat.postMessage`` to about one message a second per channel
plus a workspace-wide budget; over a limit it answers 429 with ``Retry-After``. A ``Pacer``
hands out turns: a call waits (on the injected clock) until every budget it draws on has a
turn free, and a 429's ``Retry-After`` closes that workspace's method until then.

One pacer serves every thread of a process (``shared_pacer``): the Bolt listeners' calls and
the nudge pass's posts draw on the same budgets. A turn further away than the caller's
``longest_wait`` is not waited for: ``PacingRefused`` says when to come back, as a 429 would,
and nothing is reserved — so a caller never holds a nudge lease past its end while it waits
(the nudge client waits at most a sixth of a lease; the pass renews a lease with less than
half of it left). Waiting happens where Slack is called, which is never inside a transaction.

Turns are spaced evenly (no bursts): ``per_minute`` calls a minute is one turn every
``60 / per_minute`` seconds, which keeps within a limit however Slack counts its window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType

# The method facts (bot/slackapi/methods.json, from Slack's docs): the pacer reads only the
# documented tier of each method.
from bot.slackapi import RateTier, method_tier

POST_MESSAGE = "chat.postMessage"
_FORGET_ABOVE = 10_000  # budgets remembered before those already free are dropped

_TIERS: Mapping[RateTier, float] = MappingProxyType(
    {RateTier.TIER_1: 1.0, RateTier.TIER_2: 20.0, RateTier.TIER_3: 50.0, RateTier.TIER_4: 100.0}
)


@dataclass(frozen=True, slots=True)
class Budgets:
    """Calls a minute per workspace: by tier; for Special-tier methods and undocumented ones;
    and chat.postMessage's own (a workspace budget, and a pace per channel)."""

    per_minute: Mapping[RateTier, float] = field(default_factory=lambda: _TIERS)
    special_per_minute: float = 20.0  # auth.test, chat.getPermalink …: as cautious as Tier 2
    unknown_per_minute: float = 20.0
    # Slack publishes no figure for chat.postMessage's workspace limit: Tier 4's, 1,000
    # digests in 10 minutes.
    posts_per_minute: float = 100.0
    posts_per_channel_per_second: float = 1.0

    def shared_by(self, processes: int) -> Budgets:
        """Each process's part when ``processes`` pace themselves against one workspace's
        limits (gunicorn's workers each run the app and a scheduler). A channel's pace is
        not divided: one recipient's digest is sent by one process."""
        if processes <= 1:
            return self
        return replace(
            self,
            per_minute=MappingProxyType({t: n / processes for t, n in self.per_minute.items()}),
            special_per_minute=self.special_per_minute / processes,
            unknown_per_minute=self.unknown_per_minute / processes,
            posts_per_minute=self.posts_per_minute / processes,
        )

    def method_per_minute(self, method: str) -> float:
        if method == POST_MESSAGE:
            return self.posts_per_minute
        tier = method_tier(method)
        if tier is None:
            return self.unknown_per_minute
        if tier is RateTier.SPECIAL:
            return self.special_per_minute
        return self.per_minute.get(tier, self.unknown_per_minute)


class PacingRefused(Exception):
    """The next turn is further away than the caller would wait: come back in
    ``retry_after`` seconds (nothing was reserved)."""

    def __init__(self, method: str, retry_after: float) -> None:
        super().__init__(f"{method}: next turn in {retry_after:.1f} s")
        self.method = method
        self.retry_after = retry_after


Timer = Callable[[], float]
WaitUntil = Callable[[float], None]


def _sleep_until(timer: Timer) -> WaitUntil:
    def wait_until(instant: float) -> None:
        while (left := instant - timer()) > 0:
            time.sleep(left)

    return wait_until


class Pacer:
    """Turns for Web API calls, shared by the threads of a process.

    ``timer``: seconds on a monotonic clock; ``wait_until(t)`` returns once ``timer()``
    reads at least ``t`` (tests pass a clock they drive: nothing really sleeps)."""

    def __init__(
        self,
        budgets: Budgets | None = None,
        *,
        timer: Timer = time.monotonic,
        wait_until: WaitUntil | None = None,
    ) -> None:
        self.budgets = budgets or Budgets()
        self._timer = timer
        self._wait_until = wait_until or _sleep_until(timer)
        self._next: dict[tuple[str, ...], float] = {}
        self._closed: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def turn(
        self, workspace: str, method: str, channel: str | None = None, *, longest_wait: float
    ) -> float:
        """Wait for this call's turn and take it; the seconds waited. ``PacingRefused`` when
        the turn is more than ``longest_wait`` seconds away."""
        spacing = self._spacing(workspace, method, channel)
        with self._lock:
            now = self._timer()
            at = max(
                [now, self._closed.get((workspace, method), now)]
                + [self._next.get(key, now) for key, _ in spacing]
            )
            if at - now > longest_wait:
                raise PacingRefused(method, at - now)
            if len(self._next) > _FORGET_ABOVE:
                self._forget_before(now)
            for key, seconds in spacing:
                self._next[key] = at + seconds
        if at > now:
            self._wait_until(at)
        return at - now

    def hold_off(self, workspace: str, method: str, seconds: float) -> None:
        """Slack answered 429: no call of ``method`` in ``workspace`` for ``seconds``."""
        with self._lock:
            until = self._timer() + max(seconds, 0.0)
            key = (workspace, method)
            self._closed[key] = max(self._closed.get(key, until), until)

    def _forget_before(self, now: float) -> None:
        """Drop the budgets whose next turn is past (lock held): one per channel posted to
        would otherwise pile up for as long as the process runs."""
        self._next = {key: at for key, at in self._next.items() if at > now}
        self._closed = {key: until for key, until in self._closed.items() if until > now}

    def _spacing(
        self, workspace: str, method: str, channel: str | None
    ) -> list[tuple[tuple[str, ...], float]]:
        """The budgets a call draws on, each with the seconds between two of its turns."""
        spacing: list[tuple[tuple[str, ...], float]] = [
            ((workspace, method), 60.0 / self.budgets.method_per_minute(method))
        ]
        if method == POST_MESSAGE and channel:
            per_second = self.budgets.posts_per_channel_per_second
            spacing.append(((workspace, method, channel), 1.0 / per_second))
        return spacing


@cache
def shared_pacer(processes: int = 1) -> Pacer:
    """The process's pacer on the real clock, made on first use (nothing at import), with
    its part of the budgets when ``processes`` of them serve one workspace."""
    return Pacer(Budgets().shared_by(processes))
