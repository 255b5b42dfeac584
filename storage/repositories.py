"""Every query Rapport runs. Each repository is bound to one workspace at construction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Update,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    AuditEvent,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    Interaction,
    InteractionKind,
    Owner,
    RenewalOutcome,
    SlackProfile,
    UserPreferences,
    Workspace,
    name_key,
)
from bot.nudges.model import ItemKind, LedgerEntry, NudgeStatus, Occasion
from storage import mapping, models

LIVE_STATUSES = (AccountStatus.ACTIVE.value, AccountStatus.AT_RISK.value)
_DEFAULT_PREFERENCES = {
    "digest_time": "09:00",
    "nudge_mode": "digest",
    "workdays": "0,1,2,3,4",
    "hours_start": "09:00",
    "hours_end": "18:00",
}


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _to_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _insert_for(session: Session) -> Callable[..., Any]:
    """INSERT with ON CONFLICT for the session's dialect (SQLite and PostgreSQL share it)."""
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert


class _Scoped:
    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id


class SqlWorkspaceRepository(_Scoped):
    def get_or_create(self, now: datetime) -> Workspace:
        row = self.session.get(models.WorkspaceRow, self.team_id)
        if row is None:
            row = models.WorkspaceRow(
                team_id=self.team_id,
                dayfirst=False,
                renewal_ladder="90,60,30,14,7,1",
                last_follow_up_number=0,
                created_at=now,
            )
            self.session.add(row)
            self.session.flush()
        return mapping.workspace(row)

    def save(self, workspace: Workspace) -> Workspace:
        row = self.session.get_one(models.WorkspaceRow, self.team_id)
        row.name = workspace.name
        row.dayfirst = workspace.dayfirst
        row.escalation_channel = workspace.escalation_channel
        row.renewal_ladder = ",".join(str(d) for d in workspace.renewal_ladder)
        self.session.flush()
        return mapping.workspace(row)

    def next_follow_up_number(self) -> int:
        number = self.session.execute(
            update(models.WorkspaceRow)
            .where(models.WorkspaceRow.team_id == self.team_id)
            .values(last_follow_up_number=models.WorkspaceRow.last_follow_up_number + 1)
            .returning(models.WorkspaceRow.last_follow_up_number)
        ).scalar_one()
        return int(number)


class SqlUserRepository(_Scoped):
    def _row(self, user_id: str) -> models.UserRow | None:
        return self.session.scalars(
            select(models.UserRow).where(
                models.UserRow.team_id == self.team_id, models.UserRow.slack_user_id == user_id
            )
        ).one_or_none()

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
            _insert_for(self.session)(models.UserRow)
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
        row = self._row(preferences.user_id) or self._new_row(preferences.user_id, now)
        row.timezone = preferences.timezone
        row.digest_time = preferences.digest_time.strftime("%H:%M")
        row.nudge_mode = preferences.nudge_mode.value
        row.workdays = ",".join(str(d) for d in sorted(preferences.workdays))
        row.hours_start = preferences.hours_start.strftime("%H:%M")
        row.hours_end = preferences.hours_end.strftime("%H:%M")
        row.updated_at = now
        self.session.flush()
        return mapping.preferences(row)


