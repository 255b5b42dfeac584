"""The pacer: turns per workspace and method by tier, chat.postMessage per channel and per
workspace, Slack's Retry-After, a turn too far away refused, one pacer for many threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.pacing import Budgets, Pacer, PacingRefused
from bot.settings import Settings, SettingsError
from tests.driven_clock import DrivenClock

WAIT = 3600.0


@pytest.fixture
def clock() -> DrivenClock:
    return DrivenClock(datetime(2027, 1, 4, 8, 0, tzinfo=UTC))


@pytest.fixture
def pacer(clock: DrivenClock) -> Pacer:
    return Pacer(timer=clock.timer, wait_until=clock.wait_until)


def _turns(
    pacer: Pacer, clock: DrivenClock, calls: list[tuple[str, str, str | None]]
) -> list[float]:
    at = []
    for workspace, method, channel in calls:
        pacer.turn(workspace, method, channel, longest_wait=WAIT)
        at.append(round(clock.timer(), 6))
    return at


def test_a_method_is_paced_by_its_tier(pacer: Pacer, clock: DrivenClock) -> None:
    assert _turns(pacer, clock, [("T1", "users.info", None)] * 3) == [0.0, 0.6, 1.2]  # Tier 4
    assert _turns(pacer, clock, [("T1", "users.list", None)] * 2) == [1.2, 4.2]  # Tier 2


def test_methods_and_workspaces_have_budgets_of_their_own(pacer: Pacer, clock: DrivenClock) -> None:
    calls = [("T1", "users.info", None), ("T2", "users.info", None), ("T1", "views.publish", None)]
    assert _turns(pacer, clock, calls) == [0.0, 0.0, 0.0]


def test_posts_wait_a_second_per_channel_and_share_a_workspace_budget(
    pacer: Pacer, clock: DrivenClock
) -> None:
    same = [("T1", "chat.postMessage", "C1")] * 2
    assert _turns(pacer, clock, same) == [0.0, 1.0]
    others = [("T1", "chat.postMessage", "U1"), ("T1", "chat.postMessage", "U2")]
    assert _turns(pacer, clock, others) == [1.6, 2.2]  # 100 a minute in the workspace


def test_retry_after_closes_the_method_in_that_workspace_only(
    pacer: Pacer, clock: DrivenClock
) -> None:
    pacer.hold_off("T1", "chat.postMessage", 30)
    assert _turns(pacer, clock, [("T2", "chat.postMessage", "C1")]) == [0.0]
    assert _turns(pacer, clock, [("T1", "users.info", None)]) == [0.0]
    assert _turns(pacer, clock, [("T1", "chat.postMessage", "C1")]) == [30.0]


def test_a_turn_further_than_the_caller_waits_is_refused_and_not_taken(
    pacer: Pacer, clock: DrivenClock
) -> None:
    pacer.hold_off("T1", "chat.postMessage", 120)
    with pytest.raises(PacingRefused) as refused:
        pacer.turn("T1", "chat.postMessage", "C1", longest_wait=20)
    assert refused.value.retry_after == 120
    assert clock.timer() == 0.0  # nothing waited
    pacer.turn("T1", "chat.postMessage", "C1", longest_wait=WAIT)
    assert clock.timer() == 120.0  # the refused call took no turn


def test_budgets_are_configurable() -> None:
    budgets = Budgets(posts_per_minute=30)
    assert budgets.method_per_minute("chat.postMessage") == 30
    assert budgets.method_per_minute("conversations.open") == 50
    assert budgets.method_per_minute("auth.test") == budgets.special_per_minute
    assert budgets.method_per_minute("no.such.method") == budgets.unknown_per_minute


def test_threads_sharing_a_pacer_never_share_a_turn(clock: DrivenClock) -> None:
    taken: list[float] = []
    lock = threading.Lock()

    def record(instant: float) -> None:
        with lock:
            taken.append(instant)
        clock.wait_until(instant)

    pacer = Pacer(timer=lambda: 0.0, wait_until=record)  # time stands still: all queue up
    threads = [
        threading.Thread(
            target=lambda: [
                pacer.turn("T1", "users.info", None, longest_wait=WAIT) for _ in range(25)
            ]
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 200 calls, the first at once (no wait recorded), then 199 distinct turns 0.6 s apart.
    assert sorted(round(t, 6) for t in taken) == [round(0.6 * n, 6) for n in range(1, 200)]


def test_pacing_is_on_unless_turned_off() -> None:
    assert Settings.from_env({}).slack_pacing is True
    assert Settings.from_env({"RAPPORT_SLACK_PACING": "off"}).slack_pacing is False
    with pytest.raises(SettingsError, match="RAPPORT_SLACK_PACING"):
        Settings.from_env({"RAPPORT_SLACK_PACING": "sometimes"})


def test_budgets_already_free_are_forgotten_not_piled_up(pacer: Pacer, clock: DrivenClock) -> None:
    for n in range(10_001):  # ten thousand channels, one post each: 100 minutes
        pacer.turn("T1", "chat.postMessage", f"U{n}", longest_wait=WAIT)
    assert len(pacer._next) < 10  # those whose second has passed are gone


def test_processes_serving_one_workspace_share_its_budgets() -> None:
    quarter = Budgets().shared_by(4)
    assert quarter.method_per_minute("chat.postMessage") == 25
    assert quarter.method_per_minute("users.info") == 25
    assert quarter.posts_per_channel_per_second == 1  # a recipient is one process's
    assert Budgets().shared_by(1) == Budgets()
