"""Health bands kept by the scheduler's check: an account's band and since when it is in it,
claimed by one replica an hour, and read back as "entered at risk since …"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import AccountFilter, AccountStatus, InteractionKind
from bot.health import HealthBand
from bot.render import Viewer
from bot.render.team_report import render_team_report
from bot.services import accounts, interactions, queries
from bot.services.health import BAND_CHECK_EVERY, keep_bands, score_workspace
from bot.services.team_report import build_report
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import ALICE, NOW, Harness, when


def _check(app: Harness, at: datetime = NOW) -> list[tuple[str, HealthBand]]:
    """One band check at ``at``: the bands entered at it, by account name."""

    def check(work: SqlUnitOfWork) -> list[tuple[str, HealthBand]]:
        scored = score_workspace(work, at, at.date())
        entered = keep_bands(work, scored)
        names = {a.id: a.name for a in work.accounts.search("", include_archived=True, limit=50)}
        return [(names[band.account_id], band.band) for band in entered]

    return app.read("T1", check)


def _bands(app: Harness) -> dict[str, tuple[HealthBand, object]]:
    def read(work: SqlUnitOfWork) -> dict[str, tuple[HealthBand, object]]:
        names = {a.id: a.name for a in work.accounts.search("", include_archived=True, limit=50)}
        return {names[i]: (k.band, k.since) for i, k in work.health_bands.kept().items()}

    return app.read("T1", read)


def test_the_first_check_keeps_each_band_from_the_accounts_creation(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=100), name="Cold")
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Warm")
    assert _check(app) == []  # nothing old is announced as new
    assert _bands(app) == {
        "Cold": (HealthBand.WATCH, NOW - timedelta(days=100)),
        "Warm": (HealthBand.HEALTHY, NOW - timedelta(days=3)),
    }


def test_a_band_entered_is_kept_from_the_check_that_saw_it(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Acme")
    _check(app)
    app.run(ALICE, accounts.set_status, NOW, account="Acme", status=AccountStatus.AT_RISK)
    later = NOW + BAND_CHECK_EVERY
    assert _check(app, later) == [("Acme", HealthBand.AT_RISK)]
    assert _bands(app) == {"Acme": (HealthBand.AT_RISK, later)}
    entered = app.read("T1", lambda w: w.health_bands.entered(HealthBand.AT_RISK, NOW))
    assert [(k.band, k.since) for k in entered] == [(HealthBand.AT_RISK, later)]
    just_after = later + timedelta(seconds=1)
    assert app.read("T1", lambda w: w.health_bands.entered(HealthBand.AT_RISK, just_after)) == []
    # The same band at the next check: nothing entered, since unchanged.
    assert _check(app, later + BAND_CHECK_EVERY) == []
    assert _bands(app)["Acme"] == (HealthBand.AT_RISK, later)


def test_an_account_no_longer_scored_loses_its_band(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Acme")
    _check(app)
    app.run(ALICE, accounts.set_status, NOW, account="Acme", status=AccountStatus.CHURNED)
    _check(app, NOW + BAND_CHECK_EVERY)
    assert _bands(app) == {}


def test_a_touch_moves_an_account_back_to_healthy(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=100), name="Cold")
    _check(app)
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Cold",
        kind=InteractionKind.CALL,
        summary="caught up",
        when=when("today", past=True),
    )
    assert _check(app, NOW + BAND_CHECK_EVERY) == [("Cold", HealthBand.HEALTHY)]


def test_one_replica_claims_each_check(app: Harness) -> None:
    app.read("T1", lambda w: w.workspaces.get_or_create(NOW))

    def claim(at: datetime) -> bool:
        return app.read("T1", lambda w: w.workspaces.claim_health_check(at, BAND_CHECK_EVERY))

    assert claim(NOW) is True
    assert claim(NOW) is False  # another replica, the same minute
    assert claim(NOW + BAND_CHECK_EVERY - timedelta(seconds=1)) is False
    assert claim(NOW + BAND_CHECK_EVERY) is True


def test_a_long_list_by_health_follows_the_kept_order_and_shows_scores_as_of_now(
    app: Harness,
) -> None:
    for name, days in (("Cold", 100), ("Cool", 50), ("Warm", 3)):
        app.run(ALICE, accounts.add_account, NOW - timedelta(days=days), name=name)
    app.run(ALICE, accounts.add_account, NOW, name="Brand new")  # no band kept yet
    _check(app)
    app.run(ALICE, accounts.add_account, NOW, name="Added since")
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Cold",
        kind=InteractionKind.CALL,
        summary="caught up",
        when=when("today", past=True),
    )

    def listed(live_up_to: int) -> list[tuple[str, int]]:
        def read(work: SqlUnitOfWork) -> list[tuple[str, int]]:
            found = queries.account_health_list(
                work, AccountFilter(), NOW, NOW.date(), live_up_to=live_up_to
            )
            assert found.kept_order is (live_up_to < 5)
            return [(a.name, found.health[a.id].score) for a in found.page.items]

        return app.read("T1", read)

    # Long (more than live_up_to): the hourly check's order, today's scores.
    assert listed(2) == [
        ("Cold", 100),
        ("Cool", 73),
        ("Brand new", 100),
        ("Warm", 100),
        ("Added since", 100),
    ]
    # Short: scored now and ordered by it.
    assert [name for name, _ in listed(100)][:1] == ["Cool"]


def test_the_weekly_report_names_the_accounts_that_moved_into_at_risk_this_week(
    app: Harness,
) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Acme")
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Globex")
    app.run(ALICE, accounts.set_status, NOW, account="Globex", status=AccountStatus.AT_RISK)
    _check(app)  # Globex was at risk before the first check: kept from its creation
    app.run(ALICE, accounts.set_status, NOW, account="Acme", status=AccountStatus.AT_RISK)
    _check(app, NOW + BAND_CHECK_EVERY)
    zone = ZoneInfo("Europe/Berlin")
    report = app.read("T1", lambda w: build_report(w, NOW + 2 * BAND_CHECK_EVERY, zone))
    assert [(a.account_name, a.owner_id, a.since) for a in report.entered_at_risk] == [
        ("Acme", "UALICE", NOW + BAND_CHECK_EVERY)
    ]
    viewer = Viewer(user_id="UALICE", tz=zone, now=NOW)
    shown = [b["text"]["text"] for b in render_team_report(report, viewer).blocks if "text" in b]
    assert "*Moved into at risk this week*\n• *Acme* · 39 · since Wed 6 Jan · <@UALICE>" in shown
    # Next week it is old news.
    later = app.read("T1", lambda w: build_report(w, NOW + timedelta(days=7), zone))
    assert later.entered_at_risk == ()
