"""The per-test rollback really removes what a test wrote, commits included (STYLE.md 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from storage.models import WorkspaceRow
from storage.unit_of_work import unit_of_work

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
