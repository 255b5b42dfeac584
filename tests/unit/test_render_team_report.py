"""The team report's message: within Slack's limits however long its lists, names echoed
inert, unknown values said (never 0), the chart as a slack_file image block."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain import ActionKind, NextAction, RenewalOutcome
from bot.health import HealthBand
from bot.render.team_report import (
    EMPTY_REPORT,
    TABLE_CURRENCIES,
    chart_filename,
    render_chart_message,
    render_team_report,
)
from bot.reporting.facts import OwnerCount, OwnerTouches, RenewingContract
from bot.reporting.month_table import month_table, months_from
from bot.services.team_report import (
    CurrencyTotal,
    OutcomeTotal,
    TeamReport,
    UpcomingAction,
    WeekOutcome,
    week_window,
)
from tests.unit.test_render_support import (
    ALI,
    BOB,
    HOSTILE,
    ME,
    assert_reply_inert,
    block_texts,
    check_reply,
    viewer,
)

NOW = datetime(2026, 10, 28, 10, 0, tzinfo=UTC)
TODAY = date(2026, 10, 28)
BERLIN = ZoneInfo("Europe/Berlin")


def _report(
    *,
    upcoming: int = 3,
    outcomes: int = 2,
    currencies: tuple[str, ...] = ("EUR", "USD"),
    name: str = "Acme",
    touches: tuple[OwnerTouches, ...] = (OwnerTouches(ME, 3, 2), OwnerTouches(None, 0, 1)),
) -> TeamReport:
    months = months_from(TODAY)
    rows = [
        RenewingContract(index, index, months[index % 12] + timedelta(days=3), value, currency)
        for index, (currency, value) in enumerate(
            [(c, Decimal("1234.50")) for c in currencies] + [(currencies[0], None)]
        )
    ]
    bands = {row.account_id: HealthBand.WATCH for row in rows}
    return TeamReport(
        zone="Europe/Berlin",
        now=NOW,
        week=week_window(NOW, BERLIN),
        today=TODAY,
        touches=touches,
        overdue=(OwnerCount(BOB, 4),),
        upcoming=tuple(
            UpcomingAction(
                account_name=f"{name} {index}",
                owner_id=ALI if index % 2 else None,
                action=NextAction(
                    TODAY + timedelta(days=index % 90),
                    ActionKind.NOTICE if index % 3 else ActionKind.RENEWAL,
                ),
                value=None if index == 0 else Decimal(index * 100),
                currency="EUR",
            )
            for index in range(upcoming)
        ),
        upcoming_through=TODAY + timedelta(days=90),
        upcoming_totals=(CurrencyTotal("EUR", Decimal(300), 3, 1),),
        outcomes=tuple(
            WeekOutcome(
                RenewalOutcome.CHURNED if index % 2 else RenewalOutcome.RENEWED,
                f"{name} won {index}",
                ME,
                Decimal(999),
                "EUR",
                NOW,
            )
            for index in range(outcomes)
        ),
        outcome_totals=(OutcomeTotal(RenewalOutcome.RENEWED, "EUR", Decimal(999), 1, 0),),
        months=month_table(months, rows, bands),
    )


def test_a_report_renders_its_parts_within_the_limits() -> None:
    reply = render_team_report(_report(), viewer())
    check_reply(reply)
    shown = block_texts(reply.blocks)
    assert reply.blocks[0]["type"] == "header"
    assert "week of Mon 26 Oct" in shown
    assert f"<@{ME}>: 3 · 2" in shown
    assert "Accounts with no Slack owner: 0 · 1" in shown
    assert f"<@{BOB}>: 4 overdue" in shown
    assert "*Acme 1* notice deadline · 100 EUR" in shown
    assert "*Acme 0* renews · value unknown" in shown  # never 0
    assert "300 EUR (3 contracts, 1 value unknown)" in shown
    assert "Churned — *Acme won 1* · 999 EUR" in shown
    assert "EUR: 1 contract with no value known, not in the sums." in shown
    assert "Oct 26" in shown and "Sep 27" in shown  # the month table's first and last month
    assert not any(block["type"] == "image" for block in reply.blocks)
    assert "Team report" in reply.text and "<!date" not in reply.text


def test_hostile_names_are_echoed_inert() -> None:
    reply = render_team_report(_report(name=HOSTILE), viewer(), chart_file_id="F0123ABCD")
    check_reply(reply)
    assert_reply_inert(reply)


def test_long_lists_are_cut_with_a_count_of_the_rest() -> None:
    reply = render_team_report(
        _report(upcoming=2000, outcomes=900, name="A" * 200), viewer(), chart_file_id="F1"
    )
    check_reply(reply)
    shown = block_texts(reply.blocks)
    assert "…and " in shown and " more" in shown
    assert len(reply.text) <= 3000


def test_many_currencies_fit_the_table_and_the_rest_are_named() -> None:
    codes = ("AUD", "CAD", "CHF", "EUR", "GBP", "JPY", "NOK", "SEK", "USD", "ZAR")
    reply = render_team_report(_report(currencies=codes), viewer())
    check_reply(reply)
    shown = block_texts(reply.blocks)
    assert "Also renewing: " in shown
    for code in codes[TABLE_CURRENCIES:]:
        assert f"1,234.50 {code}" in shown


def test_an_empty_workspace_gets_a_short_friendly_report() -> None:
    empty = TeamReport(
        zone="Europe/Berlin",
        now=NOW,
        week=week_window(NOW, BERLIN),
        today=TODAY,
        touches=(),
        overdue=(),
        upcoming=(),
        upcoming_through=TODAY + timedelta(days=90),
        upcoming_totals=(),
        outcomes=(),
        outcome_totals=(),
        months=month_table(months_from(TODAY), [], None),
    )
    reply = render_team_report(empty, viewer(), chart_file_id="F1")
    check_reply(reply)
    assert len(reply.blocks) == 3
    assert EMPTY_REPORT in block_texts(reply.blocks)
    assert not any(block["type"] == "image" for block in reply.blocks)


def test_the_chart_is_an_image_block_of_the_uploaded_file() -> None:
    report = _report()
    with_chart = render_team_report(report, viewer(), chart_file_id="F0CHART")
    check_reply(with_chart)
    image = with_chart.blocks[-1]
    assert image["type"] == "image" and image["slack_file"] == {"id": "F0CHART"}
    assert "EUR" in image["alt_text"] and "USD" in image["alt_text"]
    follow = render_chart_message(report, viewer(), "F0CHART")
    check_reply(follow)
    assert follow.blocks == [image]
    assert chart_filename(report) == "renewals-2026-10-28.png"
