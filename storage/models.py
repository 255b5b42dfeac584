"""The tables. Every row belongs to one workspace (``team_id``); times are aware UTC.

Relationships are ``lazy="raise"``: a repository says what it loads, nothing loads by accident.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM_ID = String(32)
USER_ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Versioned:
    """A row people change: optimistic concurrency, the one mechanism for concurrent writes
    (STYLE.md habit 12). Every UPDATE names the version it read and bumps it (SQLAlchemy's
    ``version_id_col``); a writer that read an older version changes nothing and its request
    runs again on fresh data (``storage.unit_of_work``)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def _team_fk() -> Mapped[str]:
    return mapped_column(TEAM_ID, ForeignKey("workspaces.team_id", ondelete="CASCADE"))


class WorkspaceRow(Versioned, Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    dayfirst: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    escalation_channel: Mapped[str | None] = mapped_column(String(32))
    renewal_ladder: Mapped[str] = mapped_column(String(100), default="90,60,30,14,7,1")
    health_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Per-kind cadence bands, `kind:ideal:max` joined by commas (max empty: none set): 0017.
    cadence_rules: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # When the accounts' health bands were last checked; a replica claims a check by it: 0019.
    health_checked_at: Mapped[datetime | None]
    # The weekly team report: where, which day (Monday is 0), when, in which zone: 0019.
    report_channel: Mapped[str | None] = mapped_column(String(32))
    report_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    report_time: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    report_timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # The last follow-up number handed out; bumped with UPDATE … RETURNING so numbers never repeat.
    last_follow_up_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class UserRow(Versioned, Base):
    """A Slack user's preferences and what Slack told us about them (zone, name, e-mail)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    slack_user_id: Mapped[str] = mapped_column(USER_ID)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str | None] = mapped_column(String(64))  # set by the user; wins
    slack_timezone: Mapped[str | None] = mapped_column(String(64))  # from users.info
    slack_checked_at: Mapped[datetime | None]
    deactivated: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    nudge_mode: Mapped[str] = mapped_column(String(16), default="digest")
    workdays: Mapped[str] = mapped_column(String(32), default="0,1,2,3,4")
    hours_start: Mapped[str] = mapped_column(String(5), default="09:00")
    hours_end: Mapped[str] = mapped_column(String(5), default="18:00")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountRow(Versioned, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("team_id", "name_key"),
        Index("ix_accounts_team_owner_status", "team_id", "owner_id", "status"),
        Index("ix_accounts_team_status_next_touch", "team_id", "status", "next_touch_due"),
        # Pages of lists, in their order (keyset pagination): stale accounts longest past their
        # cadence first, everyone's or one owner's, and one owner's accounts by name.
        Index("ix_accounts_team_next_touch_id", "team_id", "next_touch_due", "id"),
        Index(
            "ix_accounts_team_owner_next_touch_id", "team_id", "owner_id", "next_touch_due", "id"
        ),
        Index("ix_accounts_team_owner_name", "team_id", "owner_id", "name_key", "id"),
        # Pages of `accounts all <kind>` and `accounts all at risk`, by name.
        Index("ix_accounts_team_kind_name", "team_id", "kind", "name_key"),
        Index("ix_accounts_team_status_name", "team_id", "status", "name_key"),
        CheckConstraint("cadence_days > 0", name="cadence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    # The name's words (``bot.domain.words_key``): a name typed in part or without its accents
    # or marks is found by them, through ``search_objects.ACCOUNT_WORDS``.
    words_key: Mapped[str] = mapped_column(String(200), server_default="")
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[str | None] = mapped_column(USER_ID)
    owner_unresolved: Mapped[str | None] = mapped_column(String(320))
    tier: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16))
    cadence_days: Mapped[int] = mapped_column(Integer)
    # Set for this account (else it follows its kind's rule): 0017.
    cadence_own: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_touch_at: Mapped[datetime | None]
    next_touch_due: Mapped[datetime]
    stale_snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    tags: Mapped[list[AccountTagRow]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AccountTagRow.id"
    )


class AccountTagRow(Base):
    __tablename__ = "account_tags"
    __table_args__ = (
        UniqueConstraint("account_id", "tag_key"),
        Index("ix_account_tags_team_tag", "team_id", "tag_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(50))
    tag_key: Mapped[str] = mapped_column(String(50))


class ContactRow(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_team_name", "team_id", "name_key"),
        Index("ix_contacts_account", "account_id"),
        # An account's contacts on its card, in the order shown.
        Index("ix_contacts_team_account_name", "team_id", "account_id", "name_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    slack_user_id: Mapped[str | None] = mapped_column(USER_ID)
    created_at: Mapped[datetime]


class AccountHealthRow(Base):
    """An account's health band as last checked, and since when it is in it (0019)."""

    __tablename__ = "account_health"
    __table_args__ = (Index("ix_account_health_team_band_since", "team_id", "band", "since"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[str] = _team_fk()
    band: Mapped[str] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime]
    checked_at: Mapped[datetime]


class AccountWatcherRow(Base):
    """Someone watching an account: its renewal news in their own digest (not its follow-ups)."""

    __tablename__ = "account_watchers"
    __table_args__ = (
        UniqueConstraint("team_id", "account_id", "user_id"),
        # A person's watched accounts (`show`'s "you watch", their digest's reach).
        Index("ix_account_watchers_team_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime]


class NotifyRuleRow(Base):
    """A channel that hears one kind of event (`settings workspace notify #c when …`), for
    every account or only one kind, tier or tag (``filter_key``: "" for none)."""

    __tablename__ = "notify_rules"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "event", "filter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    channel_id: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(32))
    filter_by: Mapped[str | None] = mapped_column(String(8))  # kind, tier or tag
    filter_value: Mapped[str | None] = mapped_column(String(100))  # as written
    filter_key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime]


class InteractionRow(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_account_occurred", "account_id", "occurred_at"),
        Index("ix_interactions_team_occurred", "team_id", "occurred_at"),
        # An account's latest touches (card, history) in the order shown, ties by id.
        Index(
            "ix_interactions_team_account_occurred", "team_id", "account_id", "occurred_at", "id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    logged_by: Mapped[str] = mapped_column(USER_ID)
    permalink: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime]


class FollowUpRow(Versioned, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index("ix_follow_ups_team_owner_status_due", "team_id", "owner_id", "status", "due_at"),
        Index("ix_follow_ups_team_status_due", "team_id", "status", "due_at"),
        Index("ix_follow_ups_account", "account_id"),
        # Pages of follow-up lists in the order they are shown (when due, snooze included).
        Index(
            "ix_follow_ups_team_status_effective", "team_id", "status", "effective_due", "number"
        ),
        Index(
            "ix_follow_ups_team_account_status_effective",
            "team_id",
            "account_id",
            "status",
            "effective_due",
            "number",
        ),
        Index(
            "ix_follow_ups_team_owner_status_effective",
            "team_id",
            "owner_id",
            "status",
            "effective_due",
            "number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    number: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    owner_id: Mapped[str] = mapped_column(USER_ID)
    due_at: Mapped[datetime]
    snoozed_until: Mapped[datetime | None]
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime]
    completed_by: Mapped[str | None] = mapped_column(USER_ID)
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    # When it is due, snooze included: the order of every follow-up list. Computed by the
    # database, so no writer (bulk import included) can let it drift, and indexable.
    effective_due: Mapped[datetime] = mapped_column(
        Computed("coalesce(snoozed_until, due_at)", persisted=True)
    )


class NoticeDeadline(FunctionElement[date]):
    """A contract's notice deadline (renewal date minus notice period) in SQL, spelt the
    same in the index on it and in the queries that use that index (per dialect: SQLite keeps
    dates as ISO text, PostgreSQL subtracts days from a date)."""

    type = Date()
    name = "notice_deadline"
    inherit_cache = True


@compiles(NoticeDeadline, "sqlite")
def _notice_deadline_sqlite(element: NoticeDeadline, compiler: SQLCompiler, **kw: Any) -> str:
    return "date(renewal_date, '-' || notice_days || ' days')"


@compiles(NoticeDeadline)
def _notice_deadline(element: NoticeDeadline, compiler: SQLCompiler, **kw: Any) -> str:
    return "(renewal_date - notice_days)"


_OPEN_WITH_NOTICE = "outcome IS NULL AND notice_days IS NOT NULL"


class ContractRow(Versioned, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_team_renewal", "team_id", "renewal_date"),
        # What a nudge pass reads besides open contracts by renewal date (the index above):
        # open contracts by notice deadline; and pages of `renewals` and `notices`, in
        # (deadline, id) order.
        Index(
            "ix_contracts_open_notice_deadline",
            "team_id",
            NoticeDeadline(),
            "id",
            sqlite_where=text(_OPEN_WITH_NOTICE),
            postgresql_where=text(_OPEN_WITH_NOTICE),
        ),
        Index("ix_contracts_account", "account_id"),
        # Open contracts in renewal order, for pages of `renewals`.
        Index(
            "ix_contracts_team_open_renewal",
            "team_id",
            "renewal_date",
            "id",
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
        # One owner's renewals: their accounts' open contracts in a window, found and counted
        # from the index alone (the workspace is in it too), never from the workspace's window.
        Index(
            "ix_contracts_open_account_renewal",
            "account_id",
            "renewal_date",
            "team_id",
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
        # At most one open contract (no outcome yet) per account.
        Index(
            "uq_contracts_open_per_account",
            "account_id",
            unique=True,
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
        CheckConstraint("value_cents >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Hundredths of the currency unit: exact on every database (SQLite has no decimal type).
    # None: the value is not known (an import gave a renewal date without one).
    value_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date | None] = mapped_column(Date)
    renewal_date: Mapped[date] = mapped_column(Date)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    # `notice 3 months`: notice_days holds those months' days before this renewal date.
    notice_months: Mapped[int | None] = mapped_column(Integer)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    direction: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_at: Mapped[datetime | None]
    outcome_by: Mapped[str | None] = mapped_column(USER_ID)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    nudges_snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class NudgeRow(Base):
    """The nudge ledger and outbox: one row per (item, occasion), delivered once."""

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("team_id", "occasion_key"),
        Index("ix_nudges_status_deliver_after", "status", "deliver_after"),
        Index("ix_nudges_team_recipient", "team_id", "recipient_id"),
        # A claim looks for the recipients with pending rows, then takes one's: the pending
        # rows only, however long the ledger's history grows.
        Index("ix_nudges_team_status_recipient", "team_id", "status", "recipient_id"),
        Index("ix_nudges_message", "channel_id", "message_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    occasion_key: Mapped[str] = mapped_column(String(255))
    item_kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(Integer)
    nudge_kind: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[str] = mapped_column(String(32))
    deliver_after: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # After a failed attempt: not claimed again before this (real time), and when the
    # failures began (it is given up a long horizon later, and said so).
    retry_after: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    details: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # What the recipient decided with the message's buttons (done, snoozed, renewed, …).
    decision: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]


class SlackEventRow(Base):
    """Deliveries already handled, so a Slack retry or a replay never acts twice: event ids,
    and ``request:<signature>`` for signed requests. Pruned after a day."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    received_at: Mapped[datetime] = mapped_column(index=True)


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_team_at", "team_id", "at"),
        Index("ix_audit_events_team_entity", "team_id", "entity", "entity_id"),
        # A caller's changes of the last hour, for `undo`.
        Index("ix_audit_events_team_actor_at", "team_id", "actor", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = _team_fk()
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    at: Mapped[datetime]
    # The unit of work (one request) that wrote the row: `undo` takes back one change whole.
    change_key: Mapped[str | None] = mapped_column(String(32))
    # An undo's row: the id of the row it took back (the next `undo` skips both).
    undoes: Mapped[int | None] = mapped_column(Integer)
