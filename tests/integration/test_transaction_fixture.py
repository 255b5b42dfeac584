"""The per-test rollback really removes what a test wrote, commits included (STYLE.md 6);
the harness's snapshot sees every row of every table."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import sessionmaker

from bot.services import accounts
from storage import models
from storage.models import WorkspaceRow
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import ALICE, Harness

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_rows_committed_inside_a_test_are_gone_after_its_rollback(
    migrated_engine: Engine,
) -> None:
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        with unit_of_work(sessions, "TFIXTURE") as work:
            work.workspaces.get_or_create(NOW)
        # Committed to the savepoint: visible inside the test's transaction …
        count = (
            select(func.count()).select_from(WorkspaceRow).where(WorkspaceRow.team_id == "TFIXTURE")
        )
        assert connection.execute(count).scalar_one() == 1
        outer.rollback()
    # … and gone for everyone afterwards.
    with migrated_engine.connect() as fresh:
        assert fresh.execute(count).scalar_one() == 0


def test_a_failed_unit_of_work_leaves_nothing(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        try:
            with unit_of_work(sessions, "TFAIL") as work:
                work.workspaces.get_or_create(NOW)
                raise RuntimeError("refused half-way")
        except RuntimeError:
            pass
        count = (
            select(func.count()).select_from(WorkspaceRow).where(WorkspaceRow.team_id == "TFAIL")
        )
        assert connection.execute(count).scalar_one() == 0
        outer.rollback()


def test_the_snapshot_holds_every_table_and_sees_a_row_changed_in_place(app: Harness) -> None:
    """A refused command that updates a row without adding one is caught, in any table, and
    the difference names the table, the row and the column."""
    assert set(app.snapshot().tables) == set(models.Base.metadata.tables)
    assert {"nudges", "slack_events", "audit_events"} <= set(app.snapshot().tables)
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.read("T1", lambda w: w.events.remember("Ev01", NOW))
    before = app.snapshot()
    assert app.snapshot() == before
    with app.sessions() as session, session.begin():
        session.execute(update(models.AccountRow).values(tier="gold"))
        session.execute(update(models.SlackEventRow).values(received_at=NOW.replace(year=2028)))
    after = app.snapshot()
    assert after != before
    lines = after.differences(before)
    assert lines[0] == f"accounts {{'id': {acme.id}}}: tier 'gold' != None"
    assert len(lines) == 2
    assert lines[1].startswith("slack_events {'event_id': 'Ev01'}: received_at datetime")
