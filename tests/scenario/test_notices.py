"""`renewals` and `notices` through the real app: rows led by the date that needs action, in
that order, and "Show more" clicked as Slack sends it going on in the same order."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.domain import AccountKind, ContractDirection, Owner
from bot.fakeslack import requests as r
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import Harness
from tests.scenario.conftest import NOW, Slack
from tests.scenario.test_account_list import _click_more, _more

TODAY = NOW.date()  # 6 Jan 2027 in every zone the fake workspace's users are in


def _seed(app_db: Harness) -> None:
    """30 contracts renewing in 91 days or later whose notice deadlines come every other day
    from day 2 on (Noticed 00-29), and one without notice renewing in 11 days (Plain)."""

    def add(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)

        def contract(name: str, renews: date, notice_days: int | None) -> None:
            account = work.accounts.add(
                name=name,
                kind=AccountKind.CUSTOMER,
                owner=Owner(user_id="UBOB"),
                tier=None,
                cadence_days=30,
                now=NOW,
            )
            work.contracts.add(
                account_id=account.id,
                value=Decimal(1200),
                currency="EUR",
                renewal_date=renews,
                direction=ContractDirection.WE_SELL,
                start_date=None,
                notice_days=notice_days,
                auto_renew=False,
                previous_id=None,
                now=NOW,
            )

        for n in range(30):
            deadline = TODAY + timedelta(days=2 + 2 * n)
            contract(f"Noticed {n:02d}", TODAY + timedelta(days=91 + n), (91 + n) - (2 + 2 * n))
            assert deadline == TODAY + timedelta(days=91 + n - (89 - n))
        contract("Plain", TODAY + timedelta(days=11), None)

    app_db.read(r.TEAM, add)


def _lines(answer: dict[str, Any]) -> list[str]:
    sections = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]
    return [line for line in sections if line.startswith(("*Noticed", "*Plain"))]


def _names(answer: dict[str, Any]) -> list[str]:
    return [re.match(r"\*([^*]+)\*", line)[1] for line in _lines(answer)]  # type: ignore[index]


def test_renewals_lead_with_the_notice_deadline_and_show_more_goes_on(
    slack: Slack, app_db: Harness
) -> None:
    _seed(app_db)
    first = slack.answer(slack.command("renewals"))
    assert first["blocks"][0]["text"]["text"] == "*Renewals in the next 90 days* (31)"
    names = _names(first)
    # Plain renews on day 11: between the deadlines of day 10 and day 12.
    assert names[:6] == [
        "Noticed 00",
        "Noticed 01",
        "Noticed 02",
        "Noticed 03",
        "Noticed 04",
        "Plain",
    ]
    lines = _lines(first)
    assert lines[0].startswith("*Noticed 00* · notice by Fri 8 Jan (in 2 days) · renews ")
    assert "1,200 EUR" in lines[0] and "<@UBOB>" in lines[0]
    assert lines[5].startswith("*Plain* · renews Sun 17 Jan (in 11 days) · 1,200 EUR")
    assert _more(first["blocks"]) is not None

    second = _click_more(slack, first)
    assert second["blocks"][0]["text"]["text"].startswith(
        "*Renewals in the next 90 days* — continued"
    )
    shown = names + _names(second)
    assert len(shown) == 31 and len(set(shown)) == 31
    assert shown[6:] == [f"Noticed {n:02d}" for n in range(5, 30)]
    assert _more(second["blocks"]) is None


def test_notices_asked_as_a_question_list_deadlines_only(slack: Slack, app_db: Harness) -> None:
    _seed(app_db)
    for line in ("notices?", "what's notices", "notices in 90 days"):
        answer = slack.answer(slack.command(line))
        assert answer["blocks"][0]["text"]["text"] == "*Notice deadlines in the next 90 days* (30)"
        assert "Plain" not in json.dumps(answer)
        assert _names(answer)[:2] == ["Noticed 00", "Noticed 01"]
    short = slack.answer(slack.command("notices in 8 days"))
    assert _names(short) == ["Noticed 00", "Noticed 01", "Noticed 02", "Noticed 03"]


def test_renewals_this_month_and_next_quarter(slack: Slack, app_db: Harness) -> None:
    _seed(app_db)
    month = slack.answer(slack.command("renewals this month"))
    assert month["blocks"][0]["text"]["text"].startswith("*Renewals this month* (to 31 Jan)")
    # Deadlines on days 2 … 24 (8 to 30 January), and Plain on day 11.
    assert len(_names(month)) == 13 and "Plain" in _names(month)
    nxt = slack.answer(slack.command("renewals next quarter"))
    assert nxt["blocks"][0]["text"]["text"].startswith(
        "*Renewals next quarter* (1 Apr – 30 Jun 2027)"
    )
    # Every Noticed renews from 7 April on (day 91), its deadline before April: by renewal.
    assert _names(nxt)[0] == "Noticed 00" and "renews Wed 7 Apr" in _lines(nxt)[0]
    assert "Plain" not in json.dumps(nxt)


def test_a_bad_window_is_refused_with_the_choices(slack: Slack, app_db: Harness) -> None:
    answer = slack.answer(slack.command("renewals next year"))
    assert "this month" in answer["text"] and "next quarter" in answer["text"]
