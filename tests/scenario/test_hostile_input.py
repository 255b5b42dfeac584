"""Input outside what storage can hold is refused with a clear answer, and changes nothing;
characters that show nothing never make a second, look-alike name.

These ran into the database as they came before: a NUL (PostgreSQL refuses it), a lone
surrogate (not UTF-8), ids past the integer range, a permalink past its column.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.fakeslack import requests as r
from bot.render import ids
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack
from tests.scenario.test_interactive import _state


def _says(answer: dict[str, Any], *words: str) -> bool:
    text = json.dumps(answer, ensure_ascii=False)
    return all(word in text for word in words)


@pytest.fixture
def acme(slack: Slack) -> Slack:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("follow up Acme Corp tomorrow: send the deck"))
    return slack


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("add Acme\x00Evil", "a NUL character"),
        ("log call with Acme Corp: hello\x00there", "a NUL character"),
        ("find \x00", "a NUL character"),
    ],
    ids=["nul in a name", "nul in a summary", "nul in a search"],
)
def test_a_character_storage_cannot_hold_is_refused_clearly(
    acme: Slack, app_db: Harness, line: str, problem: str
) -> None:
    before = app_db.snapshot()
    answer = acme.answer(acme.command(line))
    assert _says(answer, problem, "nothing was saved"), answer
    assert app_db.snapshot() == before


def test_a_lone_surrogate_in_an_events_json_is_refused_in_the_dm(
    acme: Slack, app_db: Harness
) -> None:
    request = r.direct_message("add PLACEHOLDER")
    forged_json = request.body.replace("PLACEHOLDER", "\\ud83d Pile of Poo")
    before = app_db.snapshot()
    acme.send(r.SignedRequest(forged_json, request.headers | r.sign(forged_json)))
    answer = acme.fake.messages("DUALICE")[-1]
    assert "a broken character" in (answer.text or "")
    assert app_db.snapshot() == before


@pytest.mark.parametrize("value", ["2147483648", "9999999999", "0", "-1", "1e3", "١"])
def test_ids_past_storages_range_in_buttons_are_not_found(
    acme: Slack, app_db: Harness, value: str
) -> None:
    before = app_db.snapshot()
    acme.send(r.button(ids.FOLLOW_UP_DONE, value, in_home=True))
    acme.send(r.button(ids.LOG_TOUCH, value, in_home=True))
    refusals = [c.args["text"] for c in acme.fake.calls_to("chat.postMessage")]
    assert refusals and all("I don't know" in text for text in refusals), refusals
    assert app_db.snapshot() == before


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "abc"])
def test_an_account_id_past_the_range_in_the_modal_is_a_field_error(
    acme: Slack, app_db: Harness, value: str
) -> None:
    before = app_db.snapshot()
    answer = acme.answer(r.view_submission(_state(value, "hello")))
    assert answer["response_action"] == "errors" and ids.LOG_ACCOUNT_BLOCK in answer["errors"]
    assert app_db.snapshot() == before


@pytest.mark.parametrize(
    "permalink",
    ["https://rapport-test.slack.com/archives/C1/p1?" + "x" * 1000, "javascript:alert(1)"],
    ids=["over 1,000 characters", "not a web link"],
)
def test_a_permalink_storage_cannot_keep_is_a_field_error(
    acme: Slack, app_db: Harness, permalink: str
) -> None:
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None
    before = app_db.snapshot()
    answer = acme.answer(
        r.view_submission(
            _state(str(account.id), "met at the fair"),
            private_metadata=json.dumps({"permalink": permalink}),
        )
    )
    assert answer["response_action"] == "errors"
    assert "link to the message" in answer["errors"][ids.LOG_SUMMARY_BLOCK]
    assert app_db.snapshot() == before


def test_a_nul_in_the_modal_summary_is_a_field_error(acme: Slack, app_db: Harness) -> None:
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None
    answer = acme.answer(r.view_submission(_state(str(account.id), "met\x00 at the fair")))
    assert "a NUL character" in answer["errors"][ids.LOG_SUMMARY_BLOCK]


def test_the_picker_searches_past_a_nul(acme: Slack) -> None:
    answer = acme.answer(r.options(ids.ACCOUNT_SELECT, "ac\x00me"))
    assert [o["text"]["text"] for o in answer["options"]] == ["Acme Corp"]


@pytest.mark.parametrize(
    "line",
    [
        "assign Acme Corp <@U" + "A" * 40 + ">",
        "contact Acme Corp: Jane Doe, " + "j" * 300 + "@example.com",
    ],
    ids=["a user id longer than Slack's", "an e-mail longer than any"],
)
def test_values_longer_than_their_columns_are_refused(
    acme: Slack, app_db: Harness, line: str
) -> None:
    before = app_db.snapshot()
    answer = acme.answer(acme.command(line))
    assert "Something went wrong" not in json.dumps(answer)
    assert answer.get("text")
    assert app_db.snapshot() == before


@pytest.mark.parametrize(
    "name",
    ["\u200b", "\u200e\u200f", "\u2066\u2069", "\ufeff", "\u3164", "\u200b \u200d \u2060"],
    ids=["zero-width space", "direction marks", "isolates", "bom", "hangul filler", "mixed"],
)
def test_a_name_made_only_of_invisible_characters_is_refused(
    acme: Slack, app_db: Harness, name: str
) -> None:
    before = app_db.snapshot()
    answer = acme.answer(acme.command(f'add "{name}"'))
    assert _says(answer, "can't be empty"), answer
    assert app_db.snapshot() == before


@pytest.mark.parametrize(
    "twin", ["Acme\u200b Corp", "\u200eAcme Corp", "Acme Corp\u2060", "Ac\u00adme Corp"]
)
def test_invisible_characters_never_make_a_second_account(
    acme: Slack, app_db: Harness, twin: str
) -> None:
    answer = acme.answer(acme.command(f"add {twin}"))
    assert _says(answer, "already an account called"), answer
    shown = acme.answer(acme.command(f"show {twin}"))
    assert _says(shown, "ACME CORP") or _says(shown, "Acme Corp"), shown
    names = app_db.read(r.TEAM, lambda w: w.accounts.names())
    assert names == ["Acme Corp"]


def test_invisible_characters_are_removed_from_names_tags_and_tiers(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Glo\u200bbex\u200e tier go\u200bld"))
    slack.answer(slack.command("tag Globex em\u200dea"))
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("globex"))
    assert account is not None
    assert (account.name, account.tier, account.tags) == ("Globex", "gold", ("emea",))
