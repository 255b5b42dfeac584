"""The health score: each factor alone and combined, the band boundaries, the reason sentence,
and two properties (more overdue never raises the score; a touch never lowers it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain import ActionKind, NextAction
from bot.health import (
    HEALTHY_FROM,
    WATCH_FROM,
    WEIGHTS,
    Factor,
    HealthBand,
    HealthFacts,
    max_cadence,
    score,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def facts(**changes: object) -> HealthFacts:
    """A customer on a 30-day cadence (maximum 60), touched 3 days ago, nothing due."""
    base = HealthFacts(
        now=NOW,
        today=TODAY,
        created_at=days_ago(400),
        last_touch_at=days_ago(3),
        cadence_days=30,
        max_cadence_days=60,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def renewal_in(days: int, kind: ActionKind = ActionKind.RENEWAL) -> NextAction:
    return NextAction(TODAY + timedelta(days=days), kind)


def test_the_weights_add_up_to_100() -> None:
    assert sum(WEIGHTS.values()) == 100


def test_an_account_with_nothing_wrong_is_healthy_and_says_why() -> None:
    health = score(facts())
    assert (health.score, health.band) == (100, HealthBand.HEALTHY)
    assert health.reason == "touched 3 days ago, within its 30-day cadence"
    assert health.penalties == ()


@pytest.mark.parametrize(
    ("days_since", "points_off"),
    [
        (30, 0),  # on the ideal cadence: nothing
        (31, 1),  # a day past: 40 * 1/30
        (45, 20),  # half-way to the maximum: half the weight
        (60, 40),  # at the maximum: the whole weight
        (200, 40),  # long past it: still the whole weight
    ],
)
def test_cadence_alone(days_since: int, points_off: int) -> None:
    health = score(facts(last_touch_at=days_ago(days_since)))
    assert health.score == 100 - points_off
    if points_off:
        assert health.reason == f"no touch in {days_since} days against a 30-day cadence"


def test_cadence_of_an_account_never_touched_counts_from_when_it_was_added() -> None:
    health = score(facts(last_touch_at=None, created_at=days_ago(74)))
    assert health.score == 60
    assert health.reason == "no touch in the 74 days since it was added, against a 30-day cadence"


def test_a_band_whose_maximum_is_its_ideal_takes_the_whole_weight_a_day_past_it() -> None:
    assert score(facts(last_touch_at=days_ago(31), max_cadence_days=30)).score == 60


@pytest.mark.parametrize(("overdue", "points_off"), [(0, 0), (1, 10), (2, 20), (3, 25), (9, 25)])
def test_overdue_follow_ups_alone(overdue: int, points_off: int) -> None:
    health = score(facts(overdue_follow_ups=overdue, oldest_overdue_at=days_ago(9)))
    assert health.score == 100 - points_off


def test_overdue_follow_ups_are_counted_in_the_reason() -> None:
    one = score(facts(overdue_follow_ups=1, oldest_overdue_at=days_ago(9)))
    assert one.reason == "1 follow-up overdue by 9 days"
    two = score(facts(overdue_follow_ups=2, oldest_overdue_at=days_ago(1)))
    assert two.reason == "2 follow-ups overdue (the oldest by 1 day)"


@pytest.mark.parametrize(
    ("days_left", "points_off"),
    [
        (-5, 25),  # the renewal date passed with no outcome
        (0, 25),
        (14, 25),
        (15, 15),
        (30, 15),
        (31, 6),
        (90, 6),
        (91, 0),  # too far to matter yet
    ],
)
def test_renewal_proximity_without_a_recent_touch(days_left: int, points_off: int) -> None:
    untouched = facts(last_touch_at=days_ago(31), max_cadence_days=10_000, cadence_days=60)
    health = score(replace(untouched, next_action=renewal_in(days_left)))
    assert health.score == 100 - points_off


def test_a_touch_in_the_last_30_days_takes_the_renewal_factor_away() -> None:
    touched = facts(last_touch_at=days_ago(30), next_action=renewal_in(3))
    assert score(touched).score == 100
    untouched = facts(last_touch_at=days_ago(31), next_action=renewal_in(3), cadence_days=60)
    assert score(untouched).score == 75


def test_the_renewal_reason_names_the_date_kind_and_the_last_touch_month() -> None:
    health = score(
        facts(
            last_touch_at=datetime(2026, 5, 12, tzinfo=UTC),
            cadence_days=365,
            max_cadence_days=730,
            next_action=renewal_in(21),
        )
    )
    assert health.reason == "renewal in 21 days with no touch since May"
    notice = score(
        facts(last_touch_at=None, cadence_days=999, next_action=renewal_in(1, ActionKind.NOTICE))
    )
    assert notice.reason == "notice deadline in 1 day with no touch yet"
    late = score(
        facts(
            last_touch_at=datetime(2025, 11, 2, tzinfo=UTC),
            cadence_days=999,
            next_action=renewal_in(-3),
        )
    )
    assert (
        late.reason
        == "renewal 3 days ago with no outcome recorded and no touch since November 2025"
    )


@pytest.mark.parametrize(
    ("previous", "recent", "points_off"),
    [
        (6, 2, 7),  # two thirds of the weight, rounded
        (6, 6, 0),
        (6, 9, 0),  # up is not a penalty
        (1, 0, 0),  # one touch before is too few to call a trend
        (2, 0, 10),
    ],
)
def test_touch_trend_alone(previous: int, recent: int, points_off: int) -> None:
    health = score(facts(touches_previous=previous, touches_recent=recent))
    assert health.score == 100 - points_off


def test_the_trend_reason() -> None:
    health = score(facts(touches_previous=6, touches_recent=2))
    assert health.reason == "touches down from 6 to 2 (last 90 days against the 90 before)"


def test_the_factors_add_up_and_the_reason_puts_the_biggest_first() -> None:
    health = score(
        facts(
            last_touch_at=datetime(2026, 9, 18, tzinfo=UTC),  # 74 days: past the 60-day maximum
            next_action=renewal_in(21),
            overdue_follow_ups=1,
            oldest_overdue_at=days_ago(2),
            touches_previous=4,
            touches_recent=1,
        )
    )
    assert [p.factor for p in health.penalties] == [
        Factor.CADENCE,
        Factor.RENEWAL,
        Factor.FOLLOW_UPS,
        Factor.TREND,
    ]
    assert health.score == 100 - 40 - 15 - 10 - 8 == 27
    assert health.band is HealthBand.AT_RISK
    assert health.reason == (
        "no touch in 74 days against a 30-day cadence; "
        "renewal in 21 days with no touch since September; "
        "1 follow-up overdue by 2 days; "
        "touches down from 4 to 1 (last 90 days against the 90 before)"
    )


def test_the_score_never_goes_below_zero() -> None:
    worst = facts(
        last_touch_at=days_ago(999),
        next_action=renewal_in(-1),
        overdue_follow_ups=50,
        touches_previous=10,
        touches_recent=0,
    )
    assert score(worst).score == 0


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (100, HealthBand.HEALTHY),
        (HEALTHY_FROM, HealthBand.HEALTHY),
        (HEALTHY_FROM - 1, HealthBand.WATCH),
        (WATCH_FROM, HealthBand.WATCH),
        (WATCH_FROM - 1, HealthBand.AT_RISK),
        (0, HealthBand.AT_RISK),
    ],
)
def test_band_boundaries(points: int, band: HealthBand) -> None:
    assert HealthBand.of(points) is band


@pytest.mark.parametrize(
    ("days_since", "band"),
    [
        (32, HealthBand.HEALTHY),  # 75 - 4 = 71
        (33, HealthBand.WATCH),  # 75 - 6 = 69
        (47, HealthBand.WATCH),  # 75 - 34 = 41
        (48, HealthBand.AT_RISK),  # 75 - 36 = 39
    ],
)
def test_band_boundaries_reached_through_the_factors(days_since: int, band: HealthBand) -> None:
    """Three overdue follow-ups take 25; a cadence of 30 with a maximum of 50 takes 2 a day."""
    health = score(
        facts(
            last_touch_at=days_ago(days_since),
            overdue_follow_ups=3,
            oldest_overdue_at=days_ago(1),
            max_cadence_days=50,
        )
    )
    assert health.band is band, health


def test_marked_at_risk_is_at_risk_whatever_the_score() -> None:
    health = score(facts(marked_at_risk=True))
    assert health.score == WATCH_FROM - 1
    assert health.band is HealthBand.AT_RISK
    assert health.reason == "marked at risk by the team"


def test_a_cadence_band_without_a_maximum_stretches_to_twice_the_ideal() -> None:
    assert max_cadence(30, None) == 60
    assert max_cadence(30, 45) == 45
    assert max_cadence(30, 10) == 30  # never below the ideal


# ---- properties ----

any_facts = st.builds(
    HealthFacts,
    now=st.just(NOW),
    today=st.just(TODAY),
    created_at=st.integers(0, 2000).map(days_ago),
    last_touch_at=st.one_of(st.none(), st.integers(0, 2000).map(days_ago)),
    cadence_days=st.integers(1, 400),
    max_cadence_days=st.integers(1, 800),
    overdue_follow_ups=st.integers(0, 20),
    oldest_overdue_at=st.one_of(st.none(), st.integers(0, 100).map(days_ago)),
    next_action=st.one_of(
        st.none(),
        st.builds(
            NextAction,
            st.integers(-60, 400).map(lambda d: TODAY + timedelta(days=d)),
            st.sampled_from(ActionKind),
        ),
    ),
    touches_recent=st.integers(0, 30),
    touches_previous=st.integers(0, 30),
    marked_at_risk=st.booleans(),
)


@given(any_facts, st.integers(1, 10))
def test_more_overdue_never_raises_the_score(base: HealthFacts, more: int) -> None:
    worse = replace(base, overdue_follow_ups=base.overdue_follow_ups + more)
    assert score(worse).score <= score(base).score


@given(any_facts, st.floats(0, 89.9))
@example(  # added yesterday, and a call logged from 80 days ago: it has not gone cold
    facts(created_at=days_ago(1), last_touch_at=None, cadence_days=14, max_cadence_days=28), 80
)
def test_a_touch_in_the_last_90_days_never_lowers_the_score(base: HealthFacts, ago: float) -> None:
    touched_at = days_ago(ago)
    latest = base.last_touch_at
    touched = replace(
        base,
        last_touch_at=touched_at if latest is None else max(latest, touched_at),
        touches_recent=base.touches_recent + 1,
    )
    assert score(touched).score >= score(base).score


@given(any_facts)
def test_every_score_is_within_0_and_100_with_a_reason(facts_: HealthFacts) -> None:
    health = score(facts_)
    assert 0 <= health.score <= 100
    assert health.band is HealthBand.of(health.score)
    assert health.reason
