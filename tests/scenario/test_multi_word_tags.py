"""A tag with spaces through the real app: typed with Slack's smart quotes in a slash command,
and a list filtered by it paged with "Show more" clicked as Slack sends it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.domain import AccountKind, Owner
from bot.fakeslack import requests as r
from bot.render import ids
from bot.services.queries import ACCOUNTS_PAGE
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import NOW, Harness
from tests.scenario.conftest import Slack


def _seed(app_db: Harness) -> None:
    """Alice's 30 accounts, tagged "Key Account" in one spelling or another, and Acme Corp."""

    def add(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        for n in range(31):
            work.accounts.add(
                name="Acme Corp" if n == 30 else f"Kilo {n:02d}",
                kind=AccountKind.CUSTOMER,
                owner=Owner(user_id="UALICE"),
                tier=None,
                cadence_days=30,
                now=NOW - timedelta(days=5),
                tags=() if n == 30 else ("Key Account" if n % 2 else "key account",),
            )

    app_db.read(r.TEAM, add)


def _more(blocks: list[dict[str, Any]]) -> tuple[str, str]:
    for block in blocks:
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("action_id") == ids.SHOW_MORE:
                return str(block["block_id"]), str(element["value"])
    raise AssertionError("no Show more button")


def test_a_tag_typed_in_smart_quotes_is_one_tag_and_its_list_pages_on(
    slack: Slack, app_db: Harness
) -> None:
    _seed(app_db)
    tagged = slack.answer(slack.command("tag Acme Corp “key account” emea"))
    assert "Tagged *Acme Corp* with `key account` `emea`." in tagged["text"]
    acme = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert acme is not None and acme.tags == ("key account", "emea")

    first = slack.answer(slack.command("accounts tag “Key Account”"))
    assert first["blocks"][0]["text"]["text"] == "*Your accounts, tagged `Key Account`* — 31"
    block_id, value = _more(first["blocks"])
    assert value.startswith('accounts tag "Key Account" <@UALICE>\n')
    url = slack.fake.response_url(channel_id="C0001", user_id="UALICE")
    response = slack.send(
        r.button(
            ids.SHOW_MORE,
            value,
            block_id=block_id,
            ephemeral=True,
            channel="C0001",
            message={"ts": "1700000000.000001", "blocks": first["blocks"]},
            response_url=url,
        )
    )
    assert response.status == 200
    second = slack.fake.calls_to("response_url")[-1].args
    assert second["blocks"][0]["text"]["text"] == (
        f"*Your accounts, tagged `Key Account`* — {31 - ACCOUNTS_PAGE} left"
    )
    listed = json.dumps([first["blocks"], second["blocks"]], ensure_ascii=False)
    assert all(f"Kilo {n:02d}" in listed for n in range(30)) and "Acme Corp" in listed