class SqlAccountRepository(_Scoped):
    def _select(self) -> Select[models.AccountRow]:
        return (
            select(models.AccountRow)
            .where(models.AccountRow.team_id == self.team_id)
            .options(selectinload(models.AccountRow.tags))
        )

    @staticmethod
    def _domain(row: models.AccountRow) -> Account:
        return mapping.account(row, tuple(t.tag for t in row.tags))

    def _all(self, query: Select[models.AccountRow]) -> list[Account]:
        return [self._domain(row) for row in self.session.scalars(query)]

    def add(
        self,
        *,
        name: str,
        kind: AccountKind,
        owner: Owner,
        tier: str | None,
        cadence_days: int,
        now: datetime,
        status: AccountStatus = AccountStatus.ACTIVE,
        tags: Sequence[str] = (),
        last_touch_at: datetime | None = None,
    ) -> Account:
        row = models.AccountRow(
            team_id=self.team_id,
            name=name,
            name_key=name_key(name),
            kind=kind.value,
            owner_id=owner.user_id,
            owner_unresolved=owner.unresolved,
            tier=tier,
            status=status.value,
            cadence_days=cadence_days,
            last_touch_at=last_touch_at,
            next_touch_due=(last_touch_at or now) + timedelta(days=cadence_days),
            created_at=now,
            updated_at=now,
            tags=[self._tag_row(tag) for tag in tags],
        )
        self.session.add(row)
        self.session.flush()
        return self._domain(row)

    def _tag_row(self, tag: str) -> models.AccountTagRow:
        return models.AccountTagRow(team_id=self.team_id, tag=tag, tag_key=name_key(tag))

    def _row(self, account_id: int) -> models.AccountRow | None:
        return self.session.scalars(
            self._select().where(models.AccountRow.id == account_id)
        ).one_or_none()

    def get(self, account_id: int) -> Account | None:
        row = self._row(account_id)
        return self._domain(row) if row else None

    def by_key(self, key: str) -> Account | None:
        row = self.session.scalars(
            self._select().where(models.AccountRow.name_key == key)
        ).one_or_none()
        return self._domain(row) if row else None

    def by_ids(self, ids: Iterable[int]) -> dict[int, Account]:
        wanted = set(ids)
        if not wanted:
            return {}
        accounts = self._all(self._select().where(models.AccountRow.id.in_(wanted)))
        return {a.id: a for a in accounts}

    def names(self, *, include_archived: bool = True) -> list[str]:
        query = select(models.AccountRow.name).where(models.AccountRow.team_id == self.team_id)
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return list(self.session.scalars(query.order_by(models.AccountRow.name_key)))

    def save(self, account: Account) -> Account:
        row = self._row(account.id)
        if row is None:
            raise LookupError(f"account {account.id} is not in workspace {self.team_id}")
        row.name = account.name
        row.name_key = name_key(account.name)
        row.kind = account.kind.value
        row.owner_id = account.owner.user_id
        row.owner_unresolved = account.owner.unresolved
        row.tier = account.tier
        row.status = account.status.value
        row.cadence_days = account.cadence_days
        row.last_touch_at = account.last_touch_at
        row.next_touch_due = account.next_touch_due
        row.stale_snoozed_until = account.stale_snoozed_until
        row.updated_at = account.updated_at
        wanted = {name_key(t): t for t in account.tags}
        row.tags = [t for t in row.tags if t.tag_key in wanted] + [
            self._tag_row(tag)
            for key, tag in wanted.items()
            if key not in {t.tag_key for t in row.tags}
        ]
        self.session.flush()
        return self._domain(row)

    def search(self, text: str, *, include_archived: bool, limit: int) -> list[Account]:
        pattern = _like_pattern(name_key(text))
        tag_match = exists().where(
            models.AccountTagRow.account_id == models.AccountRow.id,
            models.AccountTagRow.tag_key.like(pattern, escape="\\"),
        )
        contact_match = exists().where(
            models.ContactRow.account_id == models.AccountRow.id,
            models.ContactRow.name_key.like(pattern, escape="\\"),
        )
        query = self._select().where(
            or_(models.AccountRow.name_key.like(pattern, escape="\\"), tag_match, contact_match)
        )
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return self._all(query.order_by(models.AccountRow.name_key).limit(limit))

    def owned_by(self, owner_id: str) -> list[Account]:
        return self._all(
            self._select()
            .where(
                models.AccountRow.owner_id == owner_id,
                models.AccountRow.status.in_(LIVE_STATUSES),
            )
            .order_by(models.AccountRow.name_key)
        )

    def with_unresolved_owner(self) -> list[Account]:
        return self._all(
            self._select()
            .where(models.AccountRow.owner_id.is_(None))
            .order_by(models.AccountRow.name_key)
        )

    def stale(self, now: datetime, owner_id: str | None) -> list[Account]:
        query = self._select().where(
            models.AccountRow.status.in_(LIVE_STATUSES),
            models.AccountRow.next_touch_due < now,
        )
        if owner_id is not None:
            query = query.where(models.AccountRow.owner_id == owner_id)
        return self._all(query.order_by(models.AccountRow.next_touch_due, models.AccountRow.id))

    def all(self) -> list[Account]:
        return self._all(self._select().order_by(models.AccountRow.id))


