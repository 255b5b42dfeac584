"""`console --demo`: a fresh demo database, seeded through the app, dated relative to today."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import app
from bot.console import demo
from bot.console.shell import run_console
from bot.settings import Settings
from tests.console.conftest import ZONE


def test_the_demo_lines_are_dated_from_today() -> None:
    steps = demo.demo_steps(date(2027, 1, 6))
    contracts = [s.line for s in steps if s.line.startswith("contract")]
    assert any("renews 2027-01-16" in line for line in contracts)  # in 10 days
    assert any("renews 2027-02-20" in line for line in contracts)  # in 45 days
    assert any("renews 2027-03-27" in line for line in contracts)  # in 80 days
    assert [s.days_ago for s in steps] == sorted((s.days_ago for s in steps), reverse=True)


def test_demo_seeds_its_own_database_and_mine_and_home_show_it(tmp_path: Path) -> None:
    mine = tmp_path / "mine.db"
    (tmp_path / demo.DEMO_DATABASE).write_text("an old demo, replaced")
    out = io.StringIO()
    code = run_console(
        Settings(database_url=f"sqlite:///{mine}"),
        with_demo=True,
        inp=io.StringIO("/crm mine\n:home\n/crm stale\n"),
        out=out,
        zone=ZONE,
        directory=tmp_path,
    )
    shown = out.getvalue()
    assert code == 0, shown
    assert not mine.exists()  # the user's own database is never touched
    assert f"Database: sqlite:///{tmp_path / demo.DEMO_DATABASE}" in shown
    assert "Demo: 22 commands replayed into a fresh rapport-demo.db." in shown

    mine_reply = shown.split("you> /crm mine")[1].split("you> :home")[0]
    for account in ("Acme Corp", "Globex", "Initech", "Northwind Traders", "Hooli"):
        assert account in mine_reply
    assert "send the plan · Globex" in mine_reply and "4 days overdue" in mine_reply
    assert "chase it · Initech" in mine_reply and "2 days overdue" in mine_reply
    assert "(in 10 days)" in mine_reply and "(in 45 days)" in mine_reply
    assert "(in 80 days)" in mine_reply
    assert "(we buy)" in mine_reply  # the vendor

    home = shown.split("you> :home")[1].split("you> /crm stale")[0]
    assert "OVERDUE FOLLOW-UPS (2)" in home
    assert "RENEWALS IN THE NEXT 90 DAYS (3)" in home
    assert "STALE ACCOUNTS (1)" in home and "Hooli" in home

    stale = shown.split("you> /crm stale")[1]
    assert "Hooli" in stale and "never touched" in stale


def test_seeding_twice_starts_over(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    for _ in range(2):
        url = demo.fresh_demo_database(tmp_path)
        assert demo.seed_demo(url, zone="UTC", now=now) == len(demo.demo_steps(now.date()))


def test_nudge_dry_run_on_the_demo_data_prints_a_readable_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python app.py nudge --now … --dry-run` on the demo: Alice (Berlin) is due at 09:05."""
    seeded_at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    url = demo.fresh_demo_database(tmp_path)
    demo.seed_demo(url, zone="UTC", now=seeded_at)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert app.main(["nudge", "--now", "2027-03-29T09:05:00+02:00", "--dry-run"], out=out) == 0
    shown = out.getvalue()
    assert "planning as of 2027-03-29T09:05:00+02:00" in shown
    assert "to @alice (UALICE)" in shown
    assert "Overdue by" in shown and "would be sent now" in shown
    assert "key fu:" in shown
