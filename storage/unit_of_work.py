"""The transaction boundary: open one workspace's repositories, commit once at the end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot import ports
from bot.domain import OPERATOR_TEAM
from bot.errors import ConcurrentChange, WriteWhileReading
from storage.database import SNAPSHOT, one_transaction_at_a_time
from storage.models import WorkspaceRow
from storage.repositories import (
    SqlAccountRepository,
    SqlAuditLog,
    SqlBulkWriter,
    SqlContactRepository,
    SqlContractRepository,
    SqlFollowUpRepository,
    SqlInteractionRepository,
    SqlNudgeLedger,
    SqlSlackEventLog,
    SqlUserRepository,
    SqlWorkspaceRepository,
)
from storage.repositories.activity import SqlActivityRepository
from storage.repositories.erasure import SqlWorkspaceErasure
from storage.repositories.health_bands import SqlHealthBandRepository
from storage.repositories.notify_rules import SqlNotifyRuleRepository
from storage.repositories.team_report import SqlTeamReportRepository
from storage.repositories.watchers import SqlWatcherRepository


class SqlUnitOfWork:
    """One workspace's repositories over one session; see ``bot.ports.UnitOfWork``."""

    def __init__(self, session: Session, team_id: str, *, read_only: bool = False) -> None:
        self.session = session
        self.team_id = team_id
        self.read_only = read_only
        # Typed as the core's ports, so mypy checks each repository against its interface.
        self.workspaces: ports.WorkspaceRepository = SqlWorkspaceRepository(session, team_id)
        self.users: ports.UserRepository = SqlUserRepository(session, team_id)
        self.accounts: ports.AccountRepository = SqlAccountRepository(session, team_id)
        self.contacts: ports.ContactRepository = SqlContactRepository(session, team_id)
        self.interactions: ports.InteractionRepository = SqlInteractionRepository(session, team_id)
        self.follow_ups: ports.FollowUpRepository = SqlFollowUpRepository(session, team_id)
        self.contracts: ports.ContractRepository = SqlContractRepository(session, team_id)
        self.activity: ports.ActivityRepository = SqlActivityRepository(session, team_id)
        self.health_bands: ports.HealthBandRepository = SqlHealthBandRepository(session, team_id)
        self.watchers: ports.WatcherRepository = SqlWatcherRepository(session, team_id)
        self.team_report: ports.TeamReportRepository = SqlTeamReportRepository(session, team_id)
        self.notify_rules: ports.NotifyRuleRepository = SqlNotifyRuleRepository(session, team_id)
        # One key for every audit row this unit writes: `undo` takes back a change whole.
        change_key = uuid.uuid4().hex
        self.audit: ports.AuditLog = SqlAuditLog(session, team_id, change_key)
        self.events: ports.SlackEventLog = SqlSlackEventLog(session, team_id)
        self.nudges: ports.NudgeLedger = SqlNudgeLedger(session, team_id)
        self.bulk: ports.BulkWriter = SqlBulkWriter(session, team_id, change_key)
        self._writes = 0
        event.listen(session, "before_flush", self._flushing)
        event.listen(session, "after_flush", self._flushed)
        event.listen(session, "do_orm_execute", self._executed)

    def wrote(self) -> bool:
        """Anything written so far, or waiting in the session to be (an audit row)."""
        session = self.session
        return self._writes > 0 or bool(session.new or session.dirty or session.deleted)

    def _flushing(self, session: Session, _context: object, _instances: object) -> None:
        if self.read_only and (session.new or session.dirty or session.deleted):
            raise WriteWhileReading("a change flushed in a read-only unit of work")

    def _flushed(self, _session: Session, _context: object) -> None:
        self._writes += 1  # called only for a flush that had changes to write

    def _executed(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            if self.read_only:
                raise WriteWhileReading("a write statement in a read-only unit of work")
            self._writes += 1


@contextmanager
def unit_of_work(
    sessions: sessionmaker[Session],
    team_id: str,
    *,
    dry_run: bool = False,
    read_only: bool = False,
) -> Iterator[SqlUnitOfWork]:
    """The one place that commits: on a clean exit. Any exception rolls everything back,
    and so does the end of a ``dry_run`` (a preview that shows what would change).

    ``read_only``: a snapshot for work that only reads (a Home tab), which on SQLite neither
    waits for the writer nor holds it up; a write in it raises ``WriteWhileReading`` before
    it reaches the database.

    A write that lost a race — a row changed since it was read (its version), a unique key
    taken meanwhile, a deadlock — is raised as ``ConcurrentChange``, for the caller to run
    the whole unit again on fresh data."""
    try:
        with (
            one_transaction_at_a_time(sessions, reading=read_only),
            sessions() as session,
            session.begin() as transaction,
        ):
            if read_only:  # the connection, begun as a snapshot (storage.database)
                session.connection(execution_options={SNAPSHOT: True})
            yield SqlUnitOfWork(session, team_id, read_only=read_only)
            if dry_run:
                transaction.rollback()
    except (StaleDataError, IntegrityError) as conflict:
        raise ConcurrentChange(str(conflict)) from conflict
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) in _CONFLICT_SQLSTATES:
            raise ConcurrentChange(str(error)) from error
        raise


# PostgreSQL's serialization failure and deadlock: both say "run the transaction again".
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})


@contextmanager
def workspace_erasure(
    sessions: sessionmaker[Session], team_id: str, *, read_only: bool = False
) -> Iterator[SqlWorkspaceErasure]:
    """Every row of one workspace, in one transaction that commits on a clean exit (a unit
    of work's, so the same rules hold); ``read_only`` for a dry run, which cannot write."""
    with unit_of_work(sessions, team_id, read_only=read_only) as work:
        yield SqlWorkspaceErasure(work.session, team_id)


def team_ids(sessions: sessionmaker[Session]) -> list[str]:
    """The workspaces this database holds: for an operator's command that names none."""
    workspace = WorkspaceRow
    with sessions() as session:
        return list(
            session.scalars(
                select(workspace.team_id)
                .where(workspace.team_id != OPERATOR_TEAM)
                .order_by(workspace.team_id)
            )
        )
