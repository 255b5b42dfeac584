"""`python app.py report`: the team report previewed as text, its chart written as a PNG."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import sessionmaker

import app
from bot.domain import AccountKind, ContractDirection, Owner
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS

NOW = "2026-10-28T11:00:00+01:00"
SEEDED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def database(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    fresh_database_url: Callable[[str], URL],
    tmp_path: Path,
) -> URL:
    url = fresh_database_url(getattr(request, "param", "sqlite"))
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert app.main(["db", "upgrade"], out=io.StringIO()) == 0
    return url


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = app.main(list(argv), out=out)
    return code, out.getvalue()


def _seed(url: URL, team: str, renewals: list[tuple[str, str, date]]) -> None:
    engine = create_engine(url)
    try:
        with unit_of_work(sessionmaker(engine), team) as work:
            work.workspaces.get_or_create(SEEDED)
            for index, (value, currency, renews) in enumerate(renewals):
                account = work.accounts.add(
                    name=f"Account {index} <!channel>",
                    kind=AccountKind.CUSTOMER,
                    owner=Owner(user_id="UALICE"),
                    tier=None,
                    cadence_days=30,
                    now=SEEDED,
                )
                work.contracts.add(
                    account_id=account.id,
                    value=Decimal(value),
                    currency=currency,
                    renewal_date=renews,
                    direction=ContractDirection.WE_SELL,
                    start_date=None,
                    notice_days=None,
                    auto_renew=False,
                    previous_id=None,
                    now=SEEDED,
                )
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_report_dry_run_prints_the_report_and_writes_the_chart(
    database: URL, tmp_path: Path
) -> None:
    _seed(
        database,
        "T1",
        [("1000", "EUR", date(2026, 11, 20)), ("250", "USD", date(2027, 3, 1))],
    )
    png = tmp_path / "chart.png"
    code, shown = run(
        "report", "--now", NOW, "--dry-run", "--png", str(png), "--zone", "Europe/Berlin"
    )
    assert code == 0
    assert "TEAM REPORT — WEEK OF MON 26 OCT" in shown
    assert "Account 0 <!channel>" in shown  # the console shows names as typed
    assert "renews · 1,000 EUR · @UALICE" in shown  # within 90 days; the USD one is not
    march = next(line for line in shown.splitlines() if line.startswith("Mar 27"))
    assert march.split() == ["Mar", "27", "—", "250"]
    assert f"Chart written to {png}." in shown
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 800)  # two currencies: two panels of 400 px
        low, high = image.convert("L").getextrema()
        assert low < 128 < high  # not blank: dark marks on the white background


def test_report_without_dry_run_says_posting_is_the_scheduled_reports_job(
    database: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = run("report", "--team", "T1")
    assert (code, shown) == (2, "")
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "settings workspace report" in error and "--dry-run" in error


def test_report_of_an_empty_workspace_has_no_chart(database: URL, tmp_path: Path) -> None:
    png = tmp_path / "chart.png"
    code, shown = run("report", "--team", "T9", "--dry-run", "--png", str(png), "--now", NOW)
    assert code == 0
    assert "Nothing to report yet" in shown
    assert "No chart" in shown and not png.exists()


def test_report_picks_the_only_workspace_and_refuses_to_guess_among_several(
    database: URL,
) -> None:
    _seed(database, "T1", [("5", "EUR", date(2026, 11, 1))])
    code, shown = run("report", "--dry-run", "--now", NOW)
    assert code == 0 and "5 EUR" in shown
    _seed(database, "T2", [])
    assert run("report", "--dry-run", "--now", NOW)[0] == 2
