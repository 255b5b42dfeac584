"""The health score through the real app: on the account card, `accounts by health` (paged,
worst first), the App Home's "Accounts to look at", and the admin settings that switch it off
and set a cadence per kind."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.domain import AccountKind, AccountStatus, Owner
from bot.fakeslack import requests as r
from bot.health import HealthBand
from bot.render import ids
from bot.settings import Settings
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import NOW, Harness
from tests.scenario.conftest import Slack


def _add(work: SqlUnitOfWork, name: str, days_untouched: int, **extra: Any) -> None:
    work.workspaces.get_or_create(NOW)
    work.accounts.add(
        name=name,
        kind=extra.pop("kind", AccountKind.CUSTOMER),
        owner=Owner(user_id=extra.pop("owner", "UALICE")),
        tier=None,
        cadence_days=30,
        now=NOW - timedelta(days=days_untouched),
        **extra,
    )


def _marked_cold_and_fine(work: SqlUnitOfWork) -> None:
    """Marked at risk; cold (90 days) with three follow-ups overdue (35, at risk); fine."""
    _add(work, "Marked", 1, status=AccountStatus.AT_RISK)
    _add(work, "Cold and late", 90)
    _add(work, "Fine", 1)
    cold = work.accounts.by_key("cold and late")
    assert cold is not None
    for n in range(3):
        work.follow_ups.add(
            number=n + 1,
            account_id=cold.id,
            owner_id="UALICE",
            due_at=NOW - timedelta(days=3),
            text="chase",
            created_by="UALICE",
            now=NOW - timedelta(days=5),
        )


def _text(answer: dict[str, Any]) -> str:
    return json.dumps(answer["blocks"], ensure_ascii=False)


def _more(answer: dict[str, Any]) -> tuple[str, str] | None:
    for block in answer["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == ids.SHOW_MORE:
                return str(block["block_id"]), str(element["value"])
    return None


def test_the_account_card_shows_the_health_and_its_reason(slack: Slack, app_db: Harness) -> None:
    app_db.read(r.TEAM, lambda w: _add(w, "Acme Corp", 74))
    card = _text(slack.answer(slack.command("show acme")))
    assert (
        "*Health*\\n:large_yellow_circle: 60 · watch — No touch in the 74 days since it was "
        "added, against a 30-day cadence"
    ) in card


def test_accounts_by_health_lists_worst_first_a_page_at_a_time(
    slack: Slack, app_db: Harness
) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        for n in range(30):  # 30 .. 59 days untouched: a score falling a little each day
            _add(work, f"Account {n:02d}", 30 + n)
        _add(work, "Someone else's", 80, owner="UBOB")

    app_db.read(r.TEAM, seed)
    first = slack.answer(slack.command("accounts by health"))
    assert first["blocks"][0]["text"]["text"] == "*Your accounts, by health* — 30"
    shown = _text(first)
    assert shown.index("Account 29") < shown.index("Account 28") < shown.index("Account 05")
    assert "Account 04" not in shown and "Someone else" not in shown
    found = _more(first)
    assert found is not None
    block_id, value = found
    url = slack.fake.response_url(channel_id="C0001", user_id="UALICE")
    before = len(slack.fake.calls_to("response_url"))
    slack.send(
        r.button(
            ids.SHOW_MORE,
            value,
            block_id=block_id,
            ephemeral=True,
            channel="C0001",
            response_url=url,
            message={"ts": "1700000000.000001", "blocks": first["blocks"]},
        )
    )
    [second] = slack.fake.calls_to("response_url")[before:]
    rest = json.dumps(second.args["blocks"], ensure_ascii=False)
    assert second.args["blocks"][0]["text"]["text"] == "*Your accounts, by health* — 5 left"
    assert all(f"Account {n:02d}" in rest for n in range(5))
    assert "Account 05" not in rest


def test_by_health_puts_the_scored_and_the_marked_at_risk_first(
    slack: Slack, app_db: Harness
) -> None:
    app_db.read(r.TEAM, _marked_cold_and_fine)
    shown = _text(slack.answer(slack.command("accounts by health")))
    assert ":red_circle: 35 · at risk" in shown  # 40 off for the cadence, 25 for 3 overdue
    assert ":red_circle: 39 · at risk" in shown and "marked at risk by the team" in shown
    assert shown.index("Cold and late") < shown.index("Marked") < shown.index("Fine")
    # `at risk` lists those marked, and those at risk at the last check (none has run yet).
    marked = _text(slack.answer(slack.command("accounts at risk by health")))
    assert "Marked" in marked and "Cold and late" not in marked


def test_home_names_the_accounts_to_look_at(slack: Slack, app_db: Harness) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        _add(work, "Cold", 74)
        _add(work, "Fine", 1)

    app_db.read(r.TEAM, seed)
    slack.send(r.home_opened(user="UALICE"))
    view = slack.fake.last("views.publish").args["view"]
    blocks = json.dumps(view if isinstance(view, dict) else json.loads(view), ensure_ascii=False)
    assert "Accounts to look at (1)" in blocks
    assert "*Cold* · :large_yellow_circle: 60 · watch" in blocks
    assert "*Fine* ·" not in blocks


def test_an_admin_switches_the_score_off_and_on(slack: Slack, app_db: Harness) -> None:
    app_db.read(r.TEAM, lambda w: _add(w, "Acme Corp", 74))
    refused = slack.answer(slack.command("settings workspace health off", user="UALICE"))
    assert "Only a Rapport admin" in refused["text"]
    done = slack.answer(slack.command("settings workspace health off", user="UADMIN"))
    assert "The health score is *off*" in done["text"]
    assert "*Health*" not in _text(slack.answer(slack.command("show acme")))
    listed = slack.answer(slack.command("accounts by health"))
    assert "switched off" in listed["text"]
    assert "Health score: off" in slack.answer(slack.command("settings workspace"))["text"]
    slack.answer(slack.command("settings workspace health on", user="UADMIN"))
    assert "*Health*" in _text(slack.answer(slack.command("show acme")))


def test_a_cadence_rule_per_kind_shows_in_the_settings_and_on_the_cards(
    slack: Slack, app_db: Harness
) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        _add(work, "Bolts Inc", 50, kind=AccountKind.SUPPLIER)
        _add(work, "Own Pace", 50, kind=AccountKind.SUPPLIER, cadence_own=True)

    app_db.read(r.TEAM, seed)
    answer = slack.answer(
        slack.command("settings workspace cadence suppliers 60 days max 120 days", user="UADMIN")
    )
    assert "Suppliers should be touched *every 60 days, at most 120*" in answer["text"]
    assert "1 supplier that had no cadence of its own moved to it" in answer["text"]
    shown = slack.answer(slack.command("settings workspace"))["text"]
    assert "Cadence by kind: suppliers every 60 days, at most 120" in shown
    assert "every 60 days" in _text(slack.answer(slack.command("show bolts")))
    assert "every 30 days" in _text(slack.answer(slack.command("show own pace")))
    wrong = slack.answer(slack.command("settings workspace cadence robots 3 days", user="UADMIN"))
    assert "not “robots”" in wrong["text"]


def test_the_scheduler_keeps_the_bands_about_hourly(
    slack: Slack,
    app_db: Harness,
    clock: FixedClock,
    client: WebClient,
    sessions: sessionmaker[Session],
) -> None:
    app_db.read(r.TEAM, lambda w: _add(w, "Acme Corp", 3))
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    )

    def kept() -> list[tuple[HealthBand, datetime]]:
        return app_db.read(
            r.TEAM, lambda w: [(k.band, k.since) for k in w.health_bands.kept().values()]
        )

    nudges.run([r.TEAM], clock.now())
    assert kept() == [(HealthBand.HEALTHY, NOW - timedelta(days=3))]
    slack.answer(slack.command("status acme corp at risk"))
    clock.advance(timedelta(minutes=30))
    nudges.run([r.TEAM], clock.now())
    assert kept() == [(HealthBand.HEALTHY, NOW - timedelta(days=3))]  # checked an hour apart
    clock.advance(timedelta(minutes=30))
    nudges.run([r.TEAM], clock.now())
    assert kept() == [(HealthBand.AT_RISK, clock.now())]


def test_accounts_at_risk_are_those_marked_or_at_risk_at_the_last_check(
    slack: Slack,
    app_db: Harness,
    clock: FixedClock,
    client: WebClient,
    sessions: sessionmaker[Session],
) -> None:
    app_db.read(r.TEAM, _marked_cold_and_fine)
    before = _text(slack.answer(slack.command("accounts at risk")))
    assert "Marked" in before and "Cold and late" not in before  # no check has run yet
    create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    ).run([r.TEAM], clock.now())
    after = _text(slack.answer(slack.command("accounts at risk")))
    assert "Marked" in after and "Cold and late" in after and "Fine" not in after
    assert slack.answer(slack.command("accounts at risk"))["blocks"][0]["text"]["text"] == (
        "*Your accounts, at risk* — 2"
    )
