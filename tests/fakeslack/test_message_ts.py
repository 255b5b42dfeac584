"""Message timestamps are the clock's time, as Slack stamps them, and never repeat.

The console runs a new fake Slack each time it starts, on the same database: a nudge
message stored by the first run must not share its ts with a message of the second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient

from bot.fakeslack import FakeSlack, Workspace

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _post_twice(workspace: Workspace, at: datetime) -> list[str]:
    with FakeSlack(workspace, clock=lambda: at) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        return [client.chat_postMessage(channel="C0001", text=t)["ts"] for t in ("a", "b")]


def test_a_message_is_stamped_with_the_clocks_time(workspace: Workspace) -> None:
    first, second = _post_twice(workspace, START)
    assert first == f"{int(START.timestamp())}.000000"
    assert float(second) > float(first)


def test_a_fake_started_later_repeats_no_ts_of_an_earlier_one(workspace: Workspace) -> None:
    earlier = _post_twice(workspace, START)
    later = _post_twice(workspace, START + timedelta(minutes=1))
    assert not set(earlier) & set(later)
    assert min(map(float, later)) > max(map(float, earlier))


def test_a_clock_that_stands_still_or_goes_back_still_gives_new_ts(workspace: Workspace) -> None:
    times = iter([START, START, START - timedelta(hours=1)])
    with FakeSlack(workspace, clock=lambda: next(times, START)) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        stamps = [client.chat_postMessage(channel="C0001", text="x")["ts"] for _ in range(3)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 3
