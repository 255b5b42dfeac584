"""The reader's last per-cell rules (issue 10): a file stopped at its header is refused
whole; a contracts file's row needs its account and renewal date only; a kind that is none
is not given (the importer decides), and still reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.domain import AccountKind, ContractDirection, RenewalOutcome
from bot.transfer.reader import read_records
from bot.transfer.records import AccountRow, ContractRow, ImportFile, RecordKind

CONTRACTS_HEADER = (
    "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction,"
    "Outcome,Outcome At"
)
GOOD_CONTRACT = {
    "Account": "Acme",
    "Value": "24000",
    "Currency": "EUR",
    "Start Date": "2026-04-01",
    "Renewal Date": "2027-03-31",
    "Notice Days": "60",
    "Auto Renew": "yes",
    "Direction": "we_sell",
    "Outcome": "renewed",
    "Outcome At": "2027-03-01T09:00:00Z",
}


def _contracts(**cells: str) -> ImportFile:
    row = {**GOOD_CONTRACT, **{column.replace("_", " "): text for column, text in cells.items()}}
    line = ",".join(f'"{row[column]}"' for column in CONTRACTS_HEADER.split(","))
    return read_records(f"{CONTRACTS_HEADER}\n{line}\n")


def _contract(file: ImportFile) -> ContractRow:
    (row,) = file.rows
    assert isinstance(row, ContractRow)
    return row


# -- a file stopped at its header is refused ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "The file is empty: it has no header line."),
        ("\n\n  \n", 1, "The file is empty: it has no header line."),
        ("sep=;\n", 2, "The file is empty: it has no header line."),
        ('Name,"Kind\nAcme,vendor\n', 1, "The header line cannot be read: its quotes"),
        ("Foo,Bar\nAcme,vendor\n", 1, "The file has no account name column; the header needs"),
        ("\nTitle,Email\nAnn,ann@acme.example\n", 2, "The file has no account name column;"),
        ("Account,Value,Currency\nAcme,1,EUR\n", 1, "This looks like a"),
    ],
)
def test_a_file_stopped_at_its_header_is_refused_with_one_error(
    text: str, line: int, message: str
) -> None:
    file = read_records(text)
    assert (file.refused, file.rows, file.cell_notes) == (True, [], [])
    (error,) = file.errors
    assert error.line == line
    assert error.message.startswith(message), error.message


def test_a_refused_files_kind_and_ignored_columns_are_those_its_header_shows() -> None:
    file = read_records("Account,Renewal Date,Value,Currency,Color\nAcme,2027-03-31,,EUR\n")
    assert (file.refused, file.kind) == (False, RecordKind.CONTRACTS)  # complete: read
    file = read_records("Foo,Bar\n")
    assert (file.refused, file.kind, file.ignored_headers) == (
        True,
        RecordKind.ACCOUNTS,
        ["Foo", "Bar"],
    )


def test_a_file_whose_rows_all_fail_is_read_not_refused() -> None:
    file = read_records('Name,Kind\n,vendor\n"x\n')
    assert file.refused is False
    assert [e.line for e in file.errors] == [2, 3]


def test_a_header_alone_is_read_not_refused() -> None:
    assert read_records("Name,Kind\n") == ImportFile(RecordKind.ACCOUNTS, [], [], [], [])


# -- contracts.csv: the account and the renewal date, the rest per cell ---------------------


def test_an_empty_value_is_unknown_and_an_empty_currency_the_imports() -> None:
    file = _contracts(Value="", Currency="")
    row = _contract(file)
    assert (row.value, row.currency) == (None, None)
    assert (file.errors, file.cell_notes) == ([], [])
    assert _contract(_contracts(Value="")).currency == "EUR"
    assert _contract(_contracts(Currency="")).value == Decimal(24000)


def test_a_good_contract_row_reads_every_cell() -> None:
    file = _contracts()
    assert _contract(file) == ContractRow(
        line=2,
        account="Acme",
        value=Decimal(24000),
        currency="EUR",
        start_date=date(2026, 4, 1),
        renewal_date=date(2027, 3, 31),
        notice_days=60,
        auto_renew=True,
        direction=ContractDirection.WE_SELL,
        outcome=RenewalOutcome.RENEWED,
        outcome_at=_contract(file).outcome_at,
        notice_months=None,
    )
    assert (file.errors, file.cell_notes) == ([], [])


@pytest.mark.parametrize(
    ("column", "text", "field", "left", "message"),
    [
        ("Value", "-5", "value", None, "“-5” is negative"),
        ("Value", "lots", "value", None, "“lots” is not an amount"),
        ("Value", "99999999999999", "value", None, "“99999999999999” is too large"),
        ("Value", "GBP 100", "value", None, "“GBP 100” is in GBP, but Currency says EUR"),
        ("Currency", "Peso", "currency", None, "“Peso” is not a currency I know"),
        ("Start Date", "31.02.2026", "start_date", None, "“31.02.2026” is not a valid"),
        ("Notice Days", "soon", "notice_days", None, "“soon” is not a notice period"),
        ("Auto Renew", "maybe", "auto_renew", False, "“maybe” is neither yes nor no"),
        ("Direction", "sideways", "direction", None, "“sideways” is not one of: we_sell"),
        ("Outcome", "won", "outcome", None, "“won” is not one of:"),
        ("Outcome At", "someday", "outcome_at", None, "“someday” is not a date"),
    ],
)
def test_a_bad_optional_contract_cell_is_noted_and_the_row_kept(
    column: str, text: str, field: str, left: object, message: str
) -> None:
    file = _contracts(**{column: text})
    row = _contract(file)
    assert getattr(row, field) == left
    assert file.errors == []
    (note,) = file.cell_notes
    assert (note.line, note.column) == (2, column)
    assert note.message.startswith(message), note.message
    good = _contract(_contracts())
    others = [f for f in ContractRow.__slots__ if f != field]
    assert [getattr(row, f) for f in others] == [getattr(good, f) for f in others]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"Renewal Date": ""}, "Renewal Date is empty."),
        ({"Renewal Date": "31.02.2027"}, "Renewal Date: “31.02.2027” is not a valid"),
        ({"Account": ""}, "Account is empty."),
        ({"Renewal Date": "", "Value": ""}, "Renewal Date is empty."),
    ],
)
def test_a_contract_without_its_account_or_renewal_date_is_skipped(
    cells: dict[str, str], message: str
) -> None:
    file = _contracts(**cells)
    assert (file.rows, file.refused) == ([], False)
    (error,) = file.errors
    assert error.line == 2
    assert error.message.startswith(message), error.message


def test_our_exports_contract_of_unknown_value_reads_back() -> None:
    file = read_records(
        "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction,"
        "Outcome,Outcome At\nAcme,,USD,,2027-03-31,,no,we_sell,,\n"
    )
    row = _contract(file)
    assert (row.value, row.currency, row.renewal_date) == (None, "USD", date(2027, 3, 31))
    assert (file.errors, file.cell_notes) == ([], [])


# -- a kind that is none is not given -------------------------------------------------------


def _account(text: str) -> tuple[AccountRow, ImportFile]:
    file = read_records(f"Name,Type\nAcme,{text}\n")
    (row,) = file.rows
    assert isinstance(row, AccountRow)
    return row, file


@pytest.mark.parametrize("text", ["Investor", "-None-", "Friend"])
def test_an_unknown_kind_is_not_given_and_the_cell_says_what_the_import_does(text: str) -> None:
    row, file = _account(text)
    assert (row.kind, file.errors) == (None, [])
    (note,) = file.cell_notes
    assert (note.line, note.column) == (2, "Type")
    assert note.message.startswith(f"“{text}” is not a kind I know (customer, prospect")
    assert note.message.endswith("; a new account is a customer, an existing one keeps its kind.")


def test_an_empty_kind_is_not_given_and_not_noted() -> None:
    row, file = _account("")
    assert (row.kind, file.cell_notes) == (None, [])


def test_a_known_kind_is_given() -> None:
    row, file = _account("Technology Partner")
    assert (row.kind, file.cell_notes) == (AccountKind.PARTNER, [])


def test_a_note_whose_reason_asks_a_question_reads_as_two_sentences() -> None:
    file = read_records("Name,Renewal Date,Contract Value\nBig Co,2027-03-31,99999999999999\n")
    [note] = file.cell_notes
    assert note.message.endswith("; a typo? Left empty.")
    assert "?;" not in note.message and "?." not in note.message
