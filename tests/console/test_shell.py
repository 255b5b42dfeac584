"""The shell driven through its input stream: typed lines in, the printed transcript out."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console.session import ConsoleSession
from bot.console.shell import run_console
from bot.settings import Settings
from tests.console.conftest import ZONE, Typist


def test_a_session_from_adding_an_account_to_clicking_done(
    type_: Typist, session: ConsoleSession
) -> None:
    shown = type_(
        "/crm add Acme Corp",
        "/crm log call with Acme Corp: hi follow up tomorrow",
        "/crm show acme corp",
    )
    assert "you> /crm add Acme Corp\nrapport (only you can see this):\n  Added Acme Corp" in shown
    assert "Logged a call with Acme Corp · follow-up #1 due" in shown
    assert "ACME CORP" in shown and "Owner: @you" in shown
    assert "[1] Done  [2] Snooze 1 day  [3] Snooze 1 week  [4] Log a touch" in shown
    assert "(your Home tab was refreshed: :home shows it)" in shown

    clicked = type_(":click 1")
    assert "rapport updated its message:" in clicked
    assert "✅ #1 done by @you" in clicked
    assert "[1] Log a touch" in clicked and "Done" not in clicked.split("done by")[1]
    [response] = session.fake.calls_to("response_url")
    assert response.args["replace_original"] is True


def test_home_buttons_and_switching_users(type_: Typist) -> None:
    type_("/crm add Acme Corp", "/crm follow up Acme Corp tomorrow: call back")
    home = type_(":home")
    assert "Home of @you:\n  YOUR RAPPORT" in home
    assert "#1 call back · Acme Corp" in home
    assert "[1] Done  [2] Snooze 1 day" in home

    snoozed = type_(":click 3")  # Snooze 1 week: the Home is published again
    assert snoozed.count("Home of @you:") == 1
    assert "#1 call back" not in snoozed.split("DUE THIS WEEK")[1].split("RENEWALS")[0]

    switched = type_(":as @bob", "mine", ":click 1")
    assert "You are now @bob." in switched
    assert "bob> mine\nrapport:\n  Your accounts" in switched  # a DM, answered in the DM
    assert "You don't own any accounts yet" in switched
    assert "Nothing to click" in switched  # bob never saw your buttons


def test_a_dm_reply_with_buttons_is_updated_in_place(
    type_: Typist, session: ConsoleSession
) -> None:
    type_("add Acme Corp", "follow up Acme Corp in 2 days: send the deck")
    mine = type_("mine")
    assert "you> mine\nrapport:" in mine and "[1] Done" in mine
    done = type_(":click 1")
    update = session.fake.last("chat.update")
    assert update.args["channel"] == "DUYOU"
    assert "rapport updated its message:" in done and "✅ #1 done by @you" in done


def test_a_button_with_a_confirmation_asks_first(type_: Typist) -> None:
    type_("/crm add Acme Corp", "/crm contract Acme Corp: 24000 EUR renews in 30 days")
    renewals = type_("/crm renewals")
    assert "[1] Renewed  [2] Not renewing  [3] Log a touch" in renewals
    kept = type_(":click 2", "n")
    assert "[y/N] n\nNot pressed." in kept
    churned = type_(":click 2", "y")
    assert "rapport updated its message:" in churned
    assert "🛑 Acme Corp: not renewing (churned) by @you" in churned


def test_bad_lines_get_a_kind_answer(type_: Typist) -> None:
    shown = type_("/crm frobnicate", "/giphy cats", ":frobnicate", ":click 1", ":cancel")
    assert "🤔 I don't understand “frobnicate”. Say `help` for all commands." in shown
    assert "Example: `/crm help log`" in shown
    assert "Only /crm is a slash command here" in shown
    assert "I don't know :frobnicate; :help lists the console commands." in shown
    assert "Nothing to click: no message with buttons yet." in shown
    assert "There is no open form to cancel." in shown
    assert "Traceback" not in shown


def test_log_a_touch_opens_the_form_and_logs_through_it(type_: Typist) -> None:
    shown = type_("/crm add Acme Corp")
    assert "[1] Log a touch" in shown
    logged = type_(":click 1", "", "meeting", "", "Kickoff with Jane", "in 3 days", "")
    assert "── Log a touch ──" in logged
    assert "Account (type part of a name; Enter keeps Acme Corp)" in logged
    assert "rapport:\n  Logged a meeting with Acme Corp · follow-up #1 due" in logged
    assert "Follow-up: Kickoff with Jane" in logged


def test_the_global_shortcut_asks_for_the_account(type_: Typist) -> None:
    type_("/crm add Acme Corp", "/crm add Acme Labs")
    logged = type_(":shortcut", "acme", "2", "call", "yesterday", "Pricing", "", "")
    assert "[1] Acme Corp  [2] Acme Labs" in logged
    assert "Logged a call with Acme Labs on" in logged
    cancelled = type_(":shortcut", ":cancel", "/crm history Acme Labs")
    assert "Cancelled: nothing was submitted." in cancelled
    assert cancelled.count("Pricing") == 1


def test_mentions_are_typed_as_at_names(type_: Typist, session: ConsoleSession) -> None:
    shown = type_("/crm add Globex owner @alice", "/crm who owns Globex")
    assert "owner @alice" in shown
    assert session.fake.calls_to("users.info")  # the app looked alice up, as in Slack
    assert "<@" not in shown


def test_as_a_new_name_adds_a_teammate(type_: Typist, session: ConsoleSession) -> None:
    shown = type_(":as carol", ":users", "/crm add Initech", ":as nobody!")
    assert "You are now @carol (new in the workspace)." in shown
    assert "@carol (UCAROL, Europe/Berlin)  ← you" in shown
    assert "owner @carol" in shown
    assert "is not a user name" in shown
    assert session.user.id == "UCAROL"


def test_tz_changes_the_slack_zone_and_the_apps_cached_profile(
    type_: Typist, session: ConsoleSession
) -> None:
    before = type_("/crm settings")
    assert "Time zone: Europe/Berlin (from your Slack profile)" in before
    after = type_(":tz America/New_York", "/crm settings")
    assert "@you's Slack time zone is now America/New_York (until the console quits)." in after
    assert "Time zone: America/New_York (from your Slack profile)" in after
    pinned = type_("/crm settings timezone Asia/Tokyo", ":tz Europe/Paris", ":tz Mars/Base")
    assert "Rapport still reads your dates in Asia/Tokyo" in pinned
    assert "“Mars/Base” is not a time zone" in pinned
    assert type_(":tz") == "you> :tz\n@you's Slack time zone is Europe/Paris.\nyou> \n"


def test_help_quit_and_the_end_of_input(type_: Typist) -> None:
    shown = type_(":help", ":quit", "/crm add Never Sent")
    assert ":click N" in shown and ":as @name" in shown and ":tz Area/City" in shown
    assert "Never Sent" not in shown.split(":quit")[1]
    assert type_() == "you> \n"  # Ctrl-D: a clean exit


def test_run_console_prints_a_banner_and_uses_the_configured_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    out = io.StringIO()
    code = run_console(
        Settings(database_url=url),
        with_demo=False,
        inp=io.StringIO("/crm add Acme Corp\n"),
        out=out,
        zone=ZONE,
    )
    assert code == 0
    shown = out.getvalue()
    assert "You are @you (Europe/Berlin); teammates @alice, @bob." in shown
    assert f"Database: {url}" in shown
    assert "Added Acme Corp" in shown
    assert (tmp_path / "mine.db").is_file()


def test_a_new_console_refreshes_the_profiles_the_app_cached(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'rapport.db'}")

    def console(*lines: str) -> str:
        out = io.StringIO()
        typed = io.StringIO("".join(f"{line}\n" for line in lines))
        assert run_console(settings, with_demo=False, inp=typed, out=out, zone=ZONE) == 0
        return out.getvalue()

    assert "Time zone: America/New_York" in console(":tz America/New_York", "/crm settings")
    # The fake Slack starts afresh, in this machine's zone; the app's day-long cache follows.
    assert "Time zone: Europe/Berlin (from your Slack profile)" in console("/crm settings")
