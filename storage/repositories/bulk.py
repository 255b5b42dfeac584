"""Many rows at once, for import and seeding: one indexed ``IN`` look-up per read and one
``executemany`` per write, so a chunk costs the same however full the tables are. Where
the new rows' ids are needed they are taken up front (PostgreSQL: from the sequence in one
query; SQLite: after the largest, under its one write lock) and the insert is a plain
``executemany``, as cheap as the floor the benchmark compares it to (on PostgreSQL a
multi-row ``INSERT … RETURNING`` spent most of its time in psycopg turning thousands of
parameters into SQL).

Reads go through Core, not the ORM: nothing lands in the session's identity map, which
would otherwise grow with every chunk of a long import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    any_,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.domain import (
    Account,
    AuditEvent,
    Contact,
    Contract,
    FollowUp,
    Interaction,
    SlackProfile,
    words_key,
)
from bot.domain import name_key as key_of
from bot.drafts import NewAccount, NewContact, NewContract, NewFollowUp, NewInteraction
from bot.errors import ConcurrentChange
from storage import mapping, models
from storage.repositories.base import Scoped
from storage.repositories.contracts import _to_cents
from storage.repositories.workspaces import _DEFAULT_PREFERENCES

# Bound parameters per statement stay well under SQLite's limit (32,766) and PostgreSQL's.
_IN_BATCH = 900


def _table(model: type[models.Base]) -> Table:
    return cast(Table, model.__table__)


def _batches(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _IN_BATCH):
        yield values[start : start + _IN_BATCH]


def _as_row(values: dict[str, Any]) -> Any:
    """Inserted values read like a row, for ``storage.mapping`` (the one place rows become
    domain values)."""
    return SimpleNamespace(**values)


class SqlBulkWriter(Scoped):
    def __init__(self, session: Session, team_id: str, change_key: str | None = None) -> None:
        super().__init__(session, team_id)
        # The unit of work's: its audit rows are one change (see ``SqlAuditLog``).
        self.change_key = change_key

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _one_of(self, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
        """``column IN values``: on PostgreSQL ``= ANY(array)``, one parameter however many
        values (psycopg spends long turning a statement with hundreds of them into SQL)."""
        if self._postgres:
            return cast(
                ColumnElement[bool],
                column == any_(bindparam(None, list(values), type_=ARRAY(column.type))),
            )
        return cast(ColumnElement[bool], column.in_(values))

    # -- reads ---------------------------------------------------------------------------

    def accounts_by_keys(self, keys: Iterable[str]) -> dict[str, Account]:
        wanted = sorted(set(keys))
        accounts = _table(models.AccountRow)
        rows: list[Any] = []
        for batch in _batches(wanted):
            rows += self.session.execute(
                select(accounts).where(
                    accounts.c.team_id == self.team_id, self._one_of(accounts.c.name_key, batch)
                )
            ).all()
        tags = self._tags([row.id for row in rows])
        return {row.name_key: mapping.account(row, tuple(tags[row.id])) for row in rows}

    def _tags(self, account_ids: Sequence[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = defaultdict(list)
        table = _table(models.AccountTagRow)
        for batch in _batches(account_ids):
            for account_id, tag in self.session.execute(
                select(table.c.account_id, table.c.tag)
                .where(self._one_of(table.c.account_id, batch))
                .order_by(table.c.id)
            ):
                tags[account_id].append(tag)
        return tags

    def _by_account(self, model: type[models.Base], account_ids: Iterable[int]) -> list[Any]:
        table = _table(model)
        rows: list[Any] = []
        for batch in _batches(sorted(set(account_ids))):
            rows += self.session.execute(
                select(table)
                .where(table.c.team_id == self.team_id, self._one_of(table.c.account_id, batch))
                .order_by(table.c.id)
            ).all()
        return rows

    def contracts_by_account(self, account_ids: Iterable[int]) -> dict[int, list[Contract]]:
        found: dict[int, list[Contract]] = defaultdict(list)
        for row in self._by_account(models.ContractRow, account_ids):
            found[row.account_id].append(mapping.contract(row))
        return dict(found)

    def contacts_by_account(self, account_ids: Iterable[int]) -> dict[int, list[Contact]]:
        found: dict[int, list[Contact]] = defaultdict(list)
        for row in self._by_account(models.ContactRow, account_ids):
            found[row.account_id].append(mapping.contact(row))
        return dict(found)

    def follow_ups_by_account(self, account_ids: Iterable[int]) -> dict[int, list[FollowUp]]:
        found: dict[int, list[FollowUp]] = defaultdict(list)
        for row in self._by_account(models.FollowUpRow, account_ids):
            found[row.account_id].append(mapping.follow_up(row))
        return dict(found)

    def interactions_at(
        self, moments: Iterable[tuple[int, datetime]]
    ) -> dict[tuple[int, datetime], list[Interaction]]:
        wanted = set(moments)
        found: dict[tuple[int, datetime], list[Interaction]] = defaultdict(list)
        if not wanted:
            return {}
        table = _table(models.InteractionRow)
        # (account_id, occurred_at) is indexed; the pairs are matched exactly in Python.
        for batch in _batches(sorted({account_id for account_id, _ in wanted})):
            in_batch = set(batch)
            times = sorted({moment for account_id, moment in wanted if account_id in in_batch})
            rows: list[Any] = list(
                self.session.execute(
                    select(table)
                    .where(
                        table.c.team_id == self.team_id,
                        self._one_of(table.c.account_id, batch),
                        self._one_of(table.c.occurred_at, times),
                    )
                    .order_by(table.c.id)
                )
            )
            for row in rows:
                if (row.account_id, row.occurred_at) in wanted:
                    found[(row.account_id, row.occurred_at)].append(mapping.interaction(row))
        return dict(found)

    def user_ids(self, emails_or_names: Iterable[str]) -> dict[str, str]:
        texts = {text: text.strip().casefold() for text in emails_or_names}
        wanted = sorted(set(texts.values()))
        if not wanted:
            return {}
        users = _table(models.UserRow)
        email, display_name = func.lower(users.c.email), func.lower(users.c.display_name)
        matches: dict[str, set[str]] = defaultdict(set)
        for batch in _batches(wanted):
            for user_id, user_email, user_name in self.session.execute(
                select(users.c.slack_user_id, email, display_name).where(
                    users.c.team_id == self.team_id,
                    users.c.deactivated.is_(False),
                    or_(email.in_(batch), display_name.in_(batch)),
                )
            ):
                for value in {user_email, user_name} & set(batch):
                    matches[value].add(user_id)
        return {
            text: next(iter(matches[key])) for text, key in texts.items() if len(matches[key]) == 1
        }

    # -- writes --------------------------------------------------------------------------

    def _insert_with_ids(self, model: type[models.Base], values: list[dict[str, Any]]) -> list[int]:
        """Insert rows with ids of their own; the ids, in the rows' order."""
        if not values:
            return []
        table = _table(model)
        if self._postgres:
            # Ids drawn from the table's sequence in one query, then a plain executemany
            # (psycopg pipelines it): much cheaper there than a multi-row INSERT … RETURNING.
            ids = list(
                self.session.scalars(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :count)"
                    ),
                    {"table": table.name, "count": len(values)},
                )
            )
            self._insert(model, [row | {"id": id_} for row, id_ in zip(values, ids, strict=True)])
            return ids
        # SQLite: the transaction holds the database's one write lock from its BEGIN
        # (IMMEDIATE), so the ids after the largest one are ours to hand out.
        last = self.session.scalar(select(func.max(table.c.id))) or 0
        ids = list(range(last + 1, last + 1 + len(values)))
        self.session.execute(
            insert(table), [row | {"id": id_} for row, id_ in zip(values, ids, strict=True)]
        )
        return ids

    def add_accounts(self, accounts: Sequence[NewAccount]) -> list[Account]:
        values = [
            {
                "team_id": self.team_id,
                "name": account.name,
                "name_key": key_of(account.name),
                "words_key": words_key(account.name),
                "kind": account.kind.value,
                "owner_id": account.owner.user_id,
                "owner_unresolved": account.owner.unresolved,
                "tier": account.tier,
                "status": account.status.value,
                "cadence_days": account.cadence_days,
                "cadence_own": account.cadence_own,
                "last_touch_at": account.last_touch_at,
                "next_touch_due": account.next_touch_due,
                "stale_snoozed_until": None,
                "created_at": account.created_at,
                "updated_at": account.created_at,
                "version": 1,
            }
            for account in accounts
        ]
        ids = self._insert_with_ids(models.AccountRow, values)
        self._insert(
            models.AccountTagRow,
            [
                {"team_id": self.team_id, "account_id": id_, "tag": tag, "tag_key": key_of(tag)}
                for id_, account in zip(ids, accounts, strict=True)
                for tag in account.tags
            ],
        )
        return [
            mapping.account(_as_row(row | {"id": id_}), account.tags)
            for id_, row, account in zip(ids, values, accounts, strict=True)
        ]

    def _insert(self, model: type[models.Base], values: list[dict[str, Any]]) -> None:
        if not values:
            return
        if self._postgres:
            self._copy(_table(model), values)
        else:
            self.session.execute(insert(_table(model)), values)

    def _copy(self, table: Table, values: list[dict[str, Any]]) -> None:
        """PostgreSQL's COPY: rows streamed in one command, several times cheaper than an
        INSERT per row. The values are the ones an INSERT would bind, put through the
        columns' own types (UTC times, JSON) first."""
        columns = list(values[0])
        dialect = self.session.get_bind().dialect
        processors = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
        ]
        names = ", ".join(f'"{name}"' for name in columns)
        connection = self.session.connection().connection.driver_connection
        assert connection is not None
        with (
            connection.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in values:
                copy.write_row(
                    [
                        row[name] if process is None else process(row[name])
                        for name, process in zip(columns, processors, strict=True)
                    ]
                )

    def _update_versioned(
        self, model: type[models.Base], columns: Sequence[str], values: list[dict[str, Any]]
    ) -> None:
        """One ``executemany`` UPDATE that writes only rows still at the version read."""
        if not values:
            return
        table = _table(model)
        statement = (
            update(table)
            .where(
                and_(
                    table.c.id == bindparam("b_id"),
                    table.c.team_id == self.team_id,
                    table.c.version == bindparam("b_read_version"),
                )
            )
            .values({column: bindparam(f"b_{column}") for column in (*columns, "version")})
        )
        result = self.session.connection().execute(
            statement, [{f"b_{k}": v for k, v in row.items()} for row in values]
        )
        if self.session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(
            values
        ):
            raise ConcurrentChange(f"{table.name}: a row changed since it was read")
        # The ORM may hold copies of these rows from earlier in the unit of work.
        self.session.expire_all()

    def update_accounts(self, updates: Sequence[tuple[Account, int]]) -> None:
        columns = (
            "kind",
            "owner_id",
            "owner_unresolved",
            "tier",
            "status",
            "cadence_days",
            "cadence_own",
            "last_touch_at",
            "next_touch_due",
            "stale_snoozed_until",
            "updated_at",
        )
        self._update_versioned(
            models.AccountRow,
            columns,
            [
                {
                    "id": account.id,
                    "read_version": read_version,
                    "version": account.version,
                    "kind": account.kind.value,
                    "owner_id": account.owner.user_id,
                    "owner_unresolved": account.owner.unresolved,
                    "tier": account.tier,
                    "status": account.status.value,
                    "cadence_days": account.cadence_days,
                    "cadence_own": account.cadence_own,
                    "last_touch_at": account.last_touch_at,
                    "next_touch_due": account.next_touch_due,
                    "stale_snoozed_until": account.stale_snoozed_until,
                    "updated_at": account.updated_at,
                }
                for account, read_version in updates
            ],
        )
        self._write_tags([account for account, _ in updates])

    def _write_tags(self, accounts: Sequence[Account]) -> None:
        """Tags as the accounts hold them: missing ones inserted, dropped ones deleted."""
        stored = self._tags([account.id for account in accounts])
        table = _table(models.AccountTagRow)
        added: list[dict[str, Any]] = []
        dropped: list[tuple[int, str]] = []
        for account in accounts:
            have = {key_of(tag) for tag in stored.get(account.id, [])}
            want = {key_of(tag): tag for tag in account.tags}
            added += [
                {"team_id": self.team_id, "account_id": account.id, "tag": tag, "tag_key": key}
                for key, tag in want.items()
                if key not in have
            ]
            dropped += [(account.id, key) for key in have - set(want)]
        self._insert(models.AccountTagRow, added)
        for account_id, key in dropped:
            self.session.execute(
                table.delete().where(table.c.account_id == account_id, table.c.tag_key == key)
            )

    def add_contacts(self, contacts: Sequence[NewContact]) -> list[Contact]:
        values = [
            {
                "team_id": self.team_id,
                "account_id": contact.account_id,
                "name": contact.name,
                "name_key": key_of(contact.name),
                "title": contact.title,
                "email": contact.email,
                "phone": contact.phone,
                "slack_user_id": contact.slack_user_id,
                "created_at": contact.created_at,
            }
            for contact in contacts
        ]
        ids = self._insert_with_ids(models.ContactRow, values)
        return [
            mapping.contact(_as_row(row | {"id": id_}))
            for id_, row in zip(ids, values, strict=True)
        ]

    def update_contacts(self, contacts: Sequence[Contact]) -> None:
        table = _table(models.ContactRow)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.team_id == self.team_id)
            .values(
                {
                    column: bindparam(f"b_{column}")
                    for column in ("name", "name_key", "title", "email", "phone", "slack_user_id")
                }
            )
        )
        self.session.connection().execute(
            statement,
            [
                {
                    "b_id": contact.id,
                    "b_name": contact.name,
                    "b_name_key": key_of(contact.name),
                    "b_title": contact.title,
                    "b_email": contact.email,
                    "b_phone": contact.phone,
                    "b_slack_user_id": contact.slack_user_id,
                }
                for contact in contacts
            ],
        )
        self.session.expire_all()

    def add_interactions(self, interactions: Sequence[NewInteraction]) -> list[Interaction]:
        values = [
            {
                "team_id": self.team_id,
                "account_id": interaction.account_id,
                "contact_id": interaction.contact_id,
                "kind": interaction.kind.value,
                "occurred_at": interaction.occurred_at,
                "summary": interaction.summary,
                "logged_by": interaction.logged_by,
                "permalink": interaction.permalink,
                "created_at": interaction.created_at,
            }
            for interaction in interactions
        ]
        ids = self._insert_with_ids(models.InteractionRow, values)
        return [
            mapping.interaction(_as_row(row | {"id": id_}))
            for id_, row in zip(ids, values, strict=True)
        ]

    def _reserve_follow_up_numbers(self, count: int) -> range:
        workspaces = _table(models.WorkspaceRow)
        last = self.session.execute(
            update(workspaces)
            .where(workspaces.c.team_id == self.team_id)
            .values(last_follow_up_number=workspaces.c.last_follow_up_number + count)
            .returning(workspaces.c.last_follow_up_number)
        ).scalar_one()
        return range(int(last) - count + 1, int(last) + 1)

    def add_follow_ups(self, follow_ups: Sequence[NewFollowUp]) -> list[FollowUp]:
        if not follow_ups:
            return []
        numbers = self._reserve_follow_up_numbers(len(follow_ups))
        values = [
            {
                "team_id": self.team_id,
                "number": number,
                "account_id": follow_up.account_id,
                "owner_id": follow_up.owner_id,
                "due_at": follow_up.due_at,
                "snoozed_until": follow_up.snoozed_until,
                "text": follow_up.text,
                "status": follow_up.status.value,
                "created_by": follow_up.created_by,
                "created_at": follow_up.created_at,
                "completed_by": follow_up.completed_by,
                "completed_at": follow_up.completed_at,
                "updated_at": follow_up.updated_at,
                "version": follow_up.version,
            }
            for number, follow_up in zip(numbers, follow_ups, strict=True)
        ]
        ids = self._insert_with_ids(models.FollowUpRow, values)
        return [
            mapping.follow_up(_as_row(row | {"id": id_}))
            for id_, row in zip(ids, values, strict=True)
        ]

    def add_contracts(self, contracts: Sequence[NewContract]) -> list[Contract]:
        values = [
            {
                "team_id": self.team_id,
                "account_id": contract.account_id,
                "value_cents": _to_cents(contract.value),
                "currency": contract.currency,
                "start_date": contract.start_date,
                "renewal_date": contract.renewal_date,
                "notice_days": contract.notice_days,
                "notice_months": contract.notice_months,
                "auto_renew": contract.auto_renew,
                "direction": contract.direction.value,
                "outcome": contract.outcome.value if contract.outcome else None,
                "outcome_at": contract.outcome_at,
                "outcome_by": contract.outcome_by,
                "previous_id": None,
                "nudges_snoozed_until": None,
                "created_at": contract.created_at,
                "updated_at": contract.created_at,
                "version": 1,
            }
            for contract in contracts
        ]
        ids = self._insert_with_ids(models.ContractRow, values)
        return [
            mapping.contract(_as_row(row | {"id": id_}))
            for id_, row in zip(ids, values, strict=True)
        ]

    def update_contracts(self, updates: Sequence[tuple[Contract, int]], now: datetime) -> None:
        columns = (
            "value_cents",
            "currency",
            "start_date",
            "renewal_date",
            "notice_days",
            "notice_months",
            "auto_renew",
            "direction",
            "outcome",
            "outcome_at",
            "outcome_by",
            "nudges_snoozed_until",
            "updated_at",
        )
        self._update_versioned(
            models.ContractRow,
            columns,
            [
                {
                    "id": contract.id,
                    "read_version": read_version,
                    "version": contract.version,
                    "value_cents": _to_cents(contract.value),
                    "currency": contract.currency,
                    "start_date": contract.start_date,
                    "renewal_date": contract.renewal_date,
                    "notice_days": contract.notice_days,
                    "notice_months": contract.notice_months,
                    "auto_renew": contract.auto_renew,
                    "direction": contract.direction.value,
                    "outcome": contract.outcome.value if contract.outcome else None,
                    "outcome_at": contract.outcome_at,
                    "outcome_by": contract.outcome_by,
                    "nudges_snoozed_until": contract.nudges_snoozed_until,
                    "updated_at": now,
                }
                for contract, read_version in updates
            ],
        )

    def add_audit_events(self, events: Sequence[AuditEvent]) -> None:
        if any(event.team_id != self.team_id for event in events):
            raise ValueError("an audit event must belong to the unit of work's workspace")
        self._insert(
            models.AuditEventRow,
            [
                {
                    "team_id": self.team_id,
                    "actor": event.actor,
                    "action": event.action,
                    "entity": event.entity,
                    "entity_id": None if event.entity_id is None else str(event.entity_id),
                    "before": event.before,
                    "after": event.after,
                    "at": event.at,
                    "change_key": self.change_key,
                    "undoes": event.undoes,
                }
                for event in events
            ],
        )

    def add_profiles(self, profiles: Sequence[SlackProfile], now: datetime) -> None:
        self._insert(
            models.UserRow,
            [
                {
                    "team_id": self.team_id,
                    "slack_user_id": profile.user_id,
                    "display_name": profile.display_name,
                    "email": profile.email,
                    "timezone": None,
                    "slack_timezone": profile.timezone,
                    "slack_checked_at": now,
                    "deactivated": profile.deleted,
                    **_DEFAULT_PREFERENCES,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for profile in profiles
            ],
        )

    def refresh_statistics(self) -> None:
        # SQLite's planner takes the indexes without statistics; its ANALYZE reads whole
        # tables. PostgreSQL's samples at most 300 × default_statistics_target rows a table.
        if self._postgres:
            self.session.execute(text(f"ANALYZE {', '.join(_BULK_TABLES)}"))


_BULK_TABLES = (
    "accounts",
    "account_tags",
    "contacts",
    "contracts",
    "follow_ups",
    "interactions",
)
