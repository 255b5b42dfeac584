"""``user_change`` events refresh the profiles the app caches: a known user's next command
reads the new zone, and asks Slack nothing (no users.info), however old our last look was."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.domain import SlackProfile
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.services.people import EPOCH
from tests.integration.conftest import Harness
from tests.scenario.conftest import NOW, TEAM, Slack


def _cached(app_db: Harness, user_id: str) -> SlackProfile | None:
    return app_db.read(TEAM, lambda uow: uow.users.cached_profile(user_id, fresh_after=EPOCH))


def test_a_changed_zone_is_cached_and_no_command_asks_slack_again(
    slack: Slack, fake_slack: FakeSlack, clock: FixedClock, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp"))  # Alice's first command: users.info once
    assert len(fake_slack.calls_to("users.info")) == 1
    assert (cached := _cached(app_db, "UALICE")) and cached.timezone == "Europe/Berlin"
    clock.advance(timedelta(days=3))  # our look at her profile is three days old
    moved = fake_slack.add_user("UALICE", "alice", real_name="Alice Adams", tz="America/New_York")
    slack.send(r.user_change(moved.as_json(TEAM, NOW)))
    assert (cached := _cached(app_db, "UALICE")) and cached.timezone == "America/New_York"
    answer = slack.answer(slack.command("follow up Acme Corp tomorrow 9am: call"))
    assert "Acme Corp" in str(answer)
    assert len(fake_slack.calls_to("users.info")) == 1  # nothing asked after the event


def test_a_deactivation_is_cached_at_once(
    slack: Slack, fake_slack: FakeSlack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp", user="UBOB"))
    gone = fake_slack.add_user("UBOB", "bob", deleted=True)
    slack.send(r.user_change(gone.as_json(TEAM, NOW)))
    assert (cached := _cached(app_db, "UBOB")) and cached.deleted


def test_someone_we_never_met_is_not_stored(
    slack: Slack, fake_slack: FakeSlack, app_db: Harness
) -> None:
    stranger = fake_slack.add_user("USTRANGER", "stranger", email="s@elsewhere.example")
    response = slack.send(r.user_change(stranger.as_json(TEAM, NOW)))
    assert response.status == 200
    assert _cached(app_db, "USTRANGER") is None
    assert [c.method for c in fake_slack.calls] == ["auth.test"]  # the app starting, no more
