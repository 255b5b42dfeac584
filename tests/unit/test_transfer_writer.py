"""Writing the export files, and reading each back into the same values."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import (
    MAX_CONTRACT_VALUE,
    MAX_NAME_LENGTH,
    Account,
    AccountKind,
    AccountStatus,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    Interaction,
    InteractionKind,
    Owner,
    RenewalOutcome,
)
from bot.transfer import (
    EXPORT_FILES,
    AccountRow,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
    RecordKind,
    read_records,
    write_accounts,
    write_contacts,
    write_contracts,
    write_follow_ups,
    write_interactions,
)

T0 = datetime(2024, 3, 14, 10, 22, tzinfo=UTC)
TRICKY_NAMES = (
    "Acme, Inc.",
    'The "Best" Company',
    "Line\nbreak\r\nand\rreturn",
    "<!channel> & <@U123|bob> 🚀🇪🇺",
    '=HYPERLINK("https://evil.example")',
    "-1 Corp; +more @home",
    "'quoted",
    "Zürich; Genève | Köln",
)
ACCOUNT_NAMES = dict(enumerate(TRICKY_NAMES, start=1))


def account(id_: int, name: str, **changes: object) -> Account:
    fields: dict[str, object] = {
        "id": id_,
        "team_id": "T1",
        "name": name,
        "kind": AccountKind.CUSTOMER,
        "owner": Owner(user_id="U02BOB"),
        "tier": "gold",
        "status": AccountStatus.ACTIVE,
        "cadence_days": 30,
        "tags": ("vip", "emea"),
        "last_touch_at": T0 + timedelta(days=3),
        "next_touch_due": T0 + timedelta(days=33),
        "created_at": T0,
        "updated_at": T0,
    }
    fields.update(changes)
    return Account(**fields)  # type: ignore[arg-type]


def export(write: object, *args: object, **kwargs: object) -> str:
    out = io.StringIO(newline="")
    write(out, *args, **kwargs)  # type: ignore[operator]
    return out.getvalue()


def read_back(text: str, kind: RecordKind) -> ImportFile:
    result = read_records(text.encode("utf-8"))
    assert (result.kind, result.errors, result.ignored_headers, result.notes) == (kind, [], [], [])
    return result


def test_export_files_in_the_order_an_importer_applies_them() -> None:
    assert EXPORT_FILES == (
        ("accounts.csv", RecordKind.ACCOUNTS),
        ("contacts.csv", RecordKind.CONTACTS),
        ("contracts.csv", RecordKind.CONTRACTS),
        ("interactions.csv", RecordKind.INTERACTIONS),
        ("follow_ups.csv", RecordKind.FOLLOW_UPS),
    )


def test_accounts_csv_as_written() -> None:
    text = export(
        write_accounts,
        [
            account(1, "Acme, Inc.", status=AccountStatus.AT_RISK),
            account(
                2,
                "=1+1",
                kind=AccountKind.VENDOR,
                owner=Owner(unresolved="maria.lopez@ourco.example"),
                tier=None,
                tags=(),
                last_touch_at=None,
                created_at=datetime(2024, 3, 14, 11, 22, 0, 5, tzinfo=timezone(timedelta(hours=1))),
            ),
            account(3, "Nobody's", owner=Owner()),
        ],
    )
    assert text.split("\r\n") == [
        "Name,Kind,Owner,Tier,Status,Cadence Days,Tags,Created At,Last Touch At",
        '"Acme, Inc.",customer,U02BOB,gold,at_risk,30,vip; emea,'
        "2024-03-14T10:22:00Z,2024-03-17T10:22:00Z",
        "'=1+1,vendor,maria.lopez@ourco.example,,active,30,,2024-03-14T10:22:00.000005Z,",
        "Nobody's,customer,,gold,active,30,vip; emea,2024-03-14T10:22:00Z,2024-03-17T10:22:00Z",
        "",
    ]


@pytest.mark.parametrize(
    ("write", "kind", "header"),
    [
        (
            write_contacts,
            RecordKind.CONTACTS,
            "Account,Name,Title,Email,Phone,Slack User",
        ),
        (
            write_interactions,
            RecordKind.INTERACTIONS,
            "Account,Kind,Occurred At,Summary,Logged By,Contact,Permalink",
        ),
        (
            write_follow_ups,
            RecordKind.FOLLOW_UPS,
            "Account,Number,Owner,Due At,Text,Status,Snoozed Until,Created By,Created At,"
            "Completed By,Completed At",
        ),
        (
            write_contracts,
            RecordKind.CONTRACTS,
            "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction,"
            "Outcome,Outcome At",
        ),
    ],
)
def test_an_empty_export_is_its_header(write: object, kind: RecordKind, header: str) -> None:
    names: dict[str, object] = {"account_names": {}}
    if kind is RecordKind.INTERACTIONS:
        names["contact_names"] = {}
    text = export(write, [], **names)
    assert text == header + "\r\n"
    assert read_back(text, kind).rows == []


def test_contracts_csv_as_written() -> None:
    contract = Contract(
        id=1,
        team_id="T1",
        account_id=1,
        value=Decimal("2.4E+4"),
        currency="EUR",
        renewal_date=date(2027, 3, 31),
        direction=ContractDirection.WE_SELL,
        notice_days=60,
        auto_renew=True,
    )
    text = export(write_contracts, [contract], account_names={1: "Acme"})
    assert text.split("\r\n")[1] == "Acme,24000,EUR,,2027-03-31,60,yes,we_sell,,"


def test_naive_datetimes_and_unknown_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        export(write_accounts, [account(1, "Acme", created_at=datetime(2024, 3, 14))])
    contact = Contact(id=1, team_id="T1", account_id=9, name="Ann")
    with pytest.raises(ValueError, match="no account name given for account id 9"):
        export(write_contacts, [contact], account_names={1: "Acme"})


def test_the_writer_returns_how_many_rows_it_wrote() -> None:
    out = io.StringIO(newline="")
    assert write_accounts(out, (account(i, f"A{i}") for i in range(3))) == 3


def test_csv_parsers_see_formulas_as_text() -> None:
    text = export(write_accounts, [account(1, "=cmd|' /C calc'!A0", tags=("+x",))])
    (_, row) = csv.reader(io.StringIO(text, newline=""))
    assert row[0] == "'=cmd|' /C calc'!A0"
    assert row[6] == "'+x"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_value_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back(start: str) -> None:
    value = f"{start}SUM(A1)"
    owner = Owner(unresolved=value)
    text = export(write_accounts, [account(1, value, owner=owner, tier=value, tags=(value,))])
    (_, row) = csv.reader(io.StringIO(text, newline=""))
    assert [row[0], row[2], row[3], row[6]] == ["'" + value] * 4
    (read,) = read_back(text, RecordKind.ACCOUNTS).rows
    assert isinstance(read, AccountRow)
    assert (read.name, read.owner, read.tier, read.tags) == (value, value, value, (value,))

    contact = Contact(id=1, team_id="T1", account_id=1, name=value, title=value, phone=value)
    text = export(write_contacts, [contact], account_names={1: value})
    (_, row) = csv.reader(io.StringIO(text, newline=""))
    assert [row[0], row[1], row[2], row[4]] == ["'" + value] * 4
    (contact_row,) = read_back(text, RecordKind.CONTACTS).rows
    assert contact_row == ContactRow(2, value, value, value, None, value, None)


# -- round trips -------------------------------------------------------------------------


def test_accounts_round_trip() -> None:
    originals = [
        account(
            i,
            name,
            kind=list(AccountKind)[i % len(AccountKind)],
            status=list(AccountStatus)[i % len(AccountStatus)],
            owner=Owner(user_id="U02BOB") if i % 2 else Owner(unresolved="Maria Lopez"),
            tier=None if i == 3 else "gold",
            tags=() if i == 4 else ("vip", "q3-renewal"),
            cadence_days=i * 7,
            created_at=T0 + timedelta(days=i, microseconds=i),
            last_touch_at=None if i == 5 else T0 + timedelta(days=40 + i),
        )
        for i, name in ACCOUNT_NAMES.items()
    ]
    rows = read_back(export(write_accounts, originals), RecordKind.ACCOUNTS).rows
    assert [r.line for r in rows] == [2, 3, 4, 8, 9, 10, 11, 12]  # line 4 has 3 line breaks
    assert rows == [
        AccountRow(
            line=row.line,
            name=a.name,
            owner=a.owner.user_id or a.owner.unresolved,
            kind=a.kind,
            tier=a.tier,
            status=a.status,
            cadence_days=a.cadence_days,
            tags=a.tags,
            renewal_date=None,
            contract_value=None,
            currency=None,
            notice_days=None,
            auto_renew=False,
            created_at=a.created_at,
            last_touch_at=a.last_touch_at,
        )
        for a, row in zip(originals, rows, strict=True)
    ]


def test_contacts_round_trip() -> None:
    originals = [
        Contact(
            id=10 + i,
            team_id="T1",
            account_id=i,
            name=f"{name} contact",
            title="VP, Sales & <Ops>",
            email="ann+crm@acme.example",
            phone="+44 20 7946 0958",
            slack_user_id="U0ANN",
        )
        for i, name in ACCOUNT_NAMES.items()
    ] + [Contact(id=99, team_id="T1", account_id=1, name="Bo")]
    rows = read_back(
        export(write_contacts, originals, account_names=ACCOUNT_NAMES), RecordKind.CONTACTS
    ).rows
    assert rows == [
        ContactRow(
            row.line,
            ACCOUNT_NAMES[c.account_id],
            c.name,
            c.title,
            c.email,
            c.phone,
            c.slack_user_id,
        )
        for c, row in zip(originals, rows, strict=True)
    ]


def test_interactions_round_trip() -> None:
    contact_names = {7: 'Ann "the boss" Lee, CTO'}
    originals = [
        Interaction(
            id=i,
            team_id="T1",
            account_id=i,
            kind=list(InteractionKind)[i % len(InteractionKind)],
            occurred_at=T0 - timedelta(days=i, microseconds=123),
            summary=f'About {name}:\nthey want SSO, "soon" 🚀\n\n- price <= 10%',
            logged_by="U02BOB",
            contact_id=7 if i % 2 else None,
            permalink="https://acme.slack.com/archives/C1/p1700000000000100?thread_ts=1.2&x=1"
            if i % 3
            else None,
        )
        for i, name in ACCOUNT_NAMES.items()
    ]
    text = export(
        write_interactions, originals, account_names=ACCOUNT_NAMES, contact_names=contact_names
    )
    rows = read_back(text, RecordKind.INTERACTIONS).rows
    assert rows == [
        InteractionRow(
            row.line,
            ACCOUNT_NAMES[i.account_id],
            i.kind,
            i.occurred_at,
            i.summary,
            i.logged_by,
            None if i.contact_id is None else contact_names[i.contact_id],
            i.permalink,
        )
        for i, row in zip(originals, rows, strict=True)
    ]


def test_follow_ups_round_trip() -> None:
    originals = [
        FollowUp(
            id=100 + i,
            team_id="T1",
            number=i,
            account_id=i,
            owner_id="U02BOB",
            due_at=T0 + timedelta(days=i),
            text=f'send {name} the proposal, "v2"',
            status=list(FollowUpStatus)[i % len(FollowUpStatus)],
            created_by="U0ANN",
            created_at=T0,
            snoozed_until=T0 + timedelta(days=i + 7) if i % 2 else None,
            completed_by="U0ANN" if i % 3 == 1 else None,
            completed_at=T0 + timedelta(days=1) if i % 3 == 1 else None,
        )
        for i, name in ACCOUNT_NAMES.items()
    ]
    text = export(write_follow_ups, originals, account_names=ACCOUNT_NAMES)
    rows = read_back(text, RecordKind.FOLLOW_UPS).rows
    assert rows == [
        FollowUpRow(
            row.line,
            ACCOUNT_NAMES[f.account_id],
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
        for f, row in zip(originals, rows, strict=True)
    ]


def test_contracts_round_trip() -> None:
    values = [
        Decimal("24000"),
        Decimal("118500.50"),
        Decimal("1.500"),
        Decimal("0"),
        Decimal("999999999999.99"),
        Decimal("1E+3"),
        Decimal("0.001"),
        Decimal("24,000".replace(",", "")),
    ]
    originals = [
        Contract(
            id=i,
            team_id="T1",
            account_id=i,
            value=value,
            currency="EUR" if i % 2 else "USD",
            renewal_date=date(2027, 3, 31) + timedelta(days=i),
            direction=ContractDirection.WE_BUY if i % 2 else ContractDirection.WE_SELL,
            start_date=date(2026, 4, 1) if i % 2 else None,
            notice_days=60 if i % 3 else None,
            auto_renew=bool(i % 2),
            outcome=RenewalOutcome.RENEWED if i == 2 else None,
            outcome_at=T0 if i == 2 else None,
        )
        for (i, _), value in zip(ACCOUNT_NAMES.items(), values, strict=True)
    ]
    text = export(write_contracts, originals, account_names=ACCOUNT_NAMES)
    rows = read_back(text, RecordKind.CONTRACTS).rows
    assert rows == [
        ContractRow(
            row.line,
            ACCOUNT_NAMES[c.account_id],
            c.value,
            c.currency,
            c.start_date,
            c.renewal_date,
            c.notice_days,
            c.auto_renew,
            c.direction,
            c.outcome,
            c.outcome_at,
        )
        for c, row in zip(originals, rows, strict=True)
    ]


def line_breaks(text: str) -> int:
    return len(re.findall(r"\r\n|\r|\n", text))


# Names as people might type them: any printable or control text, stored trimmed.
names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=MAX_NAME_LENGTH).filter(
    lambda s: s == s.strip() and s != ""
)


@given(name=names, tier=st.none() | names.filter(lambda s: len(s) <= 50))
def test_any_account_name_round_trips(name: str, tier: str | None) -> None:
    text = export(write_accounts, [account(1, name, tier=tier), account(2, "After")])
    result = read_back(text, RecordKind.ACCOUNTS)
    first, after = result.rows
    assert isinstance(first, AccountRow) and (first.name, first.tier) == (name, tier)
    assert isinstance(after, AccountRow)
    assert after.line == 3 + line_breaks(name) + line_breaks(tier or "")


@given(
    value=st.decimals(
        min_value=0, max_value=MAX_CONTRACT_VALUE - 1, allow_nan=False, allow_infinity=False
    )
)
def test_any_contract_value_round_trips(value: Decimal) -> None:
    contract = Contract(
        id=1,
        team_id="T1",
        account_id=1,
        value=value,
        currency="EUR",
        renewal_date=date(2027, 3, 31),
        direction=ContractDirection.WE_SELL,
    )
    text = export(write_contracts, [contract], account_names={1: "Acme"})
    (row,) = read_back(text, RecordKind.CONTRACTS).rows
    assert isinstance(row, ContractRow) and row.value == value