class SqlContactRepository(_Scoped):
    def add(
        self,
        *,
        account_id: int,
        name: str,
        title: str | None,
        email: str | None,
        phone: str | None,
        slack_user_id: str | None,
        now: datetime,
    ) -> Contact:
        row = models.ContactRow(
            team_id=self.team_id,
            account_id=account_id,
            name=name,
            name_key=name_key(name),
            title=title,
            email=email,
            phone=phone,
            slack_user_id=slack_user_id,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.contact(row)

    def for_account(self, account_id: int) -> list[Contact]:
        rows = self.session.scalars(
            select(models.ContactRow)
            .where(
                models.ContactRow.team_id == self.team_id,
                models.ContactRow.account_id == account_id,
            )
            .order_by(models.ContactRow.name_key, models.ContactRow.id)
        )
        return [mapping.contact(r) for r in rows]

    def names_by_account(self, account_ids: Iterable[int]) -> dict[int, list[str]]:
        wanted = list(set(account_ids))
        names: dict[int, list[str]] = {account_id: [] for account_id in wanted}
        if not wanted:
            return names
        rows = self.session.execute(
            select(models.ContactRow.account_id, models.ContactRow.name)
            .where(
                models.ContactRow.team_id == self.team_id,
                models.ContactRow.account_id.in_(wanted),
            )
            .order_by(models.ContactRow.id)
        )
        for account_id, name in rows:
            names[account_id].append(name)
        return names

    def all(self) -> list[Contact]:
        rows = self.session.scalars(
            select(models.ContactRow)
            .where(models.ContactRow.team_id == self.team_id)
            .order_by(models.ContactRow.id)
        )
        return [mapping.contact(r) for r in rows]


class SqlInteractionRepository(_Scoped):
    def add(
        self,
        *,
        account_id: int,
        kind: InteractionKind,
        occurred_at: datetime,
        summary: str,
        logged_by: str,
        contact_id: int | None,
        permalink: str | None,
        now: datetime,
    ) -> Interaction:
        row = models.InteractionRow(
            team_id=self.team_id,
            account_id=account_id,
            contact_id=contact_id,
            kind=kind.value,
            occurred_at=occurred_at,
            summary=summary,
            logged_by=logged_by,
            permalink=permalink,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.interaction(row)

    def _for_account(self, account_id: int) -> Select[models.InteractionRow]:
        return (
            select(models.InteractionRow)
            .where(
                models.InteractionRow.team_id == self.team_id,
                models.InteractionRow.account_id == account_id,
            )
            .order_by(models.InteractionRow.occurred_at.desc(), models.InteractionRow.id.desc())
        )

    def recent(self, account_id: int, limit: int) -> list[Interaction]:
        rows = self.session.scalars(self._for_account(account_id).limit(limit))
        return [mapping.interaction(r) for r in rows]

    def at(self, account_id: int, occurred_at: datetime) -> list[Interaction]:
        rows = self.session.scalars(
            self._for_account(account_id).where(models.InteractionRow.occurred_at == occurred_at)
        )
        return [mapping.interaction(r) for r in rows]

    def all(self) -> list[Interaction]:
        rows = self.session.scalars(
            select(models.InteractionRow)
            .where(models.InteractionRow.team_id == self.team_id)
            .order_by(models.InteractionRow.id)
        )
        return [mapping.interaction(r) for r in rows]


class SqlFollowUpRepository(_Scoped):
    def _select(self) -> Select[models.FollowUpRow]:
        return select(models.FollowUpRow).where(models.FollowUpRow.team_id == self.team_id)

    @staticmethod
    def _effective_due() -> ColumnElement[datetime]:
        return func.coalesce(models.FollowUpRow.snoozed_until, models.FollowUpRow.due_at)

    def _open(self) -> Select[models.FollowUpRow]:
        return self._select().where(models.FollowUpRow.status == FollowUpStatus.OPEN.value)

    def _list(self, query: Select[models.FollowUpRow]) -> list[FollowUp]:
        ordered = query.order_by(self._effective_due(), models.FollowUpRow.number)
        return [mapping.follow_up(r) for r in self.session.scalars(ordered)]

    def add(
        self,
        *,
        number: int,
        account_id: int,
        owner_id: str,
        due_at: datetime,
        text: str,
        created_by: str,
        now: datetime,
    ) -> FollowUp:
        row = models.FollowUpRow(
            team_id=self.team_id,
            number=number,
            account_id=account_id,
            owner_id=owner_id,
            due_at=due_at,
            snoozed_until=None,
            text=text,
            status=FollowUpStatus.OPEN.value,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.follow_up(row)

    def _row(self, number: int) -> models.FollowUpRow | None:
        return self.session.scalars(
            self._select().where(models.FollowUpRow.number == number)
        ).one_or_none()

    def by_number(self, number: int) -> FollowUp | None:
        row = self._row(number)
        return mapping.follow_up(row) if row else None

    def save(self, follow_up: FollowUp, now: datetime) -> FollowUp:
        row = self._row(follow_up.number)
        if row is None:
            raise LookupError(f"follow-up {follow_up.number} is not in workspace {self.team_id}")
        row.owner_id = follow_up.owner_id
        row.due_at = follow_up.due_at
        row.snoozed_until = follow_up.snoozed_until
        row.text = follow_up.text
        row.status = follow_up.status.value
        row.completed_by = follow_up.completed_by
        row.completed_at = follow_up.completed_at
        row.updated_at = now
        self.session.flush()
        return mapping.follow_up(row)

    def open_for_account(self, account_id: int) -> list[FollowUp]:
        return self._list(self._open().where(models.FollowUpRow.account_id == account_id))

    def open_due_before(self, moment: datetime, owner_id: str | None) -> list[FollowUp]:
        query = self._open().where(self._effective_due() < moment)
        if owner_id is not None:
            query = query.where(models.FollowUpRow.owner_id == owner_id)
        return self._list(query)

    def open_for_owner(self, owner_id: str) -> list[FollowUp]:
        return self._list(self._open().where(models.FollowUpRow.owner_id == owner_id))

    def open_all(self) -> list[FollowUp]:
        return self._list(self._open())

    def get(self, follow_up_id: int) -> FollowUp | None:
        row = self.session.scalars(
            self._select().where(models.FollowUpRow.id == follow_up_id)
        ).one_or_none()
        return mapping.follow_up(row) if row else None

    def for_account(self, account_id: int) -> list[FollowUp]:
        return self._list(self._select().where(models.FollowUpRow.account_id == account_id))

    def all(self) -> list[FollowUp]:
        rows = self.session.scalars(self._select().order_by(models.FollowUpRow.number))
        return [mapping.follow_up(r) for r in rows]


class SqlContractRepository(_Scoped):
    def add(
        self,
        *,
        account_id: int,
        value: Decimal,
        currency: str,
        renewal_date: date,
        direction: ContractDirection,
        start_date: date | None,
        notice_days: int | None,
        auto_renew: bool,
        previous_id: int | None,
        now: datetime,
        outcome: RenewalOutcome | None = None,
        outcome_at: datetime | None = None,
        outcome_by: str | None = None,
    ) -> Contract:
        row = models.ContractRow(
            team_id=self.team_id,
            account_id=account_id,
            value_cents=_to_cents(value),
            currency=currency,
            start_date=start_date,
            renewal_date=renewal_date,
            notice_days=notice_days,
            auto_renew=auto_renew,
            direction=direction.value,
            outcome=outcome.value if outcome else None,
            outcome_at=outcome_at,
            outcome_by=outcome_by,
            previous_id=previous_id,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.contract(row)

    def _select(self) -> Select[models.ContractRow]:
        return select(models.ContractRow).where(models.ContractRow.team_id == self.team_id)

    def open_for_account(self, account_id: int) -> Contract | None:
        row = self.session.scalars(
            self._select().where(
                models.ContractRow.account_id == account_id, models.ContractRow.outcome.is_(None)
            )
        ).one_or_none()
        return mapping.contract(row) if row else None

    def get(self, contract_id: int) -> Contract | None:
        row = self.session.scalars(
            self._select().where(models.ContractRow.id == contract_id)
        ).one_or_none()
        return mapping.contract(row) if row else None

    def for_account(self, account_id: int) -> list[Contract]:
        rows = self.session.scalars(
            self._select()
            .where(models.ContractRow.account_id == account_id)
            .order_by(models.ContractRow.id)
        )
        return [mapping.contract(r) for r in rows]

    def save(self, contract: Contract, now: datetime) -> Contract:
        row = self.session.scalars(
            self._select().where(models.ContractRow.id == contract.id)
        ).one_or_none()
        if row is None:
            raise LookupError(f"contract {contract.id} is not in workspace {self.team_id}")
        row.value_cents = _to_cents(contract.value)
        row.currency = contract.currency
        row.start_date = contract.start_date
        row.renewal_date = contract.renewal_date
        row.notice_days = contract.notice_days
        row.auto_renew = contract.auto_renew
        row.direction = contract.direction.value
        row.outcome = contract.outcome.value if contract.outcome else None
        row.outcome_at = contract.outcome_at
        row.outcome_by = contract.outcome_by
        row.nudges_snoozed_until = contract.nudges_snoozed_until
        row.updated_at = now
        self.session.flush()
        return mapping.contract(row)

    def open_renewing_by(self, last_day: date, owner_id: str | None) -> list[Contract]:
        query = (
            self._select()
            .join(models.AccountRow, models.AccountRow.id == models.ContractRow.account_id)
            .where(
                models.ContractRow.outcome.is_(None),
                models.ContractRow.renewal_date <= last_day,
                models.AccountRow.status.in_(LIVE_STATUSES),
            )
        )
        if owner_id is not None:
            query = query.where(models.AccountRow.owner_id == owner_id)
        rows = self.session.scalars(
            query.order_by(models.ContractRow.renewal_date, models.ContractRow.id)
        )
        return [mapping.contract(r) for r in rows]

    def all(self) -> list[Contract]:
        rows = self.session.scalars(self._select().order_by(models.ContractRow.id))
        return [mapping.contract(r) for r in rows]


class SqlAuditLog(_Scoped):
    def record(self, event: AuditEvent) -> None:
        if event.team_id != self.team_id:
            raise ValueError("an audit event must belong to the unit of work's workspace")
        self.session.add(
            models.AuditEventRow(
                team_id=self.team_id,
                actor=event.actor,
                action=event.action,
                entity=event.entity,
                entity_id=None if event.entity_id is None else str(event.entity_id),
                before=event.before,
                after=event.after,
                at=event.at,
            )
        )
        self.session.flush()

    def _list(self, *conditions: object) -> list[AuditEvent]:
        rows = self.session.scalars(
            select(models.AuditEventRow)
            .where(models.AuditEventRow.team_id == self.team_id, *conditions)  # type: ignore[arg-type]
            .order_by(models.AuditEventRow.id)
        )
        return [mapping.audit_event(r) for r in rows]

    def for_entity(self, entity: str, entity_id: int | str) -> list[AuditEvent]:
        return self._list(
            and_(
                models.AuditEventRow.entity == entity,
                models.AuditEventRow.entity_id == str(entity_id),
            )
        )

    def all(self) -> list[AuditEvent]:
        return self._list()


class SqlSlackEventLog(_Scoped):
    KEEP = timedelta(days=1)

    def remember(self, event_id: str, now: datetime) -> bool:
        # Concurrent deliveries of one event: the second INSERT waits for the first
        # transaction and then does nothing, so exactly one of them goes on.
        self.session.execute(
            delete(models.SlackEventRow).where(models.SlackEventRow.received_at < now - self.KEEP)
        )
        insert = _insert_for(self.session)
        inserted = self.session.execute(
            insert(models.SlackEventRow)
            .values(event_id=event_id, team_id=self.team_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(models.SlackEventRow.event_id)
        ).first()
        return inserted is not None


class SqlNudgeLedger(_Scoped):
    def record(self, occasions: Sequence[Occasion], now: datetime) -> int:
        if not occasions:
            return 0
        rows = [
            {
                "team_id": self.team_id,
                "occasion_key": o.key,
                "item_kind": o.item_kind.value,
                "item_id": o.item_id,
                "nudge_kind": o.kind.value,
                "recipient_id": o.recipient,
                "deliver_after": o.deliver_after,
                "status": NudgeStatus.PENDING.value,
                "attempts": 0,
                "reason": o.reason[:300],
                "details": dict(o.details),
                "created_at": now,
            }
            for o in occasions
        ]
        statement = (
            _insert_for(self.session)(models.NudgeRow)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["team_id", "occasion_key"])
            .returning(models.NudgeRow.id)
        )
        # RETURNING lists only the rows inserted; rowcount is not reliable for a
        # multi-row INSERT on every driver.
        return len(self.session.execute(statement).all())

    def _due(self, due_by: datetime) -> Select[models.NudgeRow]:
        return select(models.NudgeRow).where(
            models.NudgeRow.team_id == self.team_id,
            models.NudgeRow.status == NudgeStatus.PENDING.value,
            models.NudgeRow.deliver_after <= due_by,
        )

    def claim_next(
        self, *, due_by: datetime, worker: str, lease_until: datetime
    ) -> list[LedgerEntry]:
        # PostgreSQL: rows another worker holds are skipped, not waited for. SQLite has no
        # row locks: its transactions begin IMMEDIATE (storage.database), serialising claims.
        first = self.session.scalars(
            self._due(due_by)
            .order_by(models.NudgeRow.deliver_after, models.NudgeRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if first is None:
            return []
        rows = list(
            self.session.scalars(
                self._due(due_by)
                .where(models.NudgeRow.recipient_id == first.recipient_id)
                .order_by(models.NudgeRow.id)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.status = NudgeStatus.CLAIMED.value
            row.lease_owner = worker
            row.lease_until = lease_until
            row.attempts += 1
        self.session.flush()
        return [mapping.ledger_entry(row) for row in rows]

    def _held(self, ids: Sequence[int], worker: str) -> Update:
        return update(models.NudgeRow).where(
            models.NudgeRow.team_id == self.team_id,
            models.NudgeRow.id.in_(list(ids)),
            models.NudgeRow.status == NudgeStatus.CLAIMED.value,
            models.NudgeRow.lease_owner == worker,
        )

    def mark_sent(
        self, ids: Sequence[int], *, worker: str, channel_id: str, message_ts: str, at: datetime
    ) -> int:
        result = self.session.execute(
            self._held(ids, worker).values(
                status=NudgeStatus.SENT.value,
                channel_id=channel_id,
                message_ts=message_ts,
                sent_at=at,
                lease_owner=None,
                lease_until=None,
                last_error=None,
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def release_failed(self, ids: Sequence[int], *, worker: str, error: str, give_up: bool) -> None:
        status = NudgeStatus.FAILED if give_up else NudgeStatus.PENDING
        self.session.execute(
            self._held(ids, worker).values(
                status=status.value, last_error=error[:2000], lease_owner=None, lease_until=None
            )
        )

    def skip(self, ids: Sequence[int], *, worker: str, why: str) -> None:
        self.session.execute(
            self._held(ids, worker).values(
                status=NudgeStatus.SKIPPED.value, last_error=why, lease_owner=None, lease_until=None
            )
        )

    def reap(self, wall_now: datetime) -> int:
        result = self.session.execute(
            update(models.NudgeRow)
            .where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.status == NudgeStatus.CLAIMED.value,
                models.NudgeRow.lease_until < wall_now,
            )
            .values(status=NudgeStatus.PENDING.value, lease_owner=None, lease_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def entries(
        self, *, statuses: Sequence[NudgeStatus] = (), limit: int = 500
    ) -> list[LedgerEntry]:
        query = select(models.NudgeRow).where(models.NudgeRow.team_id == self.team_id)
        if statuses:
            query = query.where(models.NudgeRow.status.in_([s.value for s in statuses]))
        rows = self.session.scalars(query.order_by(models.NudgeRow.id.desc()).limit(limit))
        return [mapping.ledger_entry(row) for row in rows]

    def statuses(self, keys: Sequence[str]) -> dict[str, NudgeStatus]:
        rows = self.session.execute(
            select(models.NudgeRow.occasion_key, models.NudgeRow.status).where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.occasion_key.in_(list(keys)),
            )
        )
        return {key: NudgeStatus(status) for key, status in rows}

    def record_decision(
        self,
        *,
        channel_id: str,
        message_ts: str,
        item_kind: ItemKind,
        item_id: int,
        decision: str,
        by: str,
        at: datetime,
    ) -> int:
        result = self.session.execute(
            update(models.NudgeRow)
            .where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.channel_id == channel_id,
                models.NudgeRow.message_ts == message_ts,
                models.NudgeRow.item_kind == item_kind.value,
                models.NudgeRow.item_id == item_id,
            )
            .values(decision=decision, decided_by=by, decided_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
