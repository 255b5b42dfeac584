"""Writing the export: one CSV file per record type, which ``read_records`` reads back.

Open each file with ``newline=""`` (the writer ends lines with ``\\r\\n`` itself) and
UTF-8 (``utf-8-sig`` if spreadsheets must recognise it). Datetimes are ISO 8601 in UTC
with ``Z``, dates ISO, amounts plain decimals, flags ``yes``/``no``, a contract's notice
in days (``3 months`` when it is kept in months). A value a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@`` first) gets an apostrophe in front, which the reader
removes again.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TextIO

from bot.domain import Account, Contact, Contract, FollowUp, Interaction
from bot.transfer.headers import EXPORT_HEADERS
from bot.transfer.records import RecordKind
from bot.transfer.values import escape_formula

# File names in the order an importer applies them: accounts before what refers to them,
# contacts before the interactions that name them.
EXPORT_FILES: tuple[tuple[str, RecordKind], ...] = (
    ("accounts.csv", RecordKind.ACCOUNTS),
    ("contacts.csv", RecordKind.CONTACTS),
    ("contracts.csv", RecordKind.CONTRACTS),
    ("interactions.csv", RecordKind.INTERACTIONS),
    ("follow_ups.csv", RecordKind.FOLLOW_UPS),
)

TAG_SEPARATOR = "; "

_Cell = str | int | Decimal | date | datetime | enum.Enum | bool | None


def write_accounts(out: TextIO, accounts: Iterable[Account]) -> int:
    """accounts.csv; the owner is the Slack user id, or the name or e-mail not yet resolved."""
    return _write(
        out,
        RecordKind.ACCOUNTS,
        (
            (
                a.name,
                a.kind,
                a.owner.user_id or a.owner.unresolved,
                a.tier,
                a.status,
                a.cadence_days,
                TAG_SEPARATOR.join(a.tags),
                a.created_at,
                a.last_touch_at,
            )
            for a in accounts
        ),
    )


def write_contacts(
    out: TextIO, contacts: Iterable[Contact], *, account_names: Mapping[int, str]
) -> int:
    return _write(
        out,
        RecordKind.CONTACTS,
        (
            (
                _name(account_names, c.account_id, "account"),
                c.name,
                c.title,
                c.email,
                c.phone,
                c.slack_user_id,
            )
            for c in contacts
        ),
    )


def write_interactions(
    out: TextIO,
    interactions: Iterable[Interaction],
    *,
    account_names: Mapping[int, str],
    contact_names: Mapping[int, str],
) -> int:
    return _write(
        out,
        RecordKind.INTERACTIONS,
        (
            (
                _name(account_names, i.account_id, "account"),
                i.kind,
                i.occurred_at,
                i.summary,
                i.logged_by,
                None if i.contact_id is None else _name(contact_names, i.contact_id, "contact"),
                i.permalink,
            )
            for i in interactions
        ),
    )


def write_follow_ups(
    out: TextIO, follow_ups: Iterable[FollowUp], *, account_names: Mapping[int, str]
) -> int:
    return _write(
        out,
        RecordKind.FOLLOW_UPS,
        (
            (
                _name(account_names, f.account_id, "account"),
                f.number,
                f.owner_id,
                f.due_at,
                f.text,
                f.status,
                f.snoozed_until,
                f.created_by,
                f.created_at,
                f.completed_by,
                f.completed_at,
            )
            for f in follow_ups
        ),
    )


def write_contracts(
    out: TextIO, contracts: Iterable[Contract], *, account_names: Mapping[int, str]
) -> int:
    return _write(
        out,
        RecordKind.CONTRACTS,
        (
            (
                _name(account_names, c.account_id, "account"),
                c.value,
                c.currency,
                c.start_date,
                c.renewal_date,
                _notice(c),
                c.auto_renew,
                c.direction,
                c.outcome,
                c.outcome_at,
            )
            for c in contracts
        ),
    )


def _notice(contract: Contract) -> int | str | None:
    """Notice as the contract keeps it: in calendar months (``3 months``, which the reader
    reads back as months) or in days; months written as days would be counted back from
    the next term's renewal date as that many days, not months."""
    if contract.notice_months is not None:
        return f"{contract.notice_months} months"
    return contract.notice_days


def _write(out: TextIO, kind: RecordKind, rows: Iterable[tuple[_Cell, ...]]) -> int:
    """The header and the rows; returns how many rows were written."""
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_HEADERS[kind])
    count = 0
    for row in rows:
        writer.writerow([_format(value) for value in row])
        count += 1
    return count


def _format(value: _Cell) -> str:
    # Order matters: bool is an int, datetime a date, a StrEnum a str.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be exported")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, int):
        return str(value)
    return escape_formula(value)


def _name(names: Mapping[int, str], id_: int, what: str) -> str:
    try:
        return names[id_]
    except KeyError:
        raise ValueError(f"no {what} name given for {what} id {id_}") from None
