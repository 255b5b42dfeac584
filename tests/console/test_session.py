"""The console's wiring: the fake workspace, the machine's zone, users and mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.session import (
    BOT_TOKEN,
    DEFAULT_USER_ID,
    ConsoleSession,
    UnknownZone,
    console_workspace,
    local_zone_name,
)
from bot.fakeslack.requests import TEAM


def test_the_zone_comes_from_tz_then_the_localtime_link_then_utc(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/America/Chicago")
    missing = tmp_path / "no-such-file"
    assert local_zone_name({"TZ": ":Asia/Tokyo"}, link, missing) == "Asia/Tokyo"
    assert local_zone_name({"TZ": "CET-1CEST"}, link, missing) == "America/Chicago"
    named = tmp_path / "timezone"
    named.write_text("Europe/Lisbon\n", encoding="utf-8")
    assert local_zone_name({}, missing, named) == "Europe/Lisbon"
    assert local_zone_name({}, missing, missing) == "UTC"


def test_the_workspace_has_you_and_two_teammates() -> None:
    workspace = console_workspace("Asia/Tokyo")
    assert workspace.team_id == TEAM
    people = {u.name: (u.id, u.tz) for u in workspace.users.values() if not u.is_bot}
    assert people == {
        "you": ("UYOU", "Asia/Tokyo"),
        "alice": ("UALICE", "Europe/Berlin"),
        "bob": ("UBOB", "America/New_York"),
    }


def test_users_are_found_by_any_spelling(session: ConsoleSession) -> None:
    for spelling in ("@bob", "bob", "BOB", "<@UBOB>", "<@UBOB|bob>", "UBOB"):
        found = session.find_user(spelling)
        assert found is not None and found.id == "UBOB", spelling
    assert session.find_user("@rapport") is None  # the bot is not someone to act as


def test_at_names_become_mentions_but_emails_stay(session: ConsoleSession) -> None:
    assert session.with_mentions("owner @alice, cc @nobody") == "owner <@UALICE>, cc @nobody"
    assert session.with_mentions("jane@alice.example") == "jane@alice.example"


def test_a_line_is_sent_escaped_as_slacks_client_sends_it(session: ConsoleSession) -> None:
    assert session.as_sent("add AT&T <3 > 2") == "add AT&amp;T &lt;3 &gt; 2"
    assert session.as_sent("assign Acme <@UBOB> to @alice") == "assign Acme <@UBOB> to <@UALICE>"
    assert session.as_sent("add <http://x.com|x.com> & <#C1|sales>") == (
        "add <http://x.com|x.com> &amp; <#C1|sales>"
    )
    assert session.as_sent("AT&amp;T") == "AT&amp;amp;T"  # typed so, it is text


def test_an_unknown_zone_changes_nothing(session: ConsoleSession) -> None:
    with pytest.raises(UnknownZone):
        session.set_zone("Mars/Base")
    assert session.user.tz == "Europe/Berlin"


def test_the_app_talks_to_the_fake_with_the_console_token(session: ConsoleSession) -> None:
    session.command("add Acme Corp")
    web_api = [call for call in session.fake.calls if call.method != "response_url"]
    assert {call.token for call in web_api} == {BOT_TOKEN}
    assert session.user.id == DEFAULT_USER_ID
