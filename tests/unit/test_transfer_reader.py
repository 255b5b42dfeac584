"""Reading CSV files: CRM exports and our own, their encodings, delimiters and mistakes."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import (
    MAX_NAME_LENGTH,
    MAX_SUMMARY_LENGTH,
    AccountKind,
    AccountStatus,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
)
from bot.transfer import (
    ACCOUNT_KIND_ALIASES,
    EXPORT_HEADERS,
    HEADER_ALIASES,
    AccountRow,
    CellNote,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
    RecordKind,
    RowError,
    read_records,
)
from bot.transfer.decoding import UnreadableFile
from bot.transfer.headers import normalize_header

# Verbatim copies of /work/shared/samples/*.csv, so the tests do not depend on that folder.
HUBSPOT = (
    b"Record ID,Company name,Company Domain Name,Company owner,Type,Industry,Create Date,"
    b"Last Activity Date,Renewal Date,Contract Value\n"
    b"5012003101,Northwind Traders,northwind.example,maria.lopez@ourco.example,Reseller,"
    b"Wholesale,2024-03-14 10:22,2026-10-02 16:05,2027-03-31,24000\n"
    b"5012003102,Contoso Pharma,contoso.example,jan.becker@ourco.example,,Pharmaceuticals,"
    b"2023-11-02 09:00,2026-11-20 11:30,2026-12-15,118500.50\n"
    b"5012003103,Fabrikam Logistics,fabrikam.example,maria.lopez@ourco.example,Vendor,"
    b"Logistics,2025-01-20 14:45,,,\n"
    b'5012003104,"Tailspin Toys, Inc.",tailspin.example,sam.okafor@ourco.example,Partner,'
    b"Consumer Goods,2022-06-30 08:15,2026-07-19 09:40,2027-06-30,9900\n"
    b"5012003105,Wide World Importers,wwi.example,,Prospect,Retail,2026-09-09 13:00,"
    b"2026-11-25 15:20,,\n"
)
SALESFORCE = (
    '"Account ID","Account Name","Account Owner","Type","Industry","Billing City",'
    '"Annual Revenue","Created Date"\n'
    '"0015g00000AbCdE1","Adventure Works","Maria Lopez","Customer - Direct","Manufacturing",'
    '"Portland","5400000","3/14/2024"\n'
    '"0015g00000AbCdE2","Litware GmbH","Jan Becker","Customer - Channel","Technology",'
    '"München","1200000","11/2/2023"\n'
    '"0015g00000AbCdE3","Proseware Supplies","Sam Okafor","Other","Logistics","Rotterdam",'
    '"","1/20/2025"\n'
    '"0015g00000AbCdE4","Blue Yonder Airlines","Maria Lopez","Technology Partner",'
    '"Transportation","Seattle","","6/30/2022"\n'
    '"0015g00000AbCdE5","Lucerne Publishing","Jan Becker","Prospect","Media","Zürich",'
    '"300000","9/9/2026"\n'
    '"0015g00000AbCdE6","Margie\'s Travel","Sam Okafor","Channel Partner / Reseller",'
    '"Hospitality","Lisbon","","2/1/2021"\n'
).encode()


def csv_bytes(*lines: str, newline: str = "\r\n") -> bytes:
    return newline.join(lines).encode() + newline.encode()


def read_ok(data: bytes | str, **kwargs: bool) -> ImportFile:
    result = read_records(data, **kwargs)
    assert result.errors == [], result.errors
    return result


def accounts(result: ImportFile) -> list[AccountRow]:
    assert result.kind is RecordKind.ACCOUNTS
    rows = [r for r in result.rows if isinstance(r, AccountRow)]
    assert len(rows) == len(result.rows)
    return rows


def one_account(*lines: str, dayfirst: bool = False) -> AccountRow:
    (row,) = accounts(read_ok(csv_bytes(*lines), dayfirst=dayfirst))
    return row


def only_note(result: ImportFile) -> tuple[AccountRow, CellNote]:
    """The one row a file holds, kept with the one cell it could not read."""
    assert result.errors == [], result.errors
    (row,) = accounts(result)
    (note,) = result.cell_notes
    return row, note


def only_error(result: ImportFile) -> RowError:
    assert result.rows == []
    (error,) = result.errors
    return error


# -- the sample exports ------------------------------------------------------------------


def test_hubspot_export_reads_every_company() -> None:
    result = read_ok(HUBSPOT)
    rows = accounts(result)
    assert [(r.line, r.name, r.owner, r.kind) for r in rows] == [
        (2, "Northwind Traders", "maria.lopez@ourco.example", AccountKind.RESELLER),
        (3, "Contoso Pharma", "jan.becker@ourco.example", None),  # no type
        (4, "Fabrikam Logistics", "maria.lopez@ourco.example", AccountKind.VENDOR),
        (5, "Tailspin Toys, Inc.", "sam.okafor@ourco.example", AccountKind.PARTNER),
        (6, "Wide World Importers", None, AccountKind.PROSPECT),
    ]
    northwind, contoso, fabrikam, tailspin, _ = rows
    assert northwind.renewal_date == date(2027, 3, 31)
    assert northwind.contract_value == Decimal("24000")
    assert northwind.created_at == datetime(2024, 3, 14, 10, 22, tzinfo=UTC)
    assert northwind.last_touch_at == datetime(2026, 10, 2, 16, 5, tzinfo=UTC)
    assert contoso.contract_value == Decimal("118500.50")
    assert contoso.renewal_date == date(2026, 12, 15)
    assert (fabrikam.renewal_date, fabrikam.contract_value, fabrikam.last_touch_at) == (
        None,
        None,
        None,
    )
    assert tailspin.contract_value == Decimal("9900")
    assert result.ignored_headers == ["Record ID", "Company Domain Name", "Industry"]
    assert result.notes == []


def test_salesforce_report_reads_month_first_dates() -> None:
    result = read_ok(SALESFORCE)
    rows = accounts(result)
    assert [(r.name, r.owner, r.kind, r.created_at) for r in rows] == [
        (
            "Adventure Works",
            "Maria Lopez",
            AccountKind.CUSTOMER,
            datetime(2024, 3, 14, tzinfo=UTC),
        ),
        ("Litware GmbH", "Jan Becker", AccountKind.CUSTOMER, datetime(2023, 11, 2, tzinfo=UTC)),
        (
            "Proseware Supplies",
            "Sam Okafor",
            None,  # "Other": no kind given
            datetime(2025, 1, 20, tzinfo=UTC),
        ),
        (
            "Blue Yonder Airlines",
            "Maria Lopez",
            AccountKind.PARTNER,
            datetime(2022, 6, 30, tzinfo=UTC),
        ),
        (
            "Lucerne Publishing",
            "Jan Becker",
            AccountKind.PROSPECT,
            datetime(2026, 9, 9, tzinfo=UTC),
        ),
        ("Margie's Travel", "Sam Okafor", AccountKind.RESELLER, datetime(2021, 2, 1, tzinfo=UTC)),
    ]
    # "Annual Revenue" is not a contract value.
    assert all(r.contract_value is None for r in rows)
    assert "Annual Revenue" in result.ignored_headers


def test_the_files_own_dates_outweigh_a_day_first_workspace() -> None:
    # Issue 10: 3/14/2024 can only be month-first, so the whole file is read month-first
    # (it used to be read day-first and lose three rows).
    result = read_ok(SALESFORCE, dayfirst=True)
    by_line = {r.line: r for r in accounts(result)}
    assert by_line[3].created_at == datetime(2023, 11, 2, tzinfo=UTC)  # 11/2/2023
    assert by_line[7].created_at == datetime(2021, 2, 1, tzinfo=UTC)  # 2/1/2021
    assert result.notes == [
        "Dates such as 3/4/2027 are read month-first (3/31/2027): “3/14/2024” "
        "(Created Date, line 2) can only be read that way."
    ]


# -- encodings and delimiters ------------------------------------------------------------


def test_a_byte_order_mark_is_not_part_of_the_first_header() -> None:
    data = codecs.BOM_UTF8 + csv_bytes("Name,Owner", "Müller & Söhne 🚀,U02BOB")
    row = one_account(data.decode("utf-8"))  # a str with U+FEFF in front
    assert row.name == "Müller & Söhne 🚀"
    result = read_ok(data)
    assert accounts(result)[0].owner == "U02BOB"
    assert result.notes == []


def test_semicolon_file_with_european_numbers() -> None:
    result = read_ok(
        csv_bytes(
            "Company name;Contract Value;Renewal Date",
            '"Tailspin; Inc.";24.000,50;31.03.2027',
            "Globex;1.250.000;1.4.2027",
        )
    )
    tailspin, globex = accounts(result)
    assert (tailspin.name, tailspin.contract_value, tailspin.renewal_date) == (
        "Tailspin; Inc.",
        Decimal("24000.50"),
        date(2027, 3, 31),
    )
    assert (globex.contract_value, globex.renewal_date) == (Decimal(1250000), date(2027, 4, 1))
    assert result.notes == [
        "Columns are separated by semicolons.",
        "Amounts in Contract Value are read with a decimal comma (24.000,50), "
        "as line 2 writes them.",
    ]


def test_tab_delimited_file() -> None:
    result = read_ok(csv_bytes("Account Name\tAccount Owner\tType", "Acme, Inc.\tU02BOB\tVendor"))
    (row,) = accounts(result)
    assert (row.name, row.owner, row.kind) == ("Acme, Inc.", "U02BOB", AccountKind.VENDOR)
    assert result.notes == ["Columns are separated by tabs."]


def test_excel_sep_line_sets_the_delimiter() -> None:
    result = read_ok(csv_bytes("sep=;", "Name;Tier", "Acme, Inc.;gold", "Globex;silver"))
    assert [(r.line, r.name, r.tier) for r in accounts(result)] == [
        (3, "Acme, Inc.", "gold"),
        (4, "Globex", "silver"),
    ]


def test_windows_1252_bytes_are_read_with_a_note() -> None:
    data = "Name,Contract Value\r\nMüller Café,€24.000,50\r\n".replace(
        "€24.000,50", '"€24.000,50"'
    ).encode("cp1252")
    result = read_ok(data)
    (row,) = accounts(result)
    assert (row.name, row.contract_value, row.currency) == (
        "Müller Café",
        Decimal("24000.50"),
        "EUR",
    )
    assert result.notes == [
        "The file is not UTF-8; it was read as Windows-1252 (Western European).",
        "Amounts in Contract Value are read with a decimal comma (24.000,50), "
        "as line 2 writes them.",
    ]


def test_a_byte_order_mark_before_windows_1252_text_is_dropped() -> None:
    result = read_ok(codecs.BOM_UTF8 + "Name\r\nMüller\r\n".encode("cp1252"))
    assert accounts(result)[0].name == "Müller"
    assert "Windows-1252" in result.notes[0]


def test_bytes_undefined_in_windows_1252_refuse_the_file() -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_records(b"Name\r\nA\x81B\xe9\r\n")
    assert "nor Windows-1252 (Western European): byte 0x81 on line 2" in refused.value.message


def test_utf16_as_spreadsheets_save_unicode_text() -> None:
    data = "Name\tTier\r\nZürich AG 🚀\tgold\r\n".encode("utf-16")
    result = read_ok(data)
    assert accounts(result)[0].name == "Zürich AG 🚀"
    assert "UTF-16" in result.notes[0]


# -- lines, blank rows and quoted line breaks -------------------------------------------


def test_line_numbers_count_line_breaks_inside_quoted_fields() -> None:
    result = read_records(
        csv_bytes(
            "Name,Tags",
            '"Acme\r\nCorp",vip',
            "Globex,",
            '"Initech, ""the"" firm\nthird line\nfourth",',
            "Umbrella,",
            ",Kind?",  # line 8: no name
        )
    )
    rows = accounts(result)
    assert [(r.line, r.name) for r in rows] == [
        (2, "Acme\r\nCorp"),
        (4, "Globex"),
        (5, 'Initech, "the" firm\nthird line\nfourth'),
        (8, "Umbrella"),
    ]
    assert result.errors == [RowError(9, "Name is empty.")]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_any_line_ending(newline: str) -> None:
    result = read_ok(csv_bytes("Name", "Acme", '"Glo\nbex"', "Initech", newline=newline))
    assert [(r.line, r.name) for r in accounts(result)] == [
        (2, "Acme"),
        (3, "Glo\nbex"),
        (5, "Initech"),
    ]


def test_blank_rows_are_skipped_silently() -> None:
    result = read_ok(csv_bytes("", "Name,Owner,Tier", "Acme,U1,gold", ",,", "", " , ,", "Globex,,"))
    assert [(r.line, r.name) for r in accounts(result)] == [(3, "Acme"), (7, "Globex")]


def test_a_row_with_more_fields_than_the_header_is_refused() -> None:
    result = read_records(csv_bytes("Name,Owner", "Tailspin Toys, Inc.,U1", "Acme,U2,,"))
    assert [r.name for r in accounts(result)] == ["Acme"]  # empty trailing fields are fine
    assert result.errors == [
        RowError(
            2,
            "The row has 3 fields but the header has 2; "
            "a value containing a comma must be in double quotes.",
        )
    ]


def test_a_row_with_fewer_fields_reads_the_rest_as_empty() -> None:
    row = one_account("Name,Owner,Tier", "Acme")
    assert (row.name, row.owner, row.tier) == ("Acme", None, None)


# -- headers -----------------------------------------------------------------------------


def test_headers_match_whatever_their_case_spacing_and_separators() -> None:
    row = one_account(
        " account_NAME , ACCOUNT-OWNER,account   TYPE,Cadence_Days,currency iso code,AUTO-RENEW",
        "Acme,U02BOB,prospect,14,eur,yes",
    )
    assert (row.name, row.owner, row.kind, row.cadence_days, row.currency, row.auto_renew) == (
        "Acme",
        "U02BOB",
        AccountKind.PROSPECT,
        14,
        "EUR",
        True,
    )


def test_the_first_listed_alias_wins_and_the_others_are_ignored() -> None:
    result = read_ok(csv_bytes("Company,Name,Industry,", "Acme Holding,Acme,Retail,"))
    assert accounts(result)[0].name == "Acme"
    assert result.ignored_headers == ["Company", "Industry"]


def test_a_file_without_a_name_column_is_one_file_level_error() -> None:
    result = read_records(csv_bytes("Record ID,Owner,Type", "1,U1,Vendor", "2,U2,Partner"))
    error = only_error(result)
    assert error.line == 1
    assert error.message.startswith("The file has no account name column")
    assert "Company name" in error.message


def test_an_empty_file_is_one_error() -> None:
    assert only_error(read_records(b"")) == RowError(1, "The file is empty: it has no header line.")
    assert only_error(read_records(b"\r\n,,\r\n")).line == 1


def test_an_incomplete_file_of_ours_names_the_missing_columns() -> None:
    error = only_error(read_records(csv_bytes("Account,Summary,Logged By", "Acme,hi,U1")))
    assert error == RowError(
        1,
        "This looks like an interactions file (it has an Account column), but the header "
        "has no column for: Kind (or Type); Occurred At (or Date).",
    )


def test_a_bare_account_column_names_accounts_in_a_crm_file() -> None:
    row = one_account("Account,Owner,Type,Tier", "Acme,U1,Vendor,gold")
    assert (row.name, row.kind, row.tier) == ("Acme", AccountKind.VENDOR, "gold")
    # One contacts column does not make a contacts file without a Name column.
    result = read_ok(csv_bytes("Account,Email,Owner", "Acme,a@acme.example,U1"))
    assert accounts(result)[0].name == "Acme"
    assert result.ignored_headers == ["Email"]


def test_an_equally_good_fit_goes_to_the_file_that_refers_to_accounts() -> None:
    result = read_ok(csv_bytes("Account,Currency,Renewal Date,Amount", "Acme,EUR,2027-03-31,5"))
    assert result.kind is RecordKind.CONTRACTS


@pytest.mark.parametrize("kind", list(RecordKind))
def test_our_export_headers_are_detected(kind: RecordKind) -> None:
    result = read_records(",".join(EXPORT_HEADERS[kind]) + "\r\n")
    assert (result.kind, result.errors, result.ignored_headers) == (kind, [], [])


@pytest.mark.parametrize("kind", list(RecordKind))
def test_aliases_are_unambiguous_within_a_kind(kind: RecordKind) -> None:
    aliases = [normalize_header(a) for names in HEADER_ALIASES[kind].values() for a in names]
    assert len(aliases) == len(set(aliases))


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [(alias, kind) for alias, kind in ACCOUNT_KIND_ALIASES.items()]
    + [(kind.value, kind) for kind in AccountKind]
    + [
        ("", None),  # not given: the importer decides
        ("OTHER", None),  # HubSpot's "Other" names no kind: as if not given
        ("customer-direct", AccountKind.CUSTOMER),
        ("Channel partner/reseller", AccountKind.RESELLER),
        ("  Supplier ", AccountKind.SUPPLIER),
    ],
)
def test_kinds_from_crm_types(text: str, kind: AccountKind | None) -> None:
    assert one_account("Name,Type", f"Acme,{text}").kind is kind


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("24000", Decimal("24000"), None),
        ("24,000.50", Decimal("24000.50"), None),
        ("24.000,50", Decimal("24000.50"), None),
        ("24 000", Decimal("24000"), None),
        ("24\u00a0000,50", Decimal("24000.50"), None),
        ("24'000.50", Decimal("24000.50"), None),
        ("118500.50", Decimal("118500.50"), None),
        ("24,000", Decimal("24000"), None),
        ("24.000", Decimal("24000"), None),
        ("1,234,567.8", Decimal("1234567.8"), None),
        ("1.234.567", Decimal("1234567"), None),
        ("24,5", Decimal("24.5"), None),
        ("0.125", Decimal("0.125"), None),
        ("1234.567", Decimal("1234.567"), None),
        ("0", Decimal(0), None),
        ("$24,000", Decimal("24000"), None),
        ("€ 24.000,50", Decimal("24000.50"), "EUR"),
        ("24000 usd", Decimal("24000"), "USD"),
    ],
)
def test_amounts_with_thousands_separators(text: str, value: Decimal, currency: str | None) -> None:
    row = one_account("Name,ARR", f'Acme,"{text}"')
    assert (row.contract_value, row.currency) == (value, currency)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5", "is negative"),
        ("(5)", "is negative"),
        ("1000000000000", "is too large"),
        ("1e5", "is not an amount"),
        ("twelve", "is not an amount"),
        ("1,2,3", "is not a number I can read without guessing"),
        ("1.000,000.5", "is not a number I can read without guessing"),
        ("1 2", "is not a number I can read without guessing"),
        ("EUR 5 USD", "is not an amount"),
    ],
)
def test_amounts_that_are_refused(text: str, reason: str) -> None:
    row, note = only_note(read_records(csv_bytes("Name,Amount", f'Acme,"{text}"')))
    assert row.contract_value is None
    assert (note.line, note.column) == (2, "Amount")
    assert note.message.startswith(f"“{text}” {reason}")
    assert note.message.endswith(("; left empty.", "? Left empty."))


def test_a_currency_column_must_agree_with_the_amount() -> None:
    row, note = only_note(read_records(csv_bytes("Name,Amount,Currency", "Acme,€5,USD")))
    assert (row.contract_value, row.currency) == (None, "USD")
    assert str(note) == "line 2, Amount: “€5” is in EUR, but Currency says USD; left empty."


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2027-03-31", False, datetime(2027, 3, 31, tzinfo=UTC)),
        ("2027-03-04", True, datetime(2027, 3, 4, tzinfo=UTC)),  # ISO never swaps
        ("2024-03-14 10:22", False, datetime(2024, 3, 14, 10, 22, tzinfo=UTC)),
        ("2024-03-14T10:22:05Z", False, datetime(2024, 3, 14, 10, 22, 5, tzinfo=UTC)),
        ("2024-03-14T10:22:00.25+02:00", False, datetime(2024, 3, 14, 8, 22, 0, 250000, UTC)),
        ("2024-03-14 10:22 UTC", False, datetime(2024, 3, 14, 10, 22, tzinfo=UTC)),
        ("3/14/2024", False, datetime(2024, 3, 14, tzinfo=UTC)),
        ("3/4/2024", False, datetime(2024, 3, 4, tzinfo=UTC)),
        ("3/4/2024", True, datetime(2024, 4, 3, tzinfo=UTC)),
        ("14/3/2024", True, datetime(2024, 3, 14, tzinfo=UTC)),
        ("3/14/2024 2:05 PM", False, datetime(2024, 3, 14, 14, 5, tzinfo=UTC)),
        ("14.03.2024", False, datetime(2024, 3, 14, tzinfo=UTC)),
        ("4.3.2024", False, datetime(2024, 3, 4, tzinfo=UTC)),
        ("14.03.2024 10:22", True, datetime(2024, 3, 14, 10, 22, tzinfo=UTC)),
        ("31 Mar 2027", False, datetime(2027, 3, 31, tzinfo=UTC)),
        ("31 March 2027", False, datetime(2027, 3, 31, tzinfo=UTC)),
        ("31-Mar-2027", False, datetime(2027, 3, 31, tzinfo=UTC)),
        ("Mar 31, 2027", False, datetime(2027, 3, 31, tzinfo=UTC)),
    ],
)
def test_date_shapes(text: str, dayfirst: bool, expected: datetime) -> None:
    row = one_account("Name,Created At,Renewal Date", f'Acme,"{text}","{text}"', dayfirst=dayfirst)
    assert row.created_at == expected
    assert row.created_at is not None and row.created_at.tzinfo is UTC
    assert row.renewal_date == expected.date()


def test_a_renewal_date_is_the_calendar_date_as_written() -> None:
    row = one_account("Name,Renewal Date", "Acme,2027-03-31T23:30:00-05:00")
    assert row.renewal_date == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2027", "“31.02.2027” is not a valid date (day is out of range for month)"),
        ("2027-02-30", "“2027-02-30” is not a valid date (day is out of range for month)"),
        ("3/14/24", "“3/14/24” has a two-digit year; write the year in full"),
        ("next friday", "“next friday” is not a date; write it like 2027-03-31"),
        ("42", "“42” is not a date"),
        ("31 Foo 2027", "“31 Foo 2027” is not a valid date"),
        ("2024-03-14 25:00", "“2024-03-14 25:00” is not a valid date"),
    ],
)
def test_dates_that_are_refused(text: str, reason: str) -> None:
    row, note = only_note(read_records(csv_bytes("Name,Renewal Date", f"Acme,{text}")))
    assert row.renewal_date is None
    assert (note.line, note.column) == (2, "Renewal Date")
    assert note.message.startswith(reason)


def test_a_file_that_writes_dates_both_ways_reads_them_as_the_workspace_does() -> None:
    result = read_records(csv_bytes("Name,Renewal Date", "Acme,14/3/2024", "Globex,3/14/2024"))
    acme, globex = accounts(result)
    assert (acme.renewal_date, globex.renewal_date) == (None, date(2024, 3, 14))
    (note,) = result.cell_notes
    assert (note.line, note.message) == (
        2,
        "“14/3/2024” is not a valid month-first (M/D/YYYY) date; left empty.",
    )
    assert result.notes == [
        "The file writes dates both ways (“14/3/2024” on line 2, “3/14/2024” on line 3); "
        "dates such as 3/4/2027 are read as the workspace's setting (month-first (3/31/2027))."
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Kind=Friend", "“Friend” is not a kind I know (customer, prospect"),
        ("Renewal=31.02.2027", "“31.02.2027” is not a valid date"),
        ("Amount=12,34,5", "“12,34,5” is not a number I can read without guessing"),
        ("Amount=-100", "“-100” is negative"),
        ("Status=sleeping", "“sleeping” is not one of: active, at_risk, churned, archived"),
        ("Cadence=0", "0 is out of range (1 to 3,660)"),
        ("Cadence=weekly", "“weekly” is not a whole number"),
        ("Auto Renew=maybe", "“maybe” is neither yes nor no"),
        ("Currency=Peso", "“Peso” is not a currency I know"),
    ],
)
def test_a_bad_optional_cell_on_line_4_loses_only_that_cell(cell: str, message: str) -> None:
    # Issue 10: the row used to be skipped; now only the cell is lost, and reported.
    header = ["Name", "Kind", "Renewal", "Amount", "Status", "Cadence", "Auto Renew", "Currency"]
    good = {"Name": "Acme", "Kind": "vendor", "Renewal": "2027-03-31", "Amount": "24,000"}
    column, value = cell.split("=", 1)

    def line(name: str, **overrides: str) -> str:
        cells = {**good, "Name": name, **overrides}
        return ",".join(f'"{cells.get(h, "")}"' for h in header)

    result = read_records(
        csv_bytes(
            ",".join(header),
            line("Line Two"),
            line("Line Three"),
            line("Line Four", **{column: value}),
            line("Line Five"),
        )
    )
    assert result.errors == []
    assert [r.line for r in result.rows] == [2, 3, 4, 5]
    (note,) = result.cell_notes
    assert (note.line, note.column) == (4, column)
    assert note.message.startswith(message)
    line_three, line_four = accounts(result)[1:3]
    defaults = {"Auto Renew": False}
    field = {
        "Kind": "kind",
        "Renewal": "renewal_date",
        "Amount": "contract_value",
        "Status": "status",
        "Cadence": "cadence_days",
        "Auto Renew": "auto_renew",
        "Currency": "currency",
    }[column]
    assert getattr(line_four, field) == defaults.get(column)
    others = [f for f in AccountRow.__slots__ if f not in {"line", "name", field}]
    assert [getattr(line_four, f) for f in others] == [getattr(line_three, f) for f in others]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            f"Name={'x' * (MAX_NAME_LENGTH + 1)}",
            "Name: 201 characters is too long; the limit is 200",
        ),
        ("Name=", "Name is empty."),
    ],
)
def test_a_row_without_a_name_is_skipped(cell: str, message: str) -> None:
    _, value = cell.split("=", 1)
    result = read_records(csv_bytes("Name,Kind", "Line Two,vendor", f'"{value}",vendor'))
    assert [r.line for r in result.rows] == [2]
    (error,) = result.errors
    assert error.line == 3
    assert error.message.startswith(message)


def test_a_skipped_row_reports_its_name_and_a_kept_row_its_cells() -> None:
    result = read_records(csv_bytes("Name,Kind,Cadence Days", ",Friend,-1", "Acme,Friend,-1"))
    assert [(e.line, e.message) for e in result.errors] == [(2, "Name is empty.")]
    assert [(n.line, n.column) for n in result.cell_notes] == [
        (3, "Kind"),
        (3, "Cadence Days"),
    ]
    (row,) = accounts(result)
    assert (row.kind, row.cadence_days) == (None, None)


def test_names_full_of_markup_and_emoji_are_kept_as_written() -> None:
    name = "<!channel> & <@U123|bob> 🚀🇪🇺 Ünïcødé"
    assert one_account("Name", f'"{name}"').name == name


def test_tags_are_split_on_semicolons_commas_and_bars() -> None:
    row = one_account("Name,Tags", 'Acme," vip; emea,VIP | q3 ;;"')
    assert row.tags == ("vip", "emea", "q3")
    row, note = only_note(read_records(csv_bytes("Name,Tags", f"Acme,{'t' * 51}")))
    assert row.tags == ()
    assert "is longer than 50 characters" in note.message


def test_status_names_are_read_in_any_spelling() -> None:
    assert one_account("Name,Status", "Acme,At risk").status is AccountStatus.AT_RISK
    assert one_account("Name,Status", "Acme,AT-RISK").status is AccountStatus.AT_RISK
    assert one_account("Name,Status", "Acme,").status is None


def test_a_formula_guard_apostrophe_is_removed() -> None:
    row = one_account("Name,Tier", "'=HYPERLINK(x),'gold")
    assert (row.name, row.tier) == ("=HYPERLINK(x)", "'gold")


# -- our other files ---------------------------------------------------------------------


def test_contacts_file() -> None:
    result = read_ok(
        csv_bytes(
            "Account,Name,Title,Email,Phone,Slack User",
            "Acme,Ann Lee,CTO,ann@acme.example,'+44 20 7946 0958,U0ANN",
            "Acme,Bo,,,,",
        )
    )
    assert result.kind is RecordKind.CONTACTS
    assert result.rows == [
        ContactRow(2, "Acme", "Ann Lee", "CTO", "ann@acme.example", "+44 20 7946 0958", "U0ANN"),
        ContactRow(3, "Acme", "Bo", None, None, None, None),
    ]


def test_interactions_file_and_the_summary_limit() -> None:
    too_long = "x" * (MAX_SUMMARY_LENGTH + 1)
    result = read_records(
        csv_bytes(
            "Account,Kind,Occurred At,Summary,Logged By,Contact,Permalink",
            "Acme,QBR,2026-11-20T11:30:00Z,they want SSO,U02BOB,Ann Lee,",
            f"Acme,call,2026-11-21T09:00:00Z,{too_long},U02BOB,,",
            "Acme,call,,,U02BOB,,",
            "Acme,lunch,2026-11-21,,,,",
        )
    )
    assert result.kind is RecordKind.INTERACTIONS
    assert result.rows == [
        InteractionRow(
            2,
            "Acme",
            InteractionKind.QBR,
            datetime(2026, 11, 20, 11, 30, tzinfo=UTC),
            "they want SSO",
            "U02BOB",
            "Ann Lee",
            None,
        )
    ]
    assert [(e.line, e.message[:40]) for e in result.errors] == [
        (3, "Summary: 10,001 characters is too long; "),
        (4, "Occurred At is empty."),
        (5, "Kind: “lunch” is not one of: call, meeti"),
    ]


def test_follow_ups_file_defaults_to_open() -> None:
    result = read_ok(
        csv_bytes(
            "Account,Number,Owner,Due At,Text,Status",
            "Acme,42,U02BOB,2026-12-04T09:00:00Z,send the proposal,",
        )
    )
    (row,) = result.rows
    assert isinstance(row, FollowUpRow)
    assert (row.number, row.status, row.due_at) == (
        42,
        FollowUpStatus.OPEN,
        datetime(2026, 12, 4, 9, tzinfo=UTC),
    )


def test_contracts_file_reads_plain_decimals_and_its_currency_when_given() -> None:
    result = read_records(
        csv_bytes(
            "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction",
            "Acme,1.500,eur,2026-04-01,2027-03-31,60,yes,we sell",
            "Globex,24000,,,2027-03-31,,,",
            "Initech,USD 24000,,,2027-03-31,,no,",
        )
    )
    assert result.kind is RecordKind.CONTRACTS
    acme, globex, initech = result.rows
    assert acme == ContractRow(
        2,
        "Acme",
        Decimal("1.500"),
        "EUR",
        date(2026, 4, 1),
        date(2027, 3, 31),
        60,
        True,
        ContractDirection.WE_SELL,
        None,
        None,
    )
    assert isinstance(initech, ContractRow) and initech.currency == "USD"
    assert isinstance(globex, ContractRow) and globex.currency is None  # the import's
    assert (result.errors, result.cell_notes) == ([], [])


_CELLS = st.text(st.sampled_from(list(",;\t\"\r\n '=-./:0123456789aZ€🚀")), max_size=12) | (
    st.sampled_from(["2027-03-31", "3/14/2024", "31.02.2027", "24.000,50", "yes", "call", "-5"])
)


@given(
    header=st.sampled_from([",".join(h) for h in EXPORT_HEADERS.values()]),
    rows=st.lists(st.lists(_CELLS, max_size=12), max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]),
    dayfirst=st.booleans(),
)
def test_no_text_makes_the_reader_fail(
    header: str, rows: list[list[str]], delimiter: str, dayfirst: bool
) -> None:
    text = "\n".join([header.replace(",", delimiter), *(delimiter.join(r) for r in rows)])
    result = read_records(text.encode(), dayfirst=dayfirst)
    assert all(e.line >= 1 for e in result.errors)
    assert all(r.line >= 2 for r in result.rows)


@given(st.binary(max_size=200))
def test_no_bytes_make_the_reader_fail(data: bytes) -> None:
    try:
        read_records(data)
    except UnreadableFile as refused:
        assert "Nothing was imported." in refused.message
