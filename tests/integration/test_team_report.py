"""The weekly team report's data on a real database: weeks in the workspace's zone (across
daylight-saving changes), touches and overdue follow-ups per owner, what needs action in the
next 90 days, the week's outcomes, and the renewing-per-month table behind the chart."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PIL import Image

from bot.domain import (
    AccountKind,
    AccountStatus,
    ActionKind,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    Owner,
    RenewalOutcome,
)
from bot.render.reply import Viewer
from bot.render.team_report import chart_png
from bot.reporting.month_table import ALL, renewal_charts
from bot.services.health import health_of
from bot.services.team_report import CurrencyTotal, OutcomeTotal, build_report, week_window
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import Harness

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 28 October 2026, 11:00 in Berlin: the clocks went back on Sunday the 25th.
AUTUMN = datetime(2026, 10, 28, 10, 0, tzinfo=UTC)
# Wednesday 31 March 2027, 12:00 in Berlin: the clocks went forward on Sunday the 28th.
SPRING = datetime(2027, 3, 31, 10, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def _account(
    work: SqlUnitOfWork,
    name: str,
    owner: str | None,
    status: AccountStatus = AccountStatus.ACTIVE,
) -> int:
    return work.accounts.add(
        name=name,
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id=owner) if owner else Owner(unresolved="someone@example.com"),
        tier=None,
        cadence_days=30,
        now=LONG_AGO,
        status=status,
    ).id


def _touch(work: SqlUnitOfWork, account_id: int, at: datetime) -> None:
    work.interactions.add(
        account_id=account_id,
        kind=InteractionKind.CALL,
        occurred_at=at,
        summary="call",
        logged_by="UALICE",
        contact_id=None,
        permalink=None,
        now=at,
    )


def _contract(
    work: SqlUnitOfWork,
    account_id: int,
    value: str | None,
    currency: str,
    renews: date,
    *,
    notice_days: int | None = None,
    outcome: RenewalOutcome | None = None,
    outcome_at: datetime | None = None,
) -> None:
    work.contracts.add(
        account_id=account_id,
        value=None if value is None else Decimal(value),
        currency=currency,
        renewal_date=renews,
        direction=ContractDirection.WE_SELL,
        start_date=None,
        notice_days=notice_days,
        auto_renew=False,
        previous_id=None,
        now=LONG_AGO,
        outcome=outcome,
        outcome_at=outcome_at,
        outcome_by="UALICE" if outcome else None,
    )


def _seed(app: Harness, team: str, seed: Callable[[SqlUnitOfWork], None]) -> None:
    def seeded(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(LONG_AGO)
        seed(work)

    app.read(team, seeded)


def test_the_weeks_start_on_monday_midnight_in_the_zone_across_a_clock_change() -> None:
    autumn = week_window(AUTUMN, BERLIN)
    assert autumn.this_week_from == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 00:00 CET
    assert autumn.last_week_from == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # 00:00 CEST
    assert autumn.this_week_from - autumn.last_week_from == timedelta(hours=169)
    spring = week_window(SPRING, BERLIN)
    assert spring.this_week_from == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    assert spring.last_week_from == datetime(2027, 3, 21, 23, 0, tzinfo=UTC)
    assert spring.this_week_from - spring.last_week_from == timedelta(hours=167)


def test_touches_per_owner_this_week_and_last_across_the_autumn_clock_change(
    app: Harness,
) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        alice, bob = _account(work, "Acme", "UALICE"), _account(work, "Beta", "UBOB")
        nobody = _account(work, "Gamma", None)
        # Monday 19 Oct 00:30 CEST (last week) and Sunday 18 Oct 23:30 CEST (before it).
        _touch(work, alice, datetime(2026, 10, 18, 22, 30, tzinfo=UTC))
        _touch(work, alice, datetime(2026, 10, 18, 21, 30, tzinfo=UTC))
        # Sunday 25 Oct 23:30 CET (last week) and Monday 26 Oct 00:30 CET (this week).
        _touch(work, alice, datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
        _touch(work, alice, datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
        _touch(work, bob, AUTUMN - timedelta(hours=1))
        _touch(work, bob, AUTUMN + timedelta(hours=1))  # logged for later: not yet
        _touch(work, nobody, AUTUMN - timedelta(days=3))  # last week

    _seed(app, "T1", seed)
    _seed(app, "T2", lambda work: _touch(work, _account(work, "Acme", "UALICE"), AUTUMN))
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    assert [(t.owner_id, t.this_week, t.last_week) for t in report.touches] == [
        ("UALICE", 1, 2),
        ("UBOB", 1, 0),
        (None, 0, 1),
    ]
    assert report.week_of == date(2026, 10, 26)


def test_overdue_follow_ups_per_owner(app: Harness) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        acme = _account(work, "Acme", "UALICE")
        for number, (owner, due) in enumerate(
            [
                ("UALICE", AUTUMN - timedelta(days=2)),
                ("UALICE", AUTUMN - timedelta(minutes=1)),
                ("UBOB", AUTUMN - timedelta(days=9)),
                ("UBOB", AUTUMN + timedelta(minutes=1)),  # not yet due
            ],
            start=1,
        ):
            work.follow_ups.add(
                number=number,
                account_id=acme,
                owner_id=owner,
                due_at=due,
                text="call back",
                created_by=owner,
                now=LONG_AGO,
            )
        done = work.follow_ups.add(
            number=9,
            account_id=acme,
            owner_id="UCAROL",
            due_at=AUTUMN - timedelta(days=1),
            text="done",
            created_by="UCAROL",
            now=LONG_AGO,
        )
        work.follow_ups.save(replace(done, status=FollowUpStatus.DONE), AUTUMN)

    _seed(app, "T1", seed)
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    assert [(o.owner_id, o.count) for o in report.overdue] == [("UALICE", 2), ("UBOB", 1)]


def test_what_needs_action_in_the_next_90_days_with_its_value_per_currency(app: Harness) -> None:
    today = date(2026, 10, 28)

    def seed(work: SqlUnitOfWork) -> None:
        # Renews in 10 days: its renewal is what comes next.
        _contract(work, _account(work, "Soon", "UALICE"), "1000", "EUR", today + timedelta(10))
        # Renews in 120 days, notice 60 days before: its deadline (in 60 days) is in the window.
        notice = _account(work, "Notice", "UBOB")
        _contract(work, notice, "250.50", "EUR", today + timedelta(120), notice_days=60)
        # Notice deadline passed, renews in 20 days: the renewal.
        late = _account(work, "Late", "UBOB")
        _contract(work, late, "300", "USD", today + timedelta(20), notice_days=30)
        # Value not known: counted, never summed as 0.
        _contract(work, _account(work, "Unknown", "UALICE"), None, "USD", today + timedelta(90))
        # Outside: renews in 91 days; notice in 100; renewal already passed; churned account;
        # an outcome recorded.
        _contract(work, _account(work, "Far", "UALICE"), "9", "EUR", today + timedelta(91))
        # Notice deadline 20 days ago, renewal in 100 days: nothing in the window.
        passed_notice = _account(work, "PassedNotice", "UALICE")
        _contract(work, passed_notice, "9", "EUR", today + timedelta(100), notice_days=120)
        far_notice = _account(work, "FarNotice", "UALICE")
        _contract(work, far_notice, "9", "EUR", today + timedelta(130), notice_days=30)
        _contract(work, _account(work, "Passed", "UALICE"), "9", "EUR", today - timedelta(1))
        gone = _account(work, "Gone", "UALICE", AccountStatus.CHURNED)
        _contract(work, gone, "9", "EUR", today + timedelta(5))
        done = _account(work, "Done", "UALICE")
        _contract(
            work,
            done,
            "9",
            "EUR",
            today + timedelta(5),
            outcome=RenewalOutcome.RENEWED,
            outcome_at=LONG_AGO,
        )

    _seed(app, "T1", seed)
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    assert [(u.account_name, u.action.kind, u.action.day, u.value) for u in report.upcoming] == [
        ("Soon", ActionKind.RENEWAL, today + timedelta(10), Decimal("1000.00")),
        ("Late", ActionKind.RENEWAL, today + timedelta(20), Decimal("300.00")),
        ("Notice", ActionKind.NOTICE, today + timedelta(60), Decimal("250.50")),
        ("Unknown", ActionKind.RENEWAL, today + timedelta(90), None),
    ]
    assert [u.owner_id for u in report.upcoming] == ["UALICE", "UBOB", "UBOB", "UALICE"]
    assert report.upcoming_totals == (
        CurrencyTotal("EUR", Decimal("1250.50"), 2, 0),
        CurrencyTotal("USD", Decimal("300.00"), 2, 1),
    )


def test_the_weeks_renewal_outcomes_with_totals_per_outcome_and_currency(app: Harness) -> None:
    this_monday = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)

    def seed(work: SqlUnitOfWork) -> None:
        for name, value, currency, outcome, at in [
            ("Kept", "1000", "EUR", RenewalOutcome.RENEWED, this_monday),
            ("Kept too", "500", "EUR", RenewalOutcome.RENEWED, AUTUMN - timedelta(hours=2)),
            ("Kept dollars", None, "USD", RenewalOutcome.RENEWED, AUTUMN - timedelta(hours=1)),
            ("Lost", "700", "EUR", RenewalOutcome.CHURNED, AUTUMN - timedelta(days=1)),
            ("Stopped", "80", "USD", RenewalOutcome.CANCELLED, AUTUMN),
            # Sunday 23:59 CET: last week's.
            ("Last week", "9", "EUR", RenewalOutcome.RENEWED, this_monday - timedelta(minutes=1)),
        ]:
            status = AccountStatus.CHURNED if outcome is RenewalOutcome.CHURNED else None
            account = _account(work, name, "UALICE", status or AccountStatus.ACTIVE)
            _contract(
                work, account, value, currency, date(2026, 10, 20), outcome=outcome, outcome_at=at
            )

    _seed(app, "T1", seed)
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    assert [(o.account_name, o.outcome) for o in report.outcomes] == [
        ("Kept", RenewalOutcome.RENEWED),
        ("Lost", RenewalOutcome.CHURNED),
        ("Kept too", RenewalOutcome.RENEWED),
        ("Kept dollars", RenewalOutcome.RENEWED),
        ("Stopped", RenewalOutcome.CANCELLED),
    ]
    assert report.outcome_totals == (
        OutcomeTotal(RenewalOutcome.RENEWED, "EUR", Decimal("1500.00"), 2, 0),
        OutcomeTotal(RenewalOutcome.RENEWED, "USD", Decimal(0), 1, 1),
        OutcomeTotal(RenewalOutcome.CHURNED, "EUR", Decimal("700.00"), 1, 0),
        OutcomeTotal(RenewalOutcome.CANCELLED, "USD", Decimal("80.00"), 1, 0),
    )


def _seed_renewals(work: SqlUnitOfWork) -> None:
    acme, beta = _account(work, "Acme", "UALICE"), _account(work, "Beta", "UBOB")
    risky = _account(work, "Risky", "UBOB", AccountStatus.AT_RISK)
    _touch(work, acme, AUTUMN - timedelta(days=1))
    _contract(work, acme, "1000", "EUR", date(2026, 10, 2))  # this month, already passed
    _contract(work, beta, "250", "EUR", date(2027, 9, 30))  # the twelfth month's last day
    _contract(work, risky, "70.25", "USD", date(2027, 1, 15))
    for index, (renews, value, currency) in enumerate(
        [
            (date(2027, 1, 31), "30", "USD"),
            (date(2027, 1, 1), None, "USD"),  # not known: counted, not summed
            (date(2027, 10, 1), "9", "EUR"),  # the thirteenth month: not in the table
            (date(2026, 9, 30), "9", "EUR"),  # last month: not in the table
        ]
    ):
        _contract(work, _account(work, f"More {index}", "UALICE"), value, currency, renews)
    gone = _account(work, "Gone", "UALICE", AccountStatus.ARCHIVED)
    _contract(work, gone, "9", "EUR", date(2027, 2, 1))


def _direct_sums(work: SqlUnitOfWork, first: date, last: date) -> dict[tuple[str, date], Decimal]:
    """The table's numbers summed straight from every contract, whatever the band."""
    live = {
        a.id
        for a in work.accounts.all()
        if a.status in (AccountStatus.ACTIVE, AccountStatus.AT_RISK)
    }
    sums: dict[tuple[str, date], Decimal] = {}
    for contract in work.contracts.all():
        if (
            contract.outcome is None
            and contract.account_id in live
            and first <= contract.renewal_date <= last
            and contract.value is not None
        ):
            key = (contract.currency, contract.renewal_date.replace(day=1))
            sums[key] = sums.get(key, Decimal(0)) + contract.value
    return sums


