"""`accounts …` through the real app: a page in the slash command's answer, and "Show more"
clicked as Slack sends it, the next page posted to the click's response URL."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.domain import AccountKind, AccountStatus, Owner
from bot.fakeslack import requests as r
from bot.render import ids
from bot.services.queries import ACCOUNTS_PAGE
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import NOW, Harness
from tests.scenario.conftest import Slack


def _seed(app_db: Harness) -> None:
    """30 suppliers of Bob's (one archived) and a customer of Alice's; Eve's in T0002."""

    def add(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        for n in range(30):
            work.accounts.add(
                name=f"Supplier {n:02d}",
                kind=AccountKind.SUPPLIER,
                owner=Owner(user_id="UBOB"),
                tier="gold",
                cadence_days=90,
                now=NOW - timedelta(days=5),
                status=AccountStatus.ARCHIVED if n == 7 else AccountStatus.ACTIVE,
            )
        work.accounts.add(
            name="Acme Corp",
            kind=AccountKind.CUSTOMER,
            owner=Owner(user_id="UALICE"),
            tier=None,
            cadence_days=30,
            now=NOW,
        )

    app_db.read(r.TEAM, add)


def _more(blocks: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(block_id, value) of the "Show more" button, if there is one."""
    for block in blocks:
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("action_id") == ids.SHOW_MORE:
                return str(block["block_id"]), str(element["value"])
    return None


def _click_more(slack: Slack, answer: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    found = _more(answer["blocks"])
    assert found is not None
    block_id, value = found
    url = slack.fake.response_url(channel_id="C0001", user_id=kwargs.get("user", "UALICE"))
    posted = len(slack.fake.calls_to("response_url"))
    response = slack.send(
        r.button(
            ids.SHOW_MORE,
            value,
            block_id=block_id,
            ephemeral=True,
            channel="C0001",
            message={"ts": "1700000000.000001", "blocks": answer["blocks"]},
            response_url=url,
            **kwargs,
        )
    )
    assert response.status == 200
    [reply] = slack.fake.calls_to("response_url")[posted:]
    return dict(reply.args)


def test_show_more_posts_the_next_page_under_the_first(slack: Slack, app_db: Harness) -> None:
    _seed(app_db)
    first = slack.answer(slack.command("accounts <@UBOB> suppliers tier gold"))
    assert first["response_type"] == "ephemeral"
    assert first["blocks"][0]["text"]["text"] == (
        "*Accounts of <@UBOB>, suppliers, tier gold* — 29"
    )
    shown = json.dumps(first["blocks"], ensure_ascii=False)
    assert "Supplier 00" in shown and f"Supplier {ACCOUNTS_PAGE:02d}" in shown  # 07 archived
    assert "Supplier 07" not in shown and "Acme Corp" not in shown

    second = _click_more(slack, first)
    assert second["replace_original"] in (False, "false")
    assert second["response_type"] == "ephemeral"
    assert second["blocks"][0]["text"]["text"] == (
        "*Accounts of <@UBOB>, suppliers, tier gold* — 4 left"
    )
    names = json.dumps(second["blocks"], ensure_ascii=False)
    assert all(f"Supplier {n}" in names for n in (26, 27, 28, 29))
    assert f"Supplier {ACCOUNTS_PAGE:02d}" not in names
    assert _more(second["blocks"]) is None  # the last page


def test_a_show_more_clicked_in_another_workspace_shows_its_own(
    slack: Slack, app_db: Harness
) -> None:
    _seed(app_db)
    first = slack.answer(slack.command("accounts all"))
    other = _click_more(slack, first, team="T0002", user="UEVE")
    assert "Supplier" not in json.dumps(other)
    assert "No more accounts" in other["text"]


def test_a_forged_show_more_is_refused_politely(slack: Slack, app_db: Harness) -> None:
    _seed(app_db)
    first = slack.answer(slack.command("accounts all"))
    block_id, _ = _more(first["blocks"]) or ("", "")
    forged = {"blocks": [{"type": "actions", "block_id": block_id, "elements": [
        {"action_id": ids.SHOW_MORE, "value": "accounts all\nnot a cursor"}
    ]}]}  # fmt: skip
    reply = _click_more(slack, forged)
    assert "doesn't say which list" in reply["text"]
