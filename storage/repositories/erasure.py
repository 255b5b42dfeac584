"""Every row of one workspace, in every table: what `workspace delete` counts and removes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, func, select

from bot.domain import OPERATOR_TEAM, AuditEvent
from storage import installations, models
from storage.repositories.base import Scoped
from storage.repositories.ledger import SqlAuditLog
from storage.repositories.workspaces import SqlWorkspaceRepository

# Every table that holds a workspace's rows, children before the rows they point at and the
# workspace row last: each DELETE removes its own rows, none is left to a cascade, so the
# counts are what each table lost (tests/integration/test_workspace_delete.py fails when a
# table with a team_id is missing here, or comes after a table it points at). The
# installation's tokens go too (multi-workspace mode): every row of the workspace means its
# Slack tokens as well, and a workspace still installed must install Rapport again.
ERASED_TABLES: tuple[Table, ...] = (
    *(
        cast(Table, row.__table__)
        for row in (
            models.AccountTagRow,
            models.AccountWatcherRow,
            models.AccountHealthRow,
            models.NotifyRuleRow,
            models.InteractionRow,  # points at contacts too
            models.FollowUpRow,
            models.ContractRow,
            models.ContactRow,
            models.AccountRow,
            models.NudgeRow,
            models.AuditEventRow,
            models.UserRow,
            models.SlackEventRow,
        )
    ),
    installations.slack_installations,
    installations.slack_bots,
    cast(Table, models.WorkspaceRow.__table__),
)


class SqlWorkspaceErasure(Scoped):
    """See ``bot.ports.WorkspaceErasure``."""

    def rows(self) -> dict[str, int]:
        return {
            table.name: int(
                self.session.execute(
                    select(func.count()).select_from(table).where(table.c.team_id == self.team_id)
                ).scalar_one()
            )
            for table in ERASED_TABLES
        }

    def erase(self) -> dict[str, int]:
        erased: dict[str, int] = {}
        for table in ERASED_TABLES:
            result = cast(
                CursorResult[Any],
                self.session.execute(delete(table).where(table.c.team_id == self.team_id)),
            )
            erased[table.name] = int(result.rowcount)
        return erased

    def record(self, event: AuditEvent, now: datetime) -> None:
        SqlWorkspaceRepository(self.session, OPERATOR_TEAM).get_or_create(now)
        SqlAuditLog(self.session, OPERATOR_TEAM).record(event)
