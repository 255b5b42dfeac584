"""Values as people and CRMs write them (issue 10): kinds, currencies, flags, notice,
dates and amounts, each column read by the convention the whole file shows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.domain import AccountKind
from bot.transfer import AccountRow, ImportFile, read_records
from bot.transfer.values import CellError, decimal_mark, parse_notice, slashed_order


def read(*lines: str, dayfirst: bool = False) -> ImportFile:
    return read_records("\r\n".join(lines) + "\r\n", dayfirst=dayfirst)


def rows(result: ImportFile) -> list[AccountRow]:
    assert result.errors == []
    return [r for r in result.rows if isinstance(r, AccountRow)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Kunde", AccountKind.CUSTOMER),
        ("Lieferant", AccountKind.SUPPLIER),
        ("Händler", AccountKind.RESELLER),
        ("Interessent", AccountKind.PROSPECT),
        ("Customer - Direct", AccountKind.CUSTOMER),
        ("Vendor", AccountKind.VENDOR),
        ("Supplier", AccountKind.SUPPLIER),
        ("Distributor", AccountKind.DISTRIBUTOR),
    ],
)
def test_kinds_in_english_german_and_crm_picklists(text: str, kind: AccountKind) -> None:
    result = read("Name,Type", f"Acme,{text}")
    assert [r.kind for r in rows(result)] == [kind]
    assert result.cell_notes == []


@pytest.mark.parametrize(
    "text", ["Competitor", "Investor", "Press", "Analyst", "Integrator", "-None-"]
)
def test_picklist_types_that_are_no_kind_are_reported_and_not_given(text: str) -> None:
    result = read("Name,Type", f"Acme,{text}")
    assert [r.kind for r in rows(result)] == [None]  # the importer: a customer if new
    (note,) = result.cell_notes
    assert (note.line, note.column) == (2, "Type")
    assert note.message.startswith(f"“{text}” is not a kind I know")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("eur", "EUR"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("Euro", "EUR"),
        ("US Dollar", "USD"),
        ("US-Dollar", "USD"),
        ("Swiss Franc", "CHF"),
        ("Schweizer Franken", "CHF"),
    ],
)
def test_currencies_as_codes_symbols_and_names(text: str, code: str) -> None:
    assert [r.currency for r in rows(read("Name,Currency", f"Acme,{text}"))] == [code]


def test_a_dollar_sign_alone_names_no_currency() -> None:
    result = read("Name,Currency", "Acme,$")
    assert [r.currency for r in rows(result)] == [None]
    assert [n.column for n in result.cell_notes] == ["Currency"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("ja", True), ("Nein", False), ("TRUE", True), ("false", False), ("1", True), ("0", False)],
)
def test_flags_in_english_and_german(text: str, value: bool) -> None:
    assert [r.auto_renew for r in rows(read("Name,Auto Renew", f"Acme,{text}"))] == [value]


@pytest.mark.parametrize(
    ("text", "days", "months"),
    [
        ("90", 90, None),
        ("90 Tage", 90, None),
        ("30 days", 30, None),
        ("6 Wochen", 42, None),
        ("2 weeks", 14, None),
        ("3 Monate", 90, 3),
        ("3 months", 90, 3),
        ("1 Monat", 30, 1),
    ],
)
def test_notice_as_days_weeks_and_months(text: str, days: int, months: int | None) -> None:
    assert parse_notice(text) == (days, months)
    (row,) = rows(read("Name,Kündigungsfrist", f"Acme,{text}"))
    assert (row.notice_days, row.notice_months) == (days, months)


@pytest.mark.parametrize("text", ["soon", "3 years", "-5", "121 Monate", "3661"])
def test_notice_that_is_refused(text: str) -> None:
    with pytest.raises(CellError):
        parse_notice(text)


def test_a_day_over_12_in_first_place_makes_the_file_day_first() -> None:
    result = read("Name,Renewal Date", "Acme,3/4/2027", "Globex,31/3/2027")
    assert [r.renewal_date for r in rows(result)] == [date(2027, 4, 3), date(2027, 3, 31)]
    assert result.notes == [
        "Dates such as 3/4/2027 are read day-first (31/3/2027 is 31 March): “31/3/2027” "
        "(Renewal Date, line 3) can only be read that way."
    ]


def test_a_file_that_cannot_tell_follows_the_workspace_and_says_so() -> None:
    result = read("Name,Renewal Date", "Acme,3/4/2027", dayfirst=True)
    assert [r.renewal_date for r in rows(result)] == [date(2027, 4, 3)]
    assert result.notes == [
        "Dates such as 3/4/2027 are read as the workspace's setting (day-first (31/3/2027 is "
        "31 March)); no date in the file says which."
    ]


def test_dotted_dates_with_two_digit_years() -> None:
    result = read("Name,Vertragsende,Vertragsbeginn", "Acme,31.03.27,01.04.99")
    (row,) = rows(result)
    assert (row.renewal_date, row.start_date) == (date(2027, 3, 31), date(1999, 4, 1))
    assert result.notes == []


def test_each_amount_column_finds_its_own_decimal_mark() -> None:
    # "1.500" is fifteen hundred where a comma is the decimal mark (line 3 says so) …
    result = read("Name;Jahreswert", "Acme;1.500", "Globex;2.000,75", "Initech;1,5")
    assert [r.contract_value for r in rows(result)] == [
        Decimal(1500),
        Decimal("2000.75"),
        Decimal("1.5"),
    ]
    # … and one and a half where a point is (line 3 again).
    result = read("Name,ARR", "Acme,1.500", "Globex,2000.75")
    assert [r.contract_value for r in rows(result)] == [Decimal("1.500"), Decimal("2000.75")]


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("24.000,50", ","),
        ("24,000.50", "."),
        ("1.250.000", ","),
        ("1,250,000", "."),
        ("24,5", ","),
        ("118500.50", "."),
        ("24.000", None),
        ("24,000", None),
        ("0,125", ","),
        ("24000", None),
        ("€ 24.000,-", ","),  # German for "no cents"
    ],
)
def test_decimal_mark(text: str, mark: str | None) -> None:
    assert decimal_mark(text) == mark


@pytest.mark.parametrize(
    ("text", "order"),
    [("31/3/2027", True), ("3/31/2027", False), ("3/4/2027", None), ("2027-03-31", None)],
)
def test_slashed_order(text: str, order: bool | None) -> None:
    assert slashed_order(text) is order


def test_a_multi_word_tag_is_one_tag() -> None:
    (row,) = rows(read("Name,Tags", 'Acme,"Key Account; Strategic Partner"'))
    assert row.tags == ("Key Account", "Strategic Partner")
