"""The App Home view, the logging modal, its submission and the account picker's options."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain import AccountStatus, InteractionKind, Owner
from bot.paging import Page
from bot.render import (
    LogForm,
    LogPrefill,
    account_options,
    home_view,
    ids,
    log_modal,
    read_log_submission,
)
from bot.services.queries import FollowUpItem, HomeData, RenewalItem
from tests.unit.test_render_support import (
    HOSTILE,
    NOW,
    account,
    assert_inert,
    check_view,
    contract,
    follow_up,
    texts,
    viewer,
)

TODAY = date(2026, 12, 4)
PERMALINK = "https://acme.slack.com/archives/C123/p1796400000000100"

# --- App Home -------------------------------------------------------------------------


def _home(n: int, name: str = "Acme Corp", text: str = "send the proposal") -> HomeData:
    a = account(name=name)
    return HomeData(
        overdue=Page.of(
            [
                FollowUpItem(follow_up(i, text=text, due_at=NOW - timedelta(days=3)), a)
                for i in range(n)
            ]
        ),
        due_this_week=Page.of(
            [
                FollowUpItem(follow_up(1000 + i, text=text, due_at=NOW + timedelta(days=1)), a)
                for i in range(n)
            ]
        ),
        renewals=Page.of(
            [RenewalItem(contract(i, renewal_date=date(2027, 1, 15)), a) for i in range(n)]
        ),
        stale=Page.of([account(i, name) for i in range(n)]),
    )


def _headers(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


def test_home_counts_what_it_did_not_read() -> None:
    a = account()
    overdue = [FollowUpItem(follow_up(i, due_at=NOW - timedelta(days=3)), a) for i in range(20)]
    data = HomeData(Page(overdue, 900), Page.of([]), Page.of([]), Page.of([]))
    view = home_view(data, viewer())
    check_view(view)
    assert _headers(view)[1] == "Overdue follow-ups (900)"
    more = next(b for b in view["blocks"] if b["type"] == "context" and "more" in str(b))
    shown = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("follow_up:"))
    assert more["elements"][0]["text"] == f"…and {900 - shown} more"
    assert "`/crm overdue`" in more["elements"][1]["text"]


def test_home_shows_the_four_sections_with_buttons() -> None:
    view = home_view(_home(2), viewer())
    check_view(view)
    assert view["type"] == "home"
    assert _headers(view) == [
        "Your Rapport",
        "Overdue follow-ups (2)",
        "Due this week (2)",
        "Renewals in the next 90 days (2)",
        "Stale accounts (2)",
    ]
    all_text = "\n".join(texts(view["blocks"]))
    assert "3 days overdue" in all_text
    assert "renews Fri 15 Jan 2027 (in 42 days)" in all_text
    action_ids = {
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert action_ids == {
        ids.FOLLOW_UP_DONE,
        ids.FOLLOW_UP_SNOOZE_DAY,
        ids.FOLLOW_UP_SNOOZE_WEEK,
        ids.LOG_TOUCH,
        ids.RENEWAL_RENEWED,
        ids.RENEWAL_NOT_RENEWING,
    }


def test_empty_home_says_so_kindly() -> None:
    view = home_view(HomeData(Page.of([]), Page.of([]), Page.of([]), Page.of([])), viewer())
    check_view(view)
    all_text = "\n".join(texts(view["blocks"]))
    for expected in (
        "Nothing overdue",
        "Nothing else due this week",
        "No renewals coming up",
        "No stale accounts",
    ):
        assert expected in all_text


def test_home_with_200_items_fits_100_blocks_and_says_how_many_more() -> None:
    view = home_view(_home(50), viewer())
    check_view(view)
    assert len(view["blocks"]) <= 100
    mores = [t for t in texts(view["blocks"]) if t.startswith("…and ")]
    assert len(mores) == 4
    shown = sum(1 for b in view["blocks"] if b["type"] == "actions")
    assert shown + sum(int(t.split()[1]) for t in mores) == 200


def test_home_with_huge_hostile_texts_stays_under_250_kb_and_inert() -> None:
    name = (HOSTILE + "😀" * 200)[:200]
    view = home_view(_home(50, name=name, text=("😀" + HOSTILE) * 60), viewer())
    check_view(view)
    assert len(json.dumps(view).encode()) <= 250_000
    for text in texts(view["blocks"]):
        assert_inert(text)


# --- the logging modal ----------------------------------------------------------------


def _prefill(**changes: Any) -> LogPrefill:
    base: dict[str, Any] = {
        "account": account(),
        "text": "",
        "permalink": None,
        "kind": InteractionKind.CALL,
        "today": TODAY,
    }
    return LogPrefill(**(base | changes))


def _by_block(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_modal_shape() -> None:
    view = log_modal(_prefill())
    check_view(view)
    assert view["callback_id"] == ids.LOG_MODAL == "log_interaction"
    assert view["title"]["text"] == "Log a touch"
    assert view["submit"]["text"] == "Log"
    blocks = _by_block(view)
    picker = blocks[ids.LOG_ACCOUNT_BLOCK]["element"]
    assert picker["type"] == "external_select"
    assert picker["action_id"] == ids.ACCOUNT_SELECT
    assert picker["initial_option"]["value"] == "1"
    assert picker["initial_option"]["text"]["text"] == "Acme Corp"
    kind = blocks[ids.LOG_KIND_BLOCK]["element"]
    assert [o["value"] for o in kind["options"]] == [k.value for k in InteractionKind]
    assert kind["initial_option"]["value"] == "call"
    assert blocks[ids.LOG_DAY_BLOCK]["element"]["initial_date"] == "2026-12-04"
    summary = blocks[ids.LOG_SUMMARY_BLOCK]["element"]
    assert summary["multiline"] is True and "initial_value" not in summary
    assert blocks[ids.LOG_FOLLOW_UP_DAY_BLOCK]["optional"] is True
    assert blocks[ids.LOG_FOLLOW_UP_TEXT_BLOCK]["optional"] is True
    assert json.loads(view["private_metadata"]) == {}


def test_modal_without_an_account_has_no_initial_option() -> None:
    view = log_modal(_prefill(account=None, kind=InteractionKind.MESSAGE, text="hello"))
    check_view(view)
    blocks = _by_block(view)
    assert "initial_option" not in blocks[ids.LOG_ACCOUNT_BLOCK]["element"]
    assert blocks[ids.LOG_KIND_BLOCK]["element"]["initial_option"]["value"] == "message"
    assert blocks[ids.LOG_SUMMARY_BLOCK]["element"]["initial_value"] == "hello"


def test_a_40000_character_message_is_cut_to_3000_and_links_the_full_message() -> None:
    text = "word " * 8000
    view = log_modal(_prefill(text=text, permalink=PERMALINK))
    check_view(view)
    value = _by_block(view)[ids.LOG_SUMMARY_BLOCK]["element"]["initial_value"]
    assert len(value) <= 3000 and value.endswith("…")
    assert text.startswith(value[:-1])
    notes = [b for b in view["blocks"] if b["type"] == "context"]
    assert len(notes) == 1
    assert f"<{PERMALINK}|full message>" in notes[0]["elements"][0]["text"]
    assert json.loads(view["private_metadata"]) == {"permalink": PERMALINK}


def test_a_short_message_has_no_note() -> None:
    view = log_modal(_prefill(text="short", permalink=PERMALINK))
    assert not [b for b in view["blocks"] if b["type"] == "context"]


def test_user_text_stays_raw_in_the_input_but_escaped_in_labels() -> None:
    view = log_modal(_prefill(account=account(name=HOSTILE), text=HOSTILE))
    check_view(view)
    blocks = _by_block(view)
    assert blocks[ids.LOG_SUMMARY_BLOCK]["element"]["initial_value"] == HOSTILE
    for text in texts(view["blocks"]):
        assert_inert(text)


def test_an_oversized_permalink_is_dropped_from_metadata() -> None:
    view = log_modal(_prefill(permalink="https://x/" + "a" * 4000))
    check_view(view)
    assert view["private_metadata"] == "{}"


# --- reading the submission -----------------------------------------------------------


def _state(
    *,
    account_id: str | None = "12",
    kind: str | None = "meeting",
    day: str | None = "2026-12-03",
    summary: str | None = "  QBR, they want SSO  ",
    follow_up_day: str | None = None,
    follow_up_text: str | None = None,
) -> dict[str, Any]:
    def selected(value: str | None) -> dict[str, Any]:
        return {
            "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value}
            if value is not None
            else None
        }

    return {
        ids.LOG_ACCOUNT_BLOCK: {
            ids.ACCOUNT_SELECT: {"type": "external_select", **selected(account_id)}
        },
        ids.LOG_KIND_BLOCK: {ids.LOG_KIND_ACTION: {"type": "static_select", **selected(kind)}},
        ids.LOG_DAY_BLOCK: {ids.LOG_DAY_ACTION: {"type": "datepicker", "selected_date": day}},
        ids.LOG_SUMMARY_BLOCK: {
            ids.LOG_SUMMARY_ACTION: {"type": "plain_text_input", "value": summary}
        },
        ids.LOG_FOLLOW_UP_DAY_BLOCK: {
            ids.LOG_FOLLOW_UP_DAY_ACTION: {"type": "datepicker", "selected_date": follow_up_day}
        },
        ids.LOG_FOLLOW_UP_TEXT_BLOCK: {
            ids.LOG_FOLLOW_UP_TEXT_ACTION: {"type": "plain_text_input", "value": follow_up_text}
        },
    }


def test_a_valid_submission() -> None:
    metadata = json.dumps({"permalink": PERMALINK})
    form = read_log_submission(
        _state(follow_up_day="2026-12-11", follow_up_text=" send SSO docs "), metadata, today=TODAY
    )
    assert form == LogForm(
        account_id=12,
        kind=InteractionKind.MEETING,
        day=date(2026, 12, 3),
        summary="QBR, they want SSO",
        follow_up_day=date(2026, 12, 11),
        follow_up_text="send SSO docs",
        permalink=PERMALINK,
    )


def test_a_minimal_submission() -> None:
    form = read_log_submission(_state(day="2026-12-04"), "", today=TODAY)
    assert isinstance(form, LogForm)
    assert form.follow_up_day is None and form.follow_up_text is None and form.permalink is None


def test_a_follow_up_day_without_text_is_fine() -> None:
    form = read_log_submission(_state(follow_up_day="2026-12-04"), "{}", today=TODAY)
    assert isinstance(form, LogForm) and form.follow_up_text is None


@pytest.mark.parametrize(
    ("changes", "block_id"),
    [
        ({"account_id": None}, ids.LOG_ACCOUNT_BLOCK),
        ({"account_id": "abc"}, ids.LOG_ACCOUNT_BLOCK),
        ({"kind": None}, ids.LOG_KIND_BLOCK),
        ({"kind": "telepathy"}, ids.LOG_KIND_BLOCK),
        ({"day": None}, ids.LOG_DAY_BLOCK),
        ({"day": "2026-12-05"}, ids.LOG_DAY_BLOCK),
        ({"summary": None}, ids.LOG_SUMMARY_BLOCK),
        ({"summary": "   \n "}, ids.LOG_SUMMARY_BLOCK),
        ({"summary": "x" * 10_001}, ids.LOG_SUMMARY_BLOCK),
        ({"follow_up_day": "2026-12-03"}, ids.LOG_FOLLOW_UP_DAY_BLOCK),
        ({"follow_up_day": "someday"}, ids.LOG_FOLLOW_UP_DAY_BLOCK),
        ({"follow_up_text": "call back"}, ids.LOG_FOLLOW_UP_DAY_BLOCK),
        (
            {"follow_up_day": "2026-12-07", "follow_up_text": "x" * 2001},
            ids.LOG_FOLLOW_UP_TEXT_BLOCK,
        ),
    ],
)
def test_each_invalid_field_is_an_error_on_its_block(
    changes: dict[str, Any], block_id: str
) -> None:
    errors = read_log_submission(_state(**changes), "{}", today=TODAY)
    assert isinstance(errors, dict)
    assert list(errors) == [block_id]
    assert errors[block_id].strip()


def test_summary_over_the_limit_names_the_limit() -> None:
    errors = read_log_submission(_state(summary="x" * 10_001), "{}", today=TODAY)
    assert isinstance(errors, dict)
    assert "10,000" in errors[ids.LOG_SUMMARY_BLOCK]


def test_several_errors_at_once_and_garbage_state() -> None:
    errors = read_log_submission({"junk": 1}, "not json", today=TODAY)
    assert isinstance(errors, dict)
    assert set(errors) == {
        ids.LOG_ACCOUNT_BLOCK,
        ids.LOG_KIND_BLOCK,
        ids.LOG_DAY_BLOCK,
        ids.LOG_SUMMARY_BLOCK,
    }


def test_bad_metadata_means_no_permalink() -> None:
    for metadata in ("not json", "[1]", '{"permalink": 5}', ""):
        form = read_log_submission(_state(), metadata, today=TODAY)
        assert isinstance(form, LogForm) and form.permalink is None


# --- account options ------------------------------------------------------------------


def test_account_options() -> None:
    accounts = [account(i, f"Account {i}") for i in range(150)]
    options = account_options(accounts + accounts[:3])
    assert len(options) == 100
    assert options[0] == {
        "text": {"type": "plain_text", "text": "Account 0", "emoji": True},
        "value": "0",
    }


def test_account_options_are_short_escaped_and_mark_archived() -> None:
    long_name = HOSTILE + "x" * 200
    options = account_options(
        [
            account(1, long_name),
            account(2, "Old Co", status=AccountStatus.ARCHIVED, owner=Owner(unresolved="x")),
        ]
    )
    assert len(options[0]["text"]["text"]) <= 75
    assert_inert(options[0]["text"]["text"])
    assert options[1]["text"]["text"] == "Old Co (archived)"
