"""The weekly team report through the real app and the fake Slack: an admin sets its channel,
day and time; scheduler passes post it there once a week at that local time (09:00 in Berlin
before and after the change to summer time), its chart uploaded with Slack's current flow and
shown by file id in the report's image block; a second pass that week posts nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.fakeslack import requests as r
from bot.fakeslack.records import StoredMessage
from bot.settings import Settings
from tests.scenario.conftest import Slack

LEADS = "C0LEADS"


def _pass(clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]) -> None:
    create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    ).run([r.TEAM], clock.now())


def _at(clock: FixedClock, moment: str) -> None:
    clock.current = datetime.fromisoformat(moment).astimezone(UTC)


def _reports(slack: Slack) -> list[StoredMessage]:
    return [m for m in slack.fake.messages(LEADS) if "Team report" in (m.text or "")]


def _image_file_ids(message: StoredMessage) -> list[str]:
    return [b["slack_file"]["id"] for b in message.blocks or [] if b.get("type") == "image"]


def test_the_report_lands_once_a_week_at_its_local_time_with_its_chart(
    slack: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    slack.fake.add_channel(LEADS, "team-leads")
    for line in ("add Acme Corp", "contract Acme Corp: 24000 EUR renews 2027-04-15"):
        slack.answer(slack.command(line))
    answer = slack.answer(
        slack.command(
            f"settings workspace report <#{LEADS}|team-leads> monday 09:00", user="UADMIN"
        )
    )
    assert "every Monday at 09:00 (Europe/Berlin)" in answer["text"]

    _at(clock, "2027-03-22T08:59:00+01:00")  # Monday, a minute early (winter time)
    _pass(clock, client, sessions)
    assert _reports(slack) == []
    _at(clock, "2027-03-22T09:00:00+01:00")
    _pass(clock, client, sessions)
    [first] = _reports(slack)
    [file_id] = _image_file_ids(first)
    [uploaded] = [f for f in slack.fake.uploaded_files() if f.id == file_id]
    assert uploaded.completed and uploaded.content is not None
    with Image.open(io.BytesIO(uploaded.content)) as image:
        assert image.format == "PNG" and image.size[0] >= 600
    assert "Acme Corp" in (first.text or "")
    assert slack.fake.calls_to("files.upload") == []  # never the retired method

    _at(clock, "2027-03-22T15:00:00+01:00")  # later that Monday: once a week
    _pass(clock, client, sessions)
    assert len(_reports(slack)) == 1

    _at(clock, "2027-03-29T08:59:00+02:00")  # next Monday, summer time: 06:59 UTC
    _pass(clock, client, sessions)
    assert len(_reports(slack)) == 1
    _at(clock, "2027-03-29T09:00:00+02:00")  # 07:00 UTC: 09:00 stays 09:00
    _pass(clock, client, sessions)
    assert len(_reports(slack)) == 2

    _at(clock, "2027-03-30T09:00:00+02:00")  # Tuesday: nothing more
    _pass(clock, client, sessions)
    assert len(_reports(slack)) == 2


def _weekly_set_up(slack: Slack) -> None:
    slack.fake.add_channel(LEADS, "team-leads")
    for line in ("add Acme Corp", "contract Acme Corp: 24000 EUR renews 2027-04-15"):
        slack.answer(slack.command(line))
    slack.answer(
        slack.command(
            f"settings workspace report <#{LEADS}|team-leads> monday 09:00", user="UADMIN"
        )
    )


def test_a_chart_slack_refuses_leaves_the_report_whole_and_says_so(
    slack: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    _weekly_set_up(slack)
    slack.fake.fail_next("files.getUploadURLExternal", error="not_allowed_token_type")
    _at(clock, "2027-03-22T09:00:00+01:00")
    _pass(clock, client, sessions)
    [report] = _reports(slack)
    assert _image_file_ids(report) == []
    assert "could not be attached" in (report.text or "")


def test_a_report_slack_refuses_is_tried_again_not_lost(
    slack: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    _weekly_set_up(slack)
    slack.answer(slack.command("settings nudges off"))  # no digest: the report is the one post
    slack.fake.fail_next("chat.postMessage", status=500, times=4)  # the client's retries too
    _at(clock, "2027-03-22T09:00:00+01:00")
    _pass(clock, client, sessions)
    assert _reports(slack) == []
    _at(clock, "2027-03-22T09:10:00+01:00")  # after the ledger's wait
    _pass(clock, client, sessions)
    assert len(_reports(slack)) == 1