def test_the_month_table_equals_a_direct_sum_and_splits_by_the_accounts_bands(
    app: Harness,
) -> None:
    _seed(app, "T1", _seed_renewals)
    _seed(
        app,
        "T2",
        lambda work: _contract(work, _account(work, "Acme", "U2"), "5", "EUR", date(2026, 11, 1)),
    )
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    table = report.months
    assert table.months[0] == date(2026, 10, 1) and table.months[-1] == date(2027, 9, 1)
    assert len(table.months) == 12
    direct = app.read("T1", lambda work: _direct_sums(work, date(2026, 10, 1), date(2027, 9, 30)))
    summed = {
        (currency.currency, month): currency.month_total(index)
        for currency in table.currencies
        for index, month in enumerate(table.months)
        if currency.month_total(index)
    }
    assert summed == direct
    assert [(c.currency, c.contracts, c.unknown) for c in table.currencies] == [
        ("EUR", 2, 0),
        ("USD", 3, 1),
    ]

    def bands(work: SqlUnitOfWork) -> dict[str, str]:
        accounts = [a for a in work.accounts.all() if a.name in {"Acme", "Beta", "Risky"}]
        health = health_of(work, accounts, AUTUMN, date(2026, 10, 28))
        return {a.name: health[a.id].band.label for a in accounts}

    expected = app.read("T1", bands)
    eur = table.currencies[0]
    by_band = {band.label: band.values for band in eur.bands}
    assert by_band[expected["Acme"]][0] == Decimal("1000.00")
    assert by_band[expected["Beta"]][11] >= Decimal("250.00")
    # The chart's values are the table's, panel for panel.
    charts = renewal_charts(table)
    assert [(c.currency, c.months) for c in charts] == [
        ("EUR", table.months),
        ("USD", table.months),
    ]
    for chart, currency in zip(charts, table.currencies, strict=True):
        assert [(s.label, s.values) for s in chart.series] == [
            (b.label, b.values) for b in currency.bands
        ]


