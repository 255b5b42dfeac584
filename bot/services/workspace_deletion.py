"""`workspace delete T…`: an operator removes every row of one workspace, and it is recorded.

The CRM data of a workspace that uninstalled Rapport stays until an operator deletes it. The
deletion is one transaction; its record (who, when, how many rows of each table) goes to the
operator's audit trail (``OPERATOR_TEAM``), which outlives the workspace, in the same
transaction: there is never a deletion without its record, nor a record of one that did not
happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import OPERATOR_TEAM, AuditEvent
from bot.errors import RapportError
from bot.ports import WorkspaceErasure

ACTION = "workspace.delete"


class NothingToDelete(RapportError):
    """The workspace named has no rows: a typo, or deleted already."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"nothing to delete: the database holds no rows of workspace {team_id}")
        self.team_id = team_id


class NotAWorkspace(RapportError):
    def __init__(self, team_id: str) -> None:
        super().__init__(f"{team_id} is the operator's audit trail, not a workspace")


@dataclass(frozen=True, slots=True)
class WorkspaceDeletion:
    """What a deletion removed (or a dry run would remove): rows per table, in the order
    they are deleted."""

    team_id: str
    rows: dict[str, int]
    dry_run: bool

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def delete_workspace(
    erasure: WorkspaceErasure, operator: str, now: datetime, *, dry_run: bool
) -> WorkspaceDeletion:
    """Every row of the erasure's workspace, deleted and recorded as done by ``operator``;
    with ``dry_run`` only counted. ``NothingToDelete`` when there is no row (the caller's
    unit of work rolls back, so a refusal changes nothing)."""
    if erasure.team_id == OPERATOR_TEAM:
        raise NotAWorkspace(erasure.team_id)
    rows = erasure.rows() if dry_run else erasure.erase()
    deletion = WorkspaceDeletion(team_id=erasure.team_id, rows=rows, dry_run=dry_run)
    if deletion.total == 0:
        raise NothingToDelete(erasure.team_id)
    if not dry_run:
        erasure.record(
            AuditEvent(
                team_id=OPERATOR_TEAM,
                actor=operator,
                action=ACTION,
                entity="workspace",
                entity_id=erasure.team_id,
                at=now,
                before={"rows": dict(rows), "total": deletion.total},
            ),
            now,
        )
    return deletion
