"""Accounts (with their tags) and their contacts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import QueryableAttribute, selectinload
from sqlalchemy.orm.attributes import flag_modified

from bot.domain import (
    Account,
    AccountFilter,
    AccountKind,
    AccountStatus,
    Contact,
    Owner,
    name_key,
    words_key,
)
from bot.health import HealthBand
from bot.paging import Cursor, KeyPart, Page
from storage import mapping, models
from storage.repositories import account_search, name_search
from storage.repositories.base import (
    LIVE_STATUSES,
    TEAM,
    Scoped,
    check_version,
    chosen_in,
)
from storage.repositories.paging import read_page

# How many look-ups one IN list carries (SQLite allows 32,766 parameters).
_KEYS_PER_QUERY = 500


@cache
def _account_by_key() -> Select[models.AccountRow]:
    account = models.AccountRow
    return select(account).where(
        account.team_id == bindparam(TEAM), account.name_key == bindparam("key")
    )


@cache
def _account_by_id() -> Select[models.AccountRow]:
    account = models.AccountRow
    return select(account).where(account.team_id == bindparam(TEAM), account.id == bindparam("id"))


@cache
def _account_to_change() -> Select[models.AccountRow]:
    return _account_by_id().options(selectinload(models.AccountRow.tags))


@cache
def _known_keys() -> Select[str]:
    account = models.AccountRow
    return select(account.name_key).where(
        account.team_id == bindparam(TEAM),
        account.name_key.in_(bindparam("keys", expanding=True)),
    )


@cache
def _accounts_by_ids(dialect: str) -> Select[models.AccountRow]:
    account = models.AccountRow
    return select(account).where(
        account.id.in_(bindparam("ids", expanding=True)),
        chosen_in(dialect, account.__table__.c.team_id, bindparam(TEAM)),
    )


@cache
def _tags_of_accounts() -> Select[int, str]:
    tag = models.AccountTagRow
    return (
        select(tag.account_id, tag.tag)
        .where(tag.account_id.in_(bindparam("ids", expanding=True)))
        .order_by(tag.account_id, tag.id)
    )


@cache
def _tags_of_account() -> Select[str]:
    tag = models.AccountTagRow
    return select(tag.tag).where(tag.account_id == bindparam("account_id")).order_by(tag.id)


@cache
def _contacts_of_account() -> Select[models.ContactRow]:
    contact = models.ContactRow
    return (
        select(contact)
        .where(contact.team_id == bindparam(TEAM), contact.account_id == bindparam("account_id"))
        .order_by(contact.name_key, contact.id)
    )


def listed_conditions(wanted: AccountFilter) -> list[ColumnElement[bool]]:
    """What an account ``wanted`` satisfies besides its workspace (see ``listed_page``)."""
    row, tag = models.AccountRow, models.AccountTagRow
    owner = wanted.owner_id
    # Within one owner's book the owner's index is the one to walk: SQLite's planner,
    # which has no statistics, would take the kind or status index (as selective, to its
    # eyes) and walk every customer of the workspace for one owner's; compared as
    # `kind || ''` those columns offer it no index. (PostgreSQL chooses by statistics.)
    kind, status = (row.kind, row.status) if owner is None else (row.kind + "", row.status + "")
    conditions: list[ColumnElement[bool]] = []
    if wanted.at_risk:
        # Marked at risk, or at risk at the last health check (its kept band): an OR over two
        # tables no index answers, so the list walks its index to the page's end, as for a tag.
        band = models.AccountHealthRow
        kept_at_risk = exists().where(
            band.account_id == row.id, band.band == HealthBand.AT_RISK.value
        )
        conditions.append(row.status != AccountStatus.ARCHIVED.value)
        conditions.append(or_(status == AccountStatus.AT_RISK.value, kept_at_risk))
    else:
        conditions.append(row.status != AccountStatus.ARCHIVED.value)
    if owner is not None:
        conditions.append(row.owner_id == owner)
    if wanted.kind is not None:
        conditions.append(kind == wanted.kind.value)
    if wanted.tier is not None:
        # PostgreSQL estimates this from 0008's statistics on lower(tier).
        conditions.append(func.lower(row.tier) == func.lower(literal(wanted.tier)))
    if wanted.tag is not None:
        key = name_key(wanted.tag)
        conditions.append(exists().where(tag.account_id == row.id, tag.tag_key == key))
    return conditions


# Where an account with no band kept yet sorts among kept scores (0-100): after them all.
UNCHECKED_SCORE = 101


class SqlAccountRepository(Scoped):
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
        cadence_own: bool = False,
    ) -> Account:
        row = models.AccountRow(
            team_id=self.team_id,
            name=name,
            name_key=name_key(name),
            words_key=words_key(name),
            kind=kind.value,
            owner_id=owner.user_id,
            owner_unresolved=owner.unresolved,
            tier=tier,
            status=status.value,
            cadence_days=cadence_days,
            cadence_own=cadence_own,
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
        """The account's row with its tags, to change."""
        return self.session.scalars(
            _account_to_change(), {TEAM: self.team_id, "id": account_id}
        ).one_or_none()

    def _one(self, statement: Select[models.AccountRow], **values: object) -> Account | None:
        """One account by a built-once statement, and its tags by another."""
        row = self.session.scalars(statement, {TEAM: self.team_id, **values}).one_or_none()
        if row is None:
            return None
        tags = self.session.scalars(_tags_of_account(), {"account_id": row.id})
        return mapping.account(row, tuple(tags))

    def get(self, account_id: int) -> Account | None:
        return self._one(_account_by_id(), id=account_id)

    def by_key(self, key: str) -> Account | None:
        return self._one(_account_by_key(), key=key)

    def by_ids(self, ids: Iterable[int]) -> dict[int, Account]:
        wanted = set(ids)
        if not wanted:
            return {}
        statement = _accounts_by_ids(self.session.get_bind().dialect.name)
        rows = list(self.session.scalars(statement, {TEAM: self.team_id, "ids": sorted(wanted)}))
        return {account.id: account for account in self._as_accounts(rows)}

    def names(self, *, include_archived: bool = True) -> list[str]:
        query = select(models.AccountRow.name).where(models.AccountRow.team_id == self.team_id)
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return list(self.session.scalars(query.order_by(models.AccountRow.name_key)))

    def keys_among(self, keys: Iterable[str]) -> set[str]:
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _KEYS_PER_QUERY):
            part = wanted[start : start + _KEYS_PER_QUERY]
            found.update(self.session.scalars(_known_keys(), {TEAM: self.team_id, "keys": part}))
        return found

    def similar_names(self, text: str, *, include_archived: bool, limit: int) -> list[str]:
        scope = models.AccountRow.team_id == self.team_id
        if not include_archived:
            scope = scope & (models.AccountRow.status != AccountStatus.ARCHIVED.value)
        ids = name_search.resembling(
            self.session, account_search.ACCOUNT_NAMES, name_key(text), scope, limit
        )
        if not ids:
            return []
        rows = self.session.execute(
            select(models.AccountRow.id, models.AccountRow.name).where(
                models.AccountRow.id.in_(ids)
            )
        )
        names = {account_id: name for account_id, name in rows}
        return [names[i] for i in ids]

    def fitting(self, text: str, *, limit: int) -> list[Account]:
        ids = account_search.fitting_ids(self.session, self.team_id, text, limit=limit)
        accounts = self.by_ids(ids)
        return [accounts[i] for i in ids]

    def save(self, account: Account) -> Account:
        row = self._row(account.id)
        if row is None:
            raise LookupError(f"account {account.id} is not in workspace {self.team_id}")
        check_version(row.version, account.version, f"account {account.id}")
        row.name = account.name
        row.name_key = name_key(account.name)
        row.words_key = words_key(account.name)
        row.kind = account.kind.value
        row.owner_id = account.owner.user_id
        row.owner_unresolved = account.owner.unresolved
        row.tier = account.tier
        row.status = account.status.value
        row.cadence_days = account.cadence_days
        row.cadence_own = account.cadence_own
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
        # The tags live in rows of their own: the account's UPDATE (and so its version check
        # and bump) must happen even when only they changed.
        flag_modified(row, "updated_at")
        self.session.flush()
        return self._domain(row)

    def delete(self, account: Account) -> None:
        row = self._row(account.id)
        if row is None:
            raise LookupError(f"account {account.id} is not in workspace {self.team_id}")
        check_version(row.version, account.version, f"account {account.id}")
        self.session.delete(row)
        self.session.flush()

    def search(self, text: str, *, include_archived: bool, limit: int) -> list[Account]:
        key = name_key(text)
        if not key:
            return self._all(
                self._live(include_archived).order_by(models.AccountRow.name_key).limit(limit)
            )
        best = account_search.best_matching_ids(
            self.session,
            self.team_id,
            key,
            include_archived=include_archived,
            limit=limit,
        )
        accounts = self.by_ids(best)
        return [accounts[i] for i in best]

    def _live(self, include_archived: bool) -> Select[models.AccountRow]:
        query = self._select()
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return query

    def owned_by(self, owner_id: str) -> list[Account]:
        return self._all(
            self._select()
            .where(
                models.AccountRow.owner_id == owner_id,
                models.AccountRow.status.in_(LIVE_STATUSES),
            )
            .order_by(models.AccountRow.name_key)
        )

    def _page(
        self,
        conditions: list[ColumnElement[bool]],
        order: tuple[QueryableAttribute[Any], ...],
        key: Callable[[models.AccountRow], tuple[KeyPart, ...]],
        *,
        limit: int,
        after: Cursor | None,
        count_cap: int | None = None,
    ) -> Page[Account]:
        plain = select(models.AccountRow).where(models.AccountRow.team_id == self.team_id)
        page: Page[models.AccountRow] = read_page(
            self.session,
            plain.where(*conditions),
            order,
            limit=limit,
            after=after,
            key=key,
            domain=lambda row: row,
            count_cap=count_cap,
            count_in_order=count_cap is not None,
        )
        return self._with_tags(page)

    def _with_tags(self, page: Page[models.AccountRow]) -> Page[Account]:
        accounts = {account.id: account for account in self._as_accounts(page.items)}
        return page.map(lambda row: accounts[row.id])

    def _as_accounts(self, rows: Sequence[models.AccountRow]) -> list[Account]:
        """Rows as accounts, their tags read in one built-once statement (cheaper than
        selectinload's machinery for the same one query); none for no rows."""
        tags: dict[int, list[str]] = {row.id: [] for row in rows}
        if tags:
            for account_id, tag in self.session.execute(_tags_of_accounts(), {"ids": list(tags)}):
                tags[account_id].append(tag)
        return [mapping.account(row, tuple(tags[row.id])) for row in rows]

    def listed_page(
        self, wanted: AccountFilter, *, limit: int, count_cap: int, after: Cursor | None = None
    ) -> Page[Account]:
        # In name order, which is an index's order. name_key is unique in a workspace, so it
        # alone orders the pages. One owner's accounts walk ix_accounts_team_owner_name (a
        # book of a few hundred at most); the workspace's walk uq_accounts_team_id (team_id,
        # name_key), or ix_accounts_team_kind_name for a kind. A filter no index covers (a
        # tier, a tag, at risk — marked, or so at the last health check; a kind within one
        # owner's book) is tested on each row of that walk, which stops at the page's end:
        # a page costs the rows read until it is full, never a sort of every match. A rare
        # tier or tag over the whole workspace walks further; an index per filter and
        # combination would cost every write for lists people rarely ask for.
        row = models.AccountRow
        conditions = listed_conditions(wanted)
        page: Page[models.AccountRow] = read_page(
            self.session,
            select(row).where(row.team_id == self.team_id, *conditions),
            (row.name_key,),
            limit=limit,
            after=after,
            key=lambda r: (r.name_key,),
            domain=lambda r: r,
            count_cap=count_cap,
            # The COUNT stops at count_cap, walking the page's index from the page's start
            # as the page does. Unordered, PostgreSQL may count by a sequential scan, cheap
            # only for the workspace whose rows come first in the table (measured at L: 0.2
            # ms for the first workspace, 23 ms for the second, which reads the first's
            # 50,000 rows). A tag's COUNT driven from the tag's index would read fewer rows,
            # but both planners turn it back to the name index (or a hash join) once a page's
            # start bounds the names: the walk is the predictable cost.
            count_in_order=True,
        )
        return self._with_tags(page)

    def by_kept_health_page(
        self, wanted: AccountFilter, *, limit: int, after: Cursor | None = None
    ) -> Page[Account]:
        """A page of the accounts ``wanted`` in the order of their kept health (score, then
        name): for lists too long to score live. Accounts with no band kept yet (added since
        the last check) come last. The database sorts the matches once per page; nothing is
        scored. The cursor is (kept score, name key)."""
        row, band = models.AccountRow, models.AccountHealthRow
        score = func.coalesce(band.score, UNCHECKED_SCORE)
        matches = (
            select(row.id, score.label("score"), row.name_key)
            .outerjoin(band, band.account_id == row.id)
            .where(row.team_id == self.team_id, *listed_conditions(wanted))
        )
        if after is not None:
            kept, name = after.key
            matches = matches.where(
                tuple_(score, row.name_key) > tuple_(literal(kept), literal(name))
            )
        found = self.session.execute(matches.order_by(score, row.name_key).limit(limit)).all()
        total = int(self.session.scalar(select(func.count()).select_from(matches.subquery())) or 0)
        accounts = self.by_ids(account_id for account_id, _, _ in found)
        items = [accounts[account_id] for account_id, _, _ in found]
        last = found[-1] if found else None
        cursor = Cursor((int(last.score), last.name_key)) if last and len(found) < total else None
        return Page(items, total, cursor)

    def listed(self, wanted: AccountFilter) -> list[Account]:
        """Every account ``wanted``, by name: the lists that must see all of them to order
        them (by health)."""
        row, tag = models.AccountRow, models.AccountTagRow
        conditions = (row.team_id == self.team_id, *listed_conditions(wanted))
        rows = self.session.scalars(select(row).where(*conditions).order_by(row.name_key)).all()
        # Their tags chosen by the same conditions: no list of ids however long the list.
        tags: dict[int, list[str]] = {r.id: [] for r in rows}
        for account_id, name in self.session.execute(
            select(tag.account_id, tag.tag)
            .where(tag.account_id.in_(select(row.id).where(*conditions)))
            .order_by(tag.account_id, tag.id)
        ):
            tags[account_id].append(name)
        return [mapping.account(r, tuple(tags[r.id])) for r in rows]

    def owned_page(
        self, owner_id: str, *, limit: int, after: Cursor | None = None
    ) -> Page[Account]:
        row = models.AccountRow
        return self._page(
            [row.owner_id == owner_id, row.status.in_(LIVE_STATUSES)],
            (row.name_key, row.id),
            lambda r: (r.name_key, r.id),
            limit=limit,
            after=after,
        )

    def stale_page(
        self,
        now: datetime,
        owner_id: str | None,
        *,
        limit: int,
        count_cap: int,
        after: Cursor | None = None,
    ) -> Page[Account]:
        # A large book has tens of thousands of stale accounts: the count walks the page's
        # index from the page's start and stops at the cap.
        row = models.AccountRow
        conditions = [row.status.in_(LIVE_STATUSES), row.next_touch_due < now]
        if owner_id is not None:
            conditions.append(row.owner_id == owner_id)
        return self._page(
            conditions,
            (row.next_touch_due, row.id),
            lambda r: (r.next_touch_due, r.id),
            limit=limit,
            after=after,
            count_cap=count_cap,
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

    def stale_ids(self, now: datetime) -> list[tuple[int, str | None]]:
        """(id, owner) of the live accounts past their next-touch date at ``now``, by id."""
        row = models.AccountRow
        found = self.session.execute(
            select(row.id, row.owner_id)
            .where(
                row.team_id == self.team_id,
                row.status.in_(LIVE_STATUSES),
                row.next_touch_due < now,
            )
            .order_by(row.id)
        )
        return [(i, o) for i, o in found]

    def all(self) -> list[Account]:
        return self._all(self._select().order_by(models.AccountRow.id))


class SqlContactRepository(Scoped):
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
            _contacts_of_account(), {TEAM: self.team_id, "account_id": account_id}
        )
        return [mapping.contact(r) for r in rows]

    def update(self, contact: Contact) -> Contact:
        row = self.session.scalars(
            select(models.ContactRow).where(
                models.ContactRow.team_id == self.team_id, models.ContactRow.id == contact.id
            )
        ).one()
        row.name = contact.name
        row.name_key = name_key(contact.name)
        row.title = contact.title
        row.email = contact.email
        row.phone = contact.phone
        self.session.flush()
        return mapping.contact(row)

    def delete(self, contact_id: int) -> None:
        self.session.execute(
            delete(models.ContactRow).where(
                models.ContactRow.team_id == self.team_id, models.ContactRow.id == contact_id
            )
        )

    def names_by_account(self, account_ids: Iterable[int]) -> dict[int, list[str]]:
        wanted = list(set(account_ids))
        names: dict[int, list[str]] = {account_id: [] for account_id in wanted}
        if not wanted:
            return names
        rows = self.session.execute(
            select(models.ContactRow.account_id, models.ContactRow.name)
            .where(
                models.ContactRow.account_id.in_(wanted),
                self.chosen_in_workspace(models.ContactRow.__table__.c.team_id),
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
