"""An account's health: a score from 0 to 100, its band, and the reason in one sentence.

Pure: the facts come in (``HealthFacts``, gathered by a repository), the score goes out. The
score starts at 100 and each factor takes off up to its weight in ``WEIGHTS`` — the one table
the README documents:

- **cadence**: days since the last touch (or since the account was added, if never touched)
  against its cadence band: nothing within the ideal cadence, the whole weight at the maximum
  or later, in proportion between.
- **follow-ups**: ``POINTS_PER_OVERDUE_FOLLOW_UP`` for each open follow-up past its due time,
  at most the weight.
- **renewal**: an open contract (no outcome yet) whose next action — the notice deadline while
  it is to come, else the renewal date — is near or passed, with no touch in the last
  ``RECENT_TOUCH_DAYS`` days: a share of the weight by how near (``RENEWAL_STEPS``); a recent
  touch takes the whole factor away.
- **trend**: fewer touches in the last ``TREND_WINDOW_DAYS`` days than in the same span before:
  the weight times the share lost (from 6 to 2 takes two thirds of it). Fewer than
  ``TREND_MIN_PREVIOUS`` touches before is too few to call a trend.

An account the team marked ``at risk`` (its status) is at risk whatever the score says: its
score is capped just under the watch band.

Bands: ``HEALTHY_FROM`` and up is healthy, ``WATCH_FROM`` and up is watch, below is at risk.
More overdue follow-ups never raise the score, and a touch in the last 90 days never lowers
it (property tests hold the module to both).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain import ActionKind, NextAction

__all__ = [
    "HEALTHY_FROM",
    "NO_ACTIVITY",
    "WATCH_FROM",
    "WEIGHTS",
    "AccountActivity",
    "Factor",
    "Health",
    "HealthBand",
    "HealthFacts",
    "KeptBand",
    "Penalty",
    "score",
]


class Factor(enum.StrEnum):
    CADENCE = "cadence"
    FOLLOW_UPS = "follow-ups"
    RENEWAL = "renewal"
    TREND = "trend"


# The most each factor takes off the score of 100. They add up to 100.
WEIGHTS: dict[Factor, int] = {
    Factor.CADENCE: 40,
    Factor.FOLLOW_UPS: 25,
    Factor.RENEWAL: 25,
    Factor.TREND: 10,
}
POINTS_PER_OVERDUE_FOLLOW_UP = 10
RECENT_TOUCH_DAYS = 30
# Days until the next renewal action (negative: passed with no outcome) → share of its weight.
RENEWAL_STEPS: tuple[tuple[int, float], ...] = ((14, 1.0), (30, 0.6), (90, 0.25))
TREND_WINDOW_DAYS = 90
TREND_MIN_PREVIOUS = 2
HEALTHY_FROM = 70
WATCH_FROM = 40
# A cadence band's maximum when none is set: twice the ideal.
DEFAULT_MAX_FACTOR = 2

_DAY = timedelta(days=1)


class HealthBand(enum.StrEnum):
    HEALTHY = "healthy"
    WATCH = "watch"
    AT_RISK = "at_risk"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def of(cls, points: int) -> HealthBand:
        if points >= HEALTHY_FROM:
            return cls.HEALTHY
        if points >= WATCH_FROM:
            return cls.WATCH
        return cls.AT_RISK


@dataclass(frozen=True, slots=True)
class AccountActivity:
    """What a repository counts for one account at ``now``."""

    overdue_follow_ups: int = 0
    oldest_overdue_at: datetime | None = None
    touches_recent: int = 0
    touches_previous: int = 0


NO_ACTIVITY = AccountActivity()


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """What one account's score is computed from, as of ``now`` (``today`` is its date where
    the viewer is, for renewal days)."""

    now: datetime
    today: date
    created_at: datetime
    last_touch_at: datetime | None
    cadence_days: int
    max_cadence_days: int
    overdue_follow_ups: int = 0
    oldest_overdue_at: datetime | None = None  # the earliest effective due among them
    next_action: NextAction | None = None  # of the open contract with no outcome, if any
    touches_recent: int = 0  # in the last TREND_WINDOW_DAYS days
    touches_previous: int = 0  # in the TREND_WINDOW_DAYS days before those
    marked_at_risk: bool = False


@dataclass(frozen=True, slots=True)
class Penalty:
    factor: Factor
    points: int
    why: str


@dataclass(frozen=True, slots=True)
class KeptBand:
    """An account's band as last checked (``bot.services.health.check_bands``), and since
    when it has been in it."""

    account_id: int
    band: HealthBand
    score: int
    since: datetime


@dataclass(frozen=True, slots=True)
class Health:
    score: int
    band: HealthBand
    reason: str
    penalties: tuple[Penalty, ...] = ()


def score(facts: HealthFacts) -> Health:
    """The account's score, band and reason (the biggest penalties first)."""
    penalties = [
        penalty
        for penalty in (
            _cadence(facts),
            _follow_ups(facts),
            _renewal(facts),
            _trend(facts),
        )
        if penalty is not None and penalty.points > 0
    ]
    penalties.sort(key=lambda penalty: -penalty.points)
    points = max(0, 100 - sum(penalty.points for penalty in penalties))
    reasons = [penalty.why for penalty in penalties]
    if facts.marked_at_risk:
        points = min(points, WATCH_FROM - 1)
        reasons.insert(0, "marked at risk by the team")
    reason = "; ".join(reasons) if reasons else _all_well(facts)
    return Health(points, HealthBand.of(points), reason, tuple(penalties))


