"""Numbers and dates as people write them, through signed requests: a German-speaking team
sets its workspace to day-first and euros, then types amounts and dates its own way."""

from __future__ import annotations

import json

from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def german_workspace(slack: Slack) -> None:
    for line in ("settings workspace dayfirst on", "settings workspace currency EUR"):
        answer = slack.answer(slack.command(line, user="UADMIN"))
        assert "⚠️" not in json.dumps(answer), answer
    slack.answer(slack.command("add Acme Corp"))


def only_contract(app_db: Harness) -> models.ContractRow:
    with app_db.sessions() as session:
        [row] = session.query(models.ContractRow).all()
        session.expunge(row)
        return row


def test_the_issue_line_is_stored_and_the_reply_shows_what_was_stored(
    slack: Slack, app_db: Harness
) -> None:
    german_workspace(slack)
    answer = slack.answer(
        slack.command("contract Acme Corp: 24.000 € renews 15. Januar 2027 notice 3 months")
    )
    text = answer["text"]
    assert answer["response_type"] == "ephemeral"
    assert "24,000 EUR" in text, text
    assert "Fri 15 Jan" in text, text
    # Three calendar months before 15 January 2027: 15 October 2026, already passed.
    assert "15 Oct 2026" in text, text
    assert "Read “" not in text  # read as the workspace writes it: nothing to point out
    row = only_contract(app_db)
    assert (row.value_cents, row.currency, row.notice_days) == (2_400_000, "EUR", 92)
    assert (row.notice_months, row.renewal_date.isoformat()) == (3, "2027-01-15")


def test_an_english_workspace_reads_a_lone_point_as_decimals_and_says_so(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    answer = slack.answer(slack.command("contract Acme Corp: 24.000 € renews 2027-03-31"))
    assert "Read “24.000 €” as 24 EUR" in answer["text"], answer["text"]
    assert "`settings workspace dayfirst on`" in answer["text"]
    assert (only_contract(app_db).value_cents, only_contract(app_db).currency) == (2_400, "EUR")
    # Written the English way, no remark: "24,000" is twenty-four thousand there.
    answer = slack.answer(slack.command("contract Acme Corp: 24,000 renews 2027-03-31"))
    assert "24,000 USD" in answer["text"] and "Read “" not in answer["text"], answer["text"]


def test_a_direct_message_reads_k_and_german_counts(slack: Slack, app_db: Harness) -> None:
    german_workspace(slack)
    slack.send(r.direct_message("contract Acme Corp: €24,5k renews in 2 Wochen notice 8 weeks"))
    [reply] = [p for p in slack.posted() if p["channel"] == "DUALICE"]
    assert "24,500 EUR" in reply["text"] and "Wed 20 Jan" in reply["text"], reply["text"]
    row = only_contract(app_db)
    assert (row.value_cents, row.currency, row.notice_days) == (2_450_000, "EUR", 56)


def test_the_workspace_currency_shows_in_settings(slack: Slack, app_db: Harness) -> None:
    german_workspace(slack)
    shown = slack.answer(slack.command("settings"))
    assert "Currency: *EUR*" in json.dumps(shown, ensure_ascii=False)


def test_unreadable_amounts_and_dates_are_quoted_and_nothing_is_stored(
    slack: Slack, app_db: Harness
) -> None:
    german_workspace(slack)
    bad_amount = slack.answer(slack.command("contract Acme Corp: 24,0,0 € renews 15. Januar 2027"))
    assert "“24,0,0 €”" in bad_amount["text"] and "`$24k`" in bad_amount["text"]
    bad_date = slack.answer(slack.command("contract Acme Corp: 24.000 € renews 15. Janaur 2027"))
    assert "“15. Janaur 2027”" in bad_date["text"]
    bad_notice = slack.answer(
        slack.command("contract Acme Corp: 24.000 € renews 15. Januar 2027 notice 3 moons")
    )
    assert "“moons”" in bad_notice["text"]
    refused = slack.answer(slack.command("settings workspace currency USD", user="UBOB"))
    assert "admin" in json.dumps(refused)
    assert app_db.count(models.ContractRow) == 0