def test_with_the_health_score_off_the_table_has_one_series(app: Harness) -> None:
    _seed(app, "T1", _seed_renewals)

    def switch_off(work: SqlUnitOfWork) -> None:
        work.workspaces.save(replace(work.workspaces.get_or_create(AUTUMN), health_enabled=False))

    _seed(app, "T1", switch_off)
    table = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN)).months
    assert [[b.label for b in c.bands] for c in table.currencies] == [[ALL], [ALL]]
    assert table.currencies[1].bands[0].values[3] == Decimal("100.25")  # January, USD


def test_an_empty_workspace_gives_an_empty_report(app: Harness) -> None:
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    assert report.is_empty
    assert renewal_charts(report.months) == ()


def test_the_chart_is_a_png_of_the_right_size_drawn_from_the_table(app: Harness) -> None:
    _seed(app, "T1", _seed_renewals)
    report = app.read("T1", lambda work: build_report(work, AUTUMN, BERLIN))
    png = chart_png(report, Viewer(user_id="UALICE", tz=BERLIN, now=AUTUMN))
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 400 * len(report.months.currencies))
        gray = image.convert("L")
        low, high = gray.getextrema()
        assert low < 128 < high  # not blank
        # The bars' colours are there: more than a handful of distinct shades.
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colors is not None and len(colors) > 10