def max_cadence(ideal_days: int, max_days: int | None) -> int:
    """A band's maximum: the one set, else ``DEFAULT_MAX_FACTOR`` times the ideal; never below
    the ideal."""
    return max(ideal_days, max_days if max_days is not None else ideal_days * DEFAULT_MAX_FACTOR)


def _touched_since_added(facts: HealthFacts) -> bool:
    return facts.last_touch_at is not None and facts.last_touch_at >= facts.created_at


def _days_since_touch(facts: HealthFacts) -> int:
    """Days since the last touch, or since the account was added if that is later: an account
    added today with a call logged from last month has not gone cold."""
    since = max(facts.last_touch_at or facts.created_at, facts.created_at)
    return max(0, (facts.now - since) // _DAY)


def _cadence(facts: HealthFacts) -> Penalty | None:
    days = _days_since_touch(facts)
    ideal, maximum = facts.cadence_days, max(facts.max_cadence_days, facts.cadence_days)
    if days <= ideal:
        return None
    weight = WEIGHTS[Factor.CADENCE]
    if days >= maximum or maximum == ideal:
        points = weight
    else:
        points = round(weight * (days - ideal) / (maximum - ideal))
    if _touched_since_added(facts):
        why = f"no touch in {days} days against a {ideal}-day cadence"
    else:
        why = f"no touch in the {days} days since it was added, against a {ideal}-day cadence"
    return Penalty(Factor.CADENCE, points, why)


def _follow_ups(facts: HealthFacts) -> Penalty | None:
    count = facts.overdue_follow_ups
    if count <= 0:
        return None
    points = min(WEIGHTS[Factor.FOLLOW_UPS], count * POINTS_PER_OVERDUE_FOLLOW_UP)
    late = ""
    if facts.oldest_overdue_at is not None:
        days = max(0, (facts.now - facts.oldest_overdue_at) // _DAY)
        late = _count(days, "day")
        late = f" by {late}" if count == 1 else f" (the oldest by {late})"
    what = "1 follow-up" if count == 1 else f"{count} follow-ups"
    return Penalty(Factor.FOLLOW_UPS, points, f"{what} overdue{late}")


def _touched_recently(facts: HealthFacts) -> bool:
    return (
        facts.last_touch_at is not None
        and facts.now - facts.last_touch_at <= RECENT_TOUCH_DAYS * _DAY
    )


def _renewal(facts: HealthFacts) -> Penalty | None:
    action = facts.next_action
    if action is None or _touched_recently(facts):
        return None
    days_left = (action.day - facts.today).days
    share = next((share for within, share in RENEWAL_STEPS if days_left <= within), None)
    if share is None:
        return None
    points = round(WEIGHTS[Factor.RENEWAL] * share)
    what = "notice deadline" if action.kind is ActionKind.NOTICE else "renewal"
    if days_left < 0:
        when = f"{what} {_count(-days_left, 'day')} ago with no outcome recorded and"
    elif days_left == 0:
        when = f"{what} today with"
    else:
        when = f"{what} in {_count(days_left, 'day')} with"
    return Penalty(Factor.RENEWAL, points, f"{when} {_no_touch_since(facts)}")


def _no_touch_since(facts: HealthFacts) -> str:
    if facts.last_touch_at is None:
        return "no touch yet"
    touched = facts.last_touch_at.date()
    month = touched.strftime("%B")
    if touched.year != facts.today.year:
        month = f"{month} {touched.year}"
    return f"no touch since {month}"


def _trend(facts: HealthFacts) -> Penalty | None:
    before, lately = facts.touches_previous, facts.touches_recent
    if before < TREND_MIN_PREVIOUS or lately >= before:
        return None
    points = round(WEIGHTS[Factor.TREND] * (before - lately) / before)
    window = TREND_WINDOW_DAYS
    why = f"touches down from {before} to {lately} (last {window} days against the {window} before)"
    return Penalty(Factor.TREND, points, why)


def _all_well(facts: HealthFacts) -> str:
    days = _days_since_touch(facts)
    cadence = f"within its {facts.cadence_days}-day cadence"
    if not _touched_since_added(facts):
        return f"added {_ago(days)}, {cadence}"
    return f"touched {_ago(days)}, {cadence}"


def _ago(days: int) -> str:
    return "today" if days == 0 else f"{_count(days, 'day')} ago"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
