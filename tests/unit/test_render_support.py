"""Shared by the render tests: domain object builders, a Block Kit checker that enforces the
limits in shared/slack/FACTS.md, and an escaping checker. The checkers have tests of their own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    Interaction,
    InteractionKind,
    Owner,
)
from bot.render import Reply, Viewer

ME, BOB, ALI = "U01ME", "U02BOB", "U03ALI"
KNOWN_USERS = {ME, BOB, ALI}
ESCALATION = "C0ESC"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday 4 December 2026, 16:00 in Berlin
HOSTILE = "<!channel> & <@U999> <https://evil.example|x> > <!here>"


def viewer(tz: str = "Europe/Berlin", now: datetime = NOW, user_id: str = ME) -> Viewer:
    return Viewer(user_id=user_id, tz=ZoneInfo(tz), now=now)


def account(
    id: int = 1,
    name: str = "Acme Corp",
    *,
    owner: Owner | None = None,
    kind: AccountKind = AccountKind.CUSTOMER,
    tier: str | None = "gold",
    status: AccountStatus = AccountStatus.ACTIVE,
    cadence_days: int = 30,
    tags: tuple[str, ...] = ("emea",),
    last_touch_at: datetime | None = NOW - timedelta(days=40),
    created_at: datetime = NOW - timedelta(days=400),
) -> Account:
    base = last_touch_at or created_at
    return Account(
        id=id,
        team_id="T1",
        name=name,
        kind=kind,
        owner=owner or Owner(user_id=BOB),
        tier=tier,
        status=status,
        cadence_days=cadence_days,
        tags=tags,
        last_touch_at=last_touch_at,
        next_touch_due=base + timedelta(days=cadence_days),
        created_at=created_at,
        updated_at=NOW,
    )


def follow_up(
    number: int = 3,
    *,
    account_id: int = 1,
    due_at: datetime = NOW - timedelta(days=2),
    text: str = "send the proposal",
    owner_id: str = ME,
    status: FollowUpStatus = FollowUpStatus.OPEN,
    snoozed_until: datetime | None = None,
) -> FollowUp:
    return FollowUp(
        id=number,
        team_id="T1",
        number=number,
        account_id=account_id,
        owner_id=owner_id,
        due_at=due_at,
        text=text,
        status=status,
        created_by=ME,
        created_at=NOW - timedelta(days=10),
        snoozed_until=snoozed_until,
    )


def contract(
    id: int = 7,
    *,
    account_id: int = 1,
    value: Decimal = Decimal("24000"),
    currency: str = "EUR",
    renewal_date: date = date(2027, 3, 31),
    notice_days: int | None = 60,
    auto_renew: bool = False,
    direction: ContractDirection = ContractDirection.WE_SELL,
    start_date: date | None = date(2026, 3, 31),
) -> Contract:
    return Contract(
        id=id,
        team_id="T1",
        account_id=account_id,
        value=value,
        currency=currency,
        renewal_date=renewal_date,
        direction=direction,
        start_date=start_date,
        notice_days=notice_days,
        auto_renew=auto_renew,
    )


def interaction(
    id: int = 1,
    *,
    account_id: int = 1,
    kind: InteractionKind = InteractionKind.CALL,
    occurred_at: datetime = NOW - timedelta(days=1),
    summary: str = "discussed Q3 pricing",
    logged_by: str = BOB,
    permalink: str | None = None,
) -> Interaction:
    return Interaction(
        id=id,
        team_id="T1",
        account_id=account_id,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        logged_by=logged_by,
        permalink=permalink,
    )


def contact(id: int = 1, name: str = "Jane Doe", **fields: Any) -> Contact:
    return Contact(id=id, team_id="T1", account_id=1, name=name, **fields)


# --- the Block Kit checker ---------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(AssertionError):
    pass


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise Invalid(what)


def _text_object(obj: Any, limit: int, *, plain_only: bool = False, where: str = "") -> None:
    _require(isinstance(obj, dict), f"{where}: text must be an object")
    kinds = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    _require(obj.get("type") in kinds, f"{where}: text type {obj.get('type')} not in {kinds}")
    text = obj.get("text")
    _require(isinstance(text, str) and text.strip() != "", f"{where}: empty text")
    _require(len(text) <= limit, f"{where}: text of {len(text)} > {limit}")


def _option(opt: Any, where: str) -> None:
    _text_object(opt.get("text"), 75, plain_only=True, where=f"{where} option")
    value = opt.get("value")
    _require(isinstance(value, str) and 0 < len(value) <= 150, f"{where}: option value")


def _confirm(obj: Any, where: str) -> None:
    _text_object(obj["title"], 100, plain_only=True, where=where)
    _text_object(obj["text"], 300, where=where)
    _text_object(obj["confirm"], 30, plain_only=True, where=where)
    _text_object(obj["deny"], 30, plain_only=True, where=where)


def _element(element: Any, where: str) -> None:
    kind = element.get("type")
    action_id = element.get("action_id")
    _require(isinstance(action_id, str) and 0 < len(action_id) <= 255, f"{where}: action_id")
    if kind == "button":
        _text_object(element["text"], 75, plain_only=True, where=where)
        _require(len(element.get("value", "")) <= 2000, f"{where}: button value")
        _require(element.get("style") in (None, "primary", "danger"), f"{where}: style")
        if "confirm" in element:
            _confirm(element["confirm"], where)
    elif kind == "static_select":
        options = element["options"]
        _require(0 < len(options) <= 100, f"{where}: 1-100 options")
        for opt in options:
            _option(opt, where)
        if "initial_option" in element:
            _require(element["initial_option"] in options, f"{where}: initial not an option")
    elif kind == "external_select":
        _require(element.get("min_query_length", 3) in (0, 1), f"{where}: min_query_length")
        if "initial_option" in element:
            _option(element["initial_option"], where)
    elif kind == "datepicker":
        if "initial_date" in element:
            _require(bool(_DATE.fullmatch(element["initial_date"])), f"{where}: initial_date")
    elif kind == "plain_text_input":
        _require(element.get("max_length", 3000) <= 3000, f"{where}: max_length")
        if "initial_value" in element:
            _require(len(element["initial_value"]) <= 3000, f"{where}: initial_value")
    else:
        raise Invalid(f"{where}: unknown element {kind}")
    if "placeholder" in element:
        _text_object(element["placeholder"], 150, plain_only=True, where=f"{where} placeholder")


def check_block(block: dict[str, Any], where: str = "block") -> None:
    kind = block.get("type")
    if "block_id" in block:
        _require(0 < len(block["block_id"]) <= 255, f"{where}: block_id length")
    if kind == "section":
        _require("text" in block or "fields" in block, f"{where}: section needs text or fields")
        if "text" in block:
            _text_object(block["text"], 3000, where=where)
        if "fields" in block:
            _require(0 < len(block["fields"]) <= 10, f"{where}: 1-10 fields")
            for field in block["fields"]:
                _text_object(field, 2000, where=f"{where} field")
        if "accessory" in block:
            _element(block["accessory"], where)
    elif kind == "header":
        _text_object(block["text"], 150, plain_only=True, where=where)
    elif kind == "context":
        elements = block["elements"]
        _require(0 < len(elements) <= 10, f"{where}: 1-10 context elements")
        for element in elements:
            _text_object(element, 3000, where=where)
    elif kind == "divider":
        pass
    elif kind == "image":
        _require(0 < len(block["alt_text"]) <= 2000, f"{where}: alt_text 1-2000")
        if "title" in block:
            _text_object(block["title"], 2000, plain_only=True, where=where)
        has_file = isinstance(block.get("slack_file"), dict) and (
            block["slack_file"].get("id") or block["slack_file"].get("url")
        )
        _require(bool(has_file) != ("image_url" in block), f"{where}: image_url or slack_file")
    elif kind == "actions":
        elements = block["elements"]
        _require(0 < len(elements) <= 25, f"{where}: 1-25 actions elements")
        action_ids = [e["action_id"] for e in elements]
        _require(len(set(action_ids)) == len(action_ids), f"{where}: duplicate action_id")
        for element in elements:
            _element(element, where)
    elif kind == "input":
        _text_object(block["label"], 2000, plain_only=True, where=where)
        if "hint" in block:
            _text_object(block["hint"], 2000, plain_only=True, where=where)
        _element(block["element"], where)
    else:
        raise Invalid(f"{where}: unknown block type {kind}")


def check_blocks(blocks: list[dict[str, Any]], limit: int) -> None:
    _require(0 < len(blocks) <= limit, f"{len(blocks)} blocks (limit {limit})")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    _require(len(set(block_ids)) == len(block_ids), f"duplicate block_id in {block_ids}")
    for index, block in enumerate(blocks):
        check_block(block, f"block {index} ({block.get('type')})")


def check_reply(reply: Reply) -> None:
    check_blocks(reply.blocks, 50)
    _require(reply.text.strip() != "", "empty fallback text")
    _require(len(reply.text) <= 3000, f"fallback text of {len(reply.text)}")


def check_view(view: dict[str, Any]) -> None:
    _require(view["type"] in ("home", "modal"), "view type")
    check_blocks(view["blocks"], 100)
    _require(len(json.dumps(view).encode()) <= 250_000, "view over 250 kB")
    if view["type"] == "home":
        _require("submit" not in view and "close" not in view, "home has no submit/close")
        return
    _text_object(view["title"], 24, plain_only=True, where="title")
    for key in ("submit", "close"):
        if key in view:
            _text_object(view[key], 24, plain_only=True, where=key)
    if any(b["type"] == "input" for b in view["blocks"]):
        _require("submit" in view, "a modal with inputs needs submit")
    _require(len(view.get("private_metadata", "")) <= 3000, "private_metadata over 3000")
    _require(len(view.get("callback_id", "")) <= 255, "callback_id")


def texts(obj: Any) -> Iterator[str]:
    """Every text a person may see: text objects' text (and nothing that is a raw value)."""
    if isinstance(obj, dict):
        if obj.get("type") in ("plain_text", "mrkdwn") and isinstance(obj.get("text"), str):
            yield obj["text"]
        for key, value in obj.items():
            if key != "text" or not isinstance(value, str):
                yield from texts(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from texts(item)


# What the bot itself may write between < and >: known users, the escalation channel, dates,
# and https links without characters that could break out.
_ALLOWED_TOKEN = re.compile(
    r"<(?:@(?:"
    + "|".join(sorted(KNOWN_USERS))
    + r")|#"
    + ESCALATION
    + r"|!date\^\d+\^\{date_short_pretty\}(?: \{time\})?\|[^<>|]+"
    + r"|https://[^\s<>|&]+\|[^<>|]+)>"
)
_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def assert_inert(text: str) -> None:
    """No Slack control sequence in ``text`` except the bot's own; every & is an entity."""
    rest = _ALLOWED_TOKEN.sub("", text)
    assert "<" not in rest and ">" not in rest, f"unescaped markup in {text!r}"
    assert not _ENTITY.search(text), f"bare & in {text!r}"


def assert_reply_inert(reply: Reply) -> None:
    assert_inert(reply.text)
    for text in texts(reply.blocks):
        assert_inert(text)


def block_texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(texts(blocks))


# --- the checkers' own tests ------------------------------------------------------------


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.mark.parametrize(
    "blocks",
    [
        [_section("")],
        [_section("x" * 3001)],
        [_section("ok")] * 51,
        [{"type": "header", "text": {"type": "mrkdwn", "text": "bold"}}],
        [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}],
        [{**_section("a"), "block_id": "b"}, {**_section("b"), "block_id": "b"}],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "A"},
                        "action_id": "a",
                    },
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "B"},
                        "action_id": "a",
                    },
                ],
            }
        ],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "x" * 76},
                        "action_id": "a",
                    }
                ],
            }
        ],
    ],
)
def test_checker_rejects_what_slack_rejects(blocks: list[dict[str, Any]]) -> None:
    with pytest.raises(Invalid):
        check_blocks(blocks, 50)


def test_checker_accepts_a_plain_message() -> None:
    check_blocks([_section("hello"), {"type": "divider"}], 50)


@pytest.mark.parametrize(
    "text",
    ["<!channel>", "<@U999>", "a & b", "<https://evil.example>", "x > y", "<!date^1^{x}|y>"],
)
def test_inert_checker_catches_markup(text: str) -> None:
    with pytest.raises(AssertionError):
        assert_inert(text)


def test_inert_checker_allows_the_bots_own_tokens() -> None:
    assert_inert(
        f"<@{BOB}> <#{ESCALATION}> &lt;!channel&gt; &amp; "
        "<!date^1796400000^{date_short_pretty} {time}|Fri 4 Dec 15:00> "
        "<https://acme.slack.com/archives/C1/p1|message>"
    )
