"""The weekly team report as a Slack message, and the chart message that follows it.

Everything a person typed (account names) is escaped; owners are mentions; calendar dates are
plain text (the same date for everyone). Lists are cut to Slack's limits with "…and N more".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.domain import ActionKind, RenewalOutcome
from bot.render.blocks import (
    SECTION_TEXT,
    Block,
    context,
    divider,
    fields_section,
    header,
    section,
)
from bot.render.reply import Reply, Viewer
from bot.render.text import (
    calendar_day,
    date_token,
    mention,
    money,
    one_line,
    pack_lines,
    plural,
    safe,
    to_plain,
)
from bot.reporting.labels import month_label
from bot.reporting.month_table import MonthTable, renewal_charts
from bot.services.team_report import CurrencyTotal, OutcomeTotal, TeamReport

ALT_TEXT_LIMIT = 2000
IMAGE_TITLE_LIMIT = 2000
NAME_LIMIT = 80
# The month table is preformatted: as many currencies side by side as stay readable.
TABLE_CURRENCIES = 4
_COLUMN = 14

_OUTCOME_WORDS = {
    RenewalOutcome.RENEWED: "Renewed",
    RenewalOutcome.CHURNED: "Churned",
    RenewalOutcome.CANCELLED: "Cancelled",
}
EMPTY_REPORT = (
    "Nothing to report yet: no touches, no overdue follow-ups, nothing renewing in the next"
    " 12 months and no renewal outcomes this week. Log touches with `log …` and set contracts"
    " with `contract …`, and the report fills up."
)


def chart_title(report: TeamReport, viewer: Viewer) -> str:
    return f"Contract value renewing per month, from {month_label(report.months.months[0])}"


def chart_alt_text(report: TeamReport) -> str:
    """What the chart shows, in words, for people who cannot see it."""
    table = report.months
    parts = [
        f"{currency.currency}: {money(currency.total, currency.currency)} renewing"
        f" over 12 months, by health band ({', '.join(b.label for b in currency.bands)})"
        for currency in table.currencies
        if currency.total > 0
    ]
    first, last = month_label(table.months[0]), month_label(table.months[-1])
    text = f"Bar chart of contract value renewing per month, {first} to {last}. " + "; ".join(parts)
    return text[:ALT_TEXT_LIMIT]


def chart_filename(report: TeamReport) -> str:
    return f"renewals-{report.today.isoformat()}.png"


def chart_png(report: TeamReport, viewer: Viewer) -> bytes | None:
    """The chart as PNG bytes, drawn from the report's month table; None when nothing with a
    known value renews in the 12 months (no chart then)."""
    charts = renewal_charts(report.months)
    if not charts:
        return None
    from bot.reporting.chart import render_png  # matplotlib: loaded only to draw

    return render_png(charts, title=chart_title(report, viewer))


def image_block(file_id: str, alt_text: str, title: str) -> Block:
    """An image Slack hosts (uploaded with the current upload flow), shown by its file id."""
    return {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": alt_text[:ALT_TEXT_LIMIT],
        "title": {"type": "plain_text", "text": title[:IMAGE_TITLE_LIMIT], "emoji": True},
    }


def render_team_report(
    report: TeamReport, viewer: Viewer, *, chart_file_id: str | None = None
) -> Reply:
    """The report: a header, then one section per part, totals as fields, the month table;
    the chart as an image block when its file id is given."""
    title = f"Team report — week of {calendar_day(report.week_of, viewer)}"
    as_of = f"As of {date_token(report.now, viewer, with_time=True)} · weeks in {report.zone}"
    if report.is_empty:
        return Reply(
            text=to_plain(f"{title}\n{EMPTY_REPORT}"),
            blocks=[header(title), context(as_of), section(EMPTY_REPORT)],
        )
    through = calendar_day(report.upcoming_through, viewer)
    parts = [
        _part(
            "*Touches per owner* (this week · last week)",
            _touch_lines(report),
            "No touches logged this week or last.",
        ),
        _part(
            "*Moved into at risk this week*",
            _at_risk_lines(report, viewer),
            "No account moved into at risk this week.",
        ),
        _part("*Overdue follow-ups per owner*", _overdue_lines(report), "No follow-up is overdue."),
        _part(
            f"*Renewals and notice deadlines through {through}*",
            _upcoming_lines(report, viewer),
            "Nothing needs action in the next 90 days.",
        ),
        _part(
            "*Renewal outcomes this week*",
            _outcome_lines(report),
            "No renewal outcome recorded this week.",
        ),
    ]
    blocks: list[Block] = [header(title), context(as_of)]
    lines = [title]
    for index, (text, plain_lines) in enumerate(parts):
        blocks.append(section(text))
        lines.extend(plain_lines)
        if index == 3 and report.upcoming_totals:
            blocks.append(fields_section(_total_fields(report.upcoming_totals)))
            lines.extend(_total_fields(report.upcoming_totals))
        if index == 4 and report.outcome_totals:
            blocks.append(fields_section(_outcome_fields(report.outcome_totals)))
            lines.extend(_outcome_fields(report.outcome_totals))
    blocks.append(divider())
    months_text = _months_text(report.months)
    blocks.append(section(months_text))
    lines.append(months_text)
    if chart_file_id is not None and not report.months.is_empty:
        blocks.append(
            image_block(chart_file_id, chart_alt_text(report), chart_title(report, viewer))
        )
    return Reply(text=pack_lines([to_plain(line) for line in lines], 3000), blocks=blocks)


def render_chart_message(report: TeamReport, viewer: Viewer, file_id: str) -> Reply:
    """The message that carries the chart, sent once it is uploaded."""
    title = chart_title(report, viewer)
    return Reply(
        text=f"{title} (chart attached)",
        blocks=[image_block(file_id, chart_alt_text(report), title)],
        ephemeral=True,
    )


def render_no_chart() -> Reply:
    text = "No chart this time: nothing renews in the next 12 months."
    return Reply(text=text, blocks=[section(text)], ephemeral=True)


def render_chart_failed() -> Reply:
    text = "The renewals chart could not be attached this time; the report above is complete."
    return Reply(text=text, blocks=[section(text)], ephemeral=True)


def _part(title: str, lines: list[str], empty: str) -> tuple[str, list[str]]:
    if not lines:
        return f"{title}\n{empty}", [title, empty]
    body = pack_lines(lines, SECTION_TEXT - len(title) - 1)
    return f"{title}\n{body}", [title, *lines]


def _owner(owner_id: str | None) -> str:
    return mention(owner_id) if owner_id else "no Slack owner"


def _name(name: str) -> str:
    return f"*{safe(one_line(name), NAME_LIMIT)}*"


def _touch_lines(report: TeamReport) -> list[str]:
    lines = [
        f"• {_owner(t.owner_id) if t.owner_id else 'Accounts with no Slack owner'}:"
        f" {t.this_week} · {t.last_week}"
        for t in report.touches
    ]
    if len(report.touches) > 1:
        this = sum(t.this_week for t in report.touches)
        last = sum(t.last_week for t in report.touches)
        lines.append(f"Everyone: {this} · {last}")
    return lines


def _at_risk_lines(report: TeamReport, viewer: Viewer) -> list[str]:
    lines = []
    for entered in report.entered_at_risk:
        since = calendar_day(entered.since.astimezone(viewer.tz).date(), viewer)
        lines.append(
            f"• {_name(entered.account_name)} · {entered.score} · since {since}"
            f" · {_owner(entered.owner_id)}"
        )
    return lines


def _overdue_lines(report: TeamReport) -> list[str]:
    return [f"• {mention(o.owner_id)}: {o.count} overdue" for o in report.overdue]


def _upcoming_lines(report: TeamReport, viewer: Viewer) -> list[str]:
    lines = []
    for item in report.upcoming:
        what = "notice deadline" if item.action.kind is ActionKind.NOTICE else "renews"
        lines.append(
            f"• {calendar_day(item.action.day, viewer)} — {_name(item.account_name)} {what}"
            f" · {money(item.value, item.currency)} · {_owner(item.owner_id)}"
        )
    return lines


def _outcome_lines(report: TeamReport) -> list[str]:
    return [
        f"• {_OUTCOME_WORDS[o.outcome]} — {_name(o.account_name)} · {money(o.value, o.currency)}"
        for o in report.outcomes
    ]


def _unknown(unknown: int) -> str:
    return f", {plural(unknown, 'value')} unknown" if unknown else ""


def _total_fields(totals: Sequence[CurrencyTotal]) -> list[str]:
    return [
        f"*{safe(t.currency)}*\n{money(t.total, t.currency)}"
        f" ({plural(t.contracts, 'contract')}{_unknown(t.unknown)})"
        for t in totals
    ]


def _outcome_fields(totals: Sequence[OutcomeTotal]) -> list[str]:
    return [
        f"*{_OUTCOME_WORDS[t.outcome]}*\n{money(t.total, t.currency)}"
        f" ({plural(t.contracts, 'contract')}{_unknown(t.unknown)})"
        for t in totals
    ]


def _amount(value: Decimal) -> str:
    if value == 0:
        return "—"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _months_text(table: MonthTable) -> str:
    title = "*Contract value renewing per month* (open contracts, next 12 months)"
    if table.is_empty:
        return f"{title}\nNothing renews in the next 12 months."
    shown = table.currencies[:TABLE_CURRENCIES]
    rows = ["Month   " + "".join(safe(c.currency).rjust(_COLUMN) for c in shown)]
    for index, month in enumerate(table.months):
        cells = "".join(_amount(c.month_total(index)).rjust(_COLUMN) for c in shown)
        rows.append(f"{month_label(month):<8}{cells}")
    rows.append("Total   " + "".join(_amount(c.total).rjust(_COLUMN) for c in shown))
    notes = [
        f"{safe(c.currency)}: {plural(c.unknown, 'contract')} with no value known, not in the sums."
        for c in table.currencies
        if c.unknown
    ]
    hidden = table.currencies[TABLE_CURRENCIES:]
    if hidden:
        notes.append(
            "Also renewing: "
            + ", ".join(money(c.total, c.currency) for c in hidden)
            + " (in the chart)."
        )
    text = "\n".join([title, "```", *rows, "```", *notes])
    return pack_lines(text.split("\n"), SECTION_TEXT) if len(text) > SECTION_TEXT else text


__all__ = [
    "EMPTY_REPORT",
    "chart_alt_text",
    "chart_filename",
    "chart_png",
    "chart_title",
    "image_block",
    "render_chart_failed",
    "render_chart_message",
    "render_no_chart",
    "render_team_report",
]
