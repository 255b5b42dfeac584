"""Workspaces and the people in them: settings, follow-up numbering, profiles, preferences."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, Update, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import SlackProfile, UserPreferences, Workspace
from storage import mapping, models
from storage.repositories.base import TEAM, Scoped, check_version, insert_for

_DEFAULT_PREFERENCES = {
    "digest_time": "09:00",
    "nudge_mode": "digest",
    "workdays": "0,1,2,3,4",
    "hours_start": "09:00",
    "hours_end": "18:00",
}


@cache
def _workspace() -> Select[models.WorkspaceRow]:
    return select(models.WorkspaceRow).where(models.WorkspaceRow.team_id == bindparam(TEAM))


@cache
def _user() -> Select[models.UserRow]:
    user = models.UserRow
    return select(user).where(
        user.team_id == bindparam(TEAM), user.slack_user_id == bindparam("user")
    )


@cache
def _take_follow_up_number() -> Update:
    workspace = models.WorkspaceRow
    return (
        update(workspace)
        .where(workspace.team_id == bindparam(TEAM))
        .values(last_follow_up_number=workspace.last_follow_up_number + 1)
        .returning(workspace.last_follow_up_number)
    )


class SqlWorkspaceRepository(Scoped):
    def __init__(self, session: Session, team_id: str) -> None:
        super().__init__(session, team_id)
        # The session's identity map holds rows weakly: kept here, the workspace is read
        # once per unit of work, not once per question about it.
        self._held: models.WorkspaceRow | None = None

    def get_or_create(self, now: datetime) -> Workspace:
        row = self._held or self.session.scalars(_workspace(), {TEAM: self.team_id}).first()
        if row is None:
            # A new workspace's first requests often come at once: the first INSERT wins and
            # the others find its row, instead of failing on the primary key.
            self.session.execute(
                insert_for(self.session)(models.WorkspaceRow)
                .values(
                    team_id=self.team_id,
                    dayfirst=False,
                    currency="USD",
                    renewal_ladder="90,60,30,14,7,1",
                    last_follow_up_number=0,
                    created_at=now,
                    version=1,
                )
                .on_conflict_do_nothing(index_elements=["team_id"])
            )
            row = self.session.get_one(models.WorkspaceRow, self.team_id)
        self._held = row
        return mapping.workspace(row)

    def save(self, workspace: Workspace) -> Workspace:
        row = self.session.get_one(models.WorkspaceRow, self.team_id)
        check_version(row.version, workspace.version, f"workspace {self.team_id}")
        row.name = workspace.name
        row.dayfirst = workspace.dayfirst
        row.currency = workspace.currency
        row.escalation_channel = workspace.escalation_channel
        row.renewal_ladder = ",".join(str(d) for d in workspace.renewal_ladder)
        row.health_enabled = workspace.health_enabled
        row.report_channel = workspace.report_channel
        row.report_weekday = workspace.report_weekday
        row.report_time = workspace.report_time.strftime("%H:%M")
        row.report_timezone = workspace.report_timezone
        row.cadence_rules = mapping.stored_cadence_rules(workspace.cadence_rules)
        self.session.flush()
        return mapping.workspace(row)

    def claim_health_check(self, now: datetime, every: timedelta) -> bool:
        """Whether this caller checks the workspace's health bands now: True for the one
        whose conditional UPDATE found the last check ``every`` or longer ago (or none)."""
        row = models.WorkspaceRow
        claimed = self.session.execute(
            update(row)
            .where(
                row.team_id == self.team_id,
                or_(row.health_checked_at.is_(None), row.health_checked_at <= now - every),
            )
            .values(health_checked_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]

    def next_follow_up_number(self) -> int:
        number = self.session.execute(_take_follow_up_number(), {TEAM: self.team_id}).scalar_one()
        return int(number)


class SqlUserRepository(Scoped):
    def __init__(self, session: Session, team_id: str) -> None:
        super().__init__(session, team_id)
        # Every request reads its caller's row several times (settings, cached profile):
        # within one unit of work it is looked up once.
        self._rows: dict[str, models.UserRow | None] = {}

    def _row(self, user_id: str) -> models.UserRow | None:
        if user_id not in self._rows:
            self._rows[user_id] = self.session.scalars(
                _user(), {TEAM: self.team_id, "user": user_id}
            ).one_or_none()
        return self._rows[user_id]

    def preferences(self, user_id: str) -> UserPreferences | None:
        row = self._row(user_id)
        return mapping.preferences(row) if row else None

    def cached_profile(self, user_id: str, fresh_after: datetime) -> SlackProfile | None:
        row = self._row(user_id)
        if row is None or row.slack_checked_at is None or row.slack_checked_at <= fresh_after:
            return None
        return SlackProfile(
            user_id=user_id,
            timezone=row.slack_timezone,
            display_name=row.display_name,
            email=row.email,
            deleted=row.deactivated,
        )

    def save_profile(self, profile: SlackProfile, now: datetime) -> None:
        # An upsert: replicas (and concurrent requests) may cache the same user at once.
        fresh = {
            "slack_timezone": profile.timezone,
            "display_name": profile.display_name,
            "email": profile.email,
            "deactivated": profile.deleted,
            "slack_checked_at": now,
            "updated_at": now,
        }
        self.session.execute(
            insert_for(self.session)(models.UserRow)
            .values(
                team_id=self.team_id,
                slack_user_id=profile.user_id,
                **_DEFAULT_PREFERENCES,
                created_at=now,
                **fresh,
            )
            .on_conflict_do_update(index_elements=["team_id", "slack_user_id"], set_=fresh)
        )
        self.session.expire_all()
        self._rows.pop(profile.user_id, None)

    def _new_row(self, user_id: str, now: datetime) -> models.UserRow:
        row = models.UserRow(
            team_id=self.team_id,
            slack_user_id=user_id,
            deactivated=False,
            **_DEFAULT_PREFERENCES,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self._rows[user_id] = row
        return row

    def find_user_id(self, email_or_name: str) -> str | None:
        wanted = email_or_name.strip().casefold()
        matches = self.session.scalars(
            select(models.UserRow.slack_user_id).where(
                models.UserRow.team_id == self.team_id,
                models.UserRow.deactivated.is_(False),
                or_(
                    func.lower(models.UserRow.email) == wanted,
                    func.lower(models.UserRow.display_name) == wanted,
                ),
            )
        ).all()
        return matches[0] if len(matches) == 1 else None

    def save_preferences(self, preferences: UserPreferences, now: datetime) -> UserPreferences:
        row = self._row(preferences.user_id)
        if row is None:
            # Never stored: a row created meanwhile is a conflict (its unique key says so).
            check_version(0, preferences.version, f"user {preferences.user_id}")
            row = self._new_row(preferences.user_id, now)
        else:
            check_version(row.version, preferences.version, f"user {preferences.user_id}")
        row.timezone = preferences.timezone
        row.digest_time = preferences.digest_time.strftime("%H:%M")
        row.nudge_mode = preferences.nudge_mode.value
        row.workdays = ",".join(str(d) for d in sorted(preferences.workdays))
        row.hours_start = preferences.hours_start.strftime("%H:%M")
        row.hours_end = preferences.hours_end.strftime("%H:%M")
        row.updated_at = now
        self.session.flush()
        return mapping.preferences(row)
