"""What the reader's last per-cell rules do to an import (issue 10).

A file stopped at its header (none, unreadable, no name column) is refused whole, in the
report and on the command line, never counted as a skipped row. A contract row needs its
account and renewal date: an empty value is a contract of unknown value, an empty
currency the import's, any other bad cell a note with the row kept. A kind that is none
makes a new account a customer and leaves an existing account's kind alone, reported.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.domain import AccountKind, Actor
from bot.services import accounts
from bot.services import settings as workspace_settings
from bot.services.importing import Importer, ImportReport
from bot.transfer.reader import read_records
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS
from tests.integration import test_cli
from tests.integration.conftest import NOW, Harness
from tests.integration.test_cli import run

database = test_cli.database  # the fixture: a fresh database of the test's own

TEAM = "T7"
ADMIN = Actor(team_id=TEAM, user_id="UADMIN", is_admin=True)
CONTRACTS_HEADER = (
    "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction,"
    "Outcome,Outcome At\n"
)


def _import(app: Harness, text: str, *, currency: str | None = None) -> ImportReport:
    with unit_of_work(app.sessions, TEAM) as work:
        importer = Importer(
            work, Actor(team_id=TEAM, user_id="import"), NOW, default_currency=currency
        )
        return importer.run(read_records(text))


def _add(app: Harness, name: str, kind: AccountKind | None = None) -> None:
    app.run(ADMIN, accounts.add_account, NOW, name=name, kind=kind)


def _account_kind(app: Harness, name: str) -> AccountKind:
    found = app.read(TEAM, lambda w: w.accounts.by_key(name.casefold()))
    assert found is not None, name
    return found.kind


def _open_contract_terms(app: Harness, name: str) -> tuple[Decimal | None, str] | None:
    found = app.read(TEAM, lambda w: w.accounts.by_key(name.casefold()))
    assert found is not None, name
    contract = app.read(TEAM, lambda w: w.contracts.open_for_account(found.id))
    return None if contract is None else (contract.value, contract.currency)


def _notes(report: ImportReport) -> list[tuple[int, str]]:
    return [(note.line, note.column) for note in report.cell_notes]


# -- a file stopped at its header is refused -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Title,Email\nCTO,ann@acme.example\n", "The file has no account name column;"),
        ("", "The file is empty: it has no header line."),
        ('Name,"Kind\nAcme,vendor\n', "The header line cannot be read"),
    ],
)
def test_a_file_stopped_at_its_header_is_refused_and_nothing_imported(
    app: Harness, text: str, message: str
) -> None:
    before = app.snapshot()
    report = _import(app, text)
    assert report.refused is not None
    assert report.refused.line == 1
    assert report.refused.message.startswith(message), report.refused.message
    assert (report.skipped, report.skipped_rows, report.created) == ([], 0, 0)
    assert app.snapshot() == before


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_the_command_line_says_a_file_without_a_name_column_is_refused(
    database: URL, tmp_path: Path
) -> None:
    assert run("db", "upgrade")[0] == 0
    people = tmp_path / "people.csv"
    people.write_text("Title,Email\nCTO,ann@acme.example\n", encoding="utf-8")
    code, shown = run("import", str(people), "--team", "T1")
    # README: `import` exits 1 when it skipped or left out rows or refused a file; 2 only
    # when it could not read a file at all (its encoding), which stops every file.
    assert code == 1
    assert shown == (
        "people.csv (accounts):\n"
        "  refused, nothing was imported: line 1: The file has no account name column; the "
        "header needs one of: Name, Account Name, Company name, Company, Account, "
        "Organization - Name, Firmenname, Firma, Display Name.\n"
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, shown = run("import", str(empty), "--team", "T1", "--dry-run")
    assert (code, "skipped" in shown) == (1, False)
    assert "  refused, nothing was imported: line 1: The file is empty" in shown
    assert run("export", str(tmp_path / "out"), "--team", "T1")[0] == 0
    lines = (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # the header: nothing was imported


# -- contracts.csv ------------------------------------------------------------------------


def test_a_contract_without_value_or_currency_is_of_unknown_value_in_the_imports_currency(
    app: Harness,
) -> None:
    for name in ("Acme", "Globex", "Initech"):
        _add(app, name)
    app.run(ADMIN, workspace_settings.update_workspace, NOW, currency="EUR")
    report = _import(
        app,
        CONTRACTS_HEADER + "Acme,,,,2027-03-31,,,,,\nGlobex,500,,,2027-06-30,,,,,\n",
    )
    assert (report.created, report.skipped, report.cell_notes) == (2, [], [])
    assert _open_contract_terms(app, "Acme") == (None, "EUR")
    assert _open_contract_terms(app, "Globex") == (Decimal(500), "EUR")
    given = _import(app, CONTRACTS_HEADER + "Initech,,,,2027-03-31,,,,,\n", currency="CHF")
    assert (given.created, given.skipped) == (1, [])
    assert _open_contract_terms(app, "Initech") == (None, "CHF")


def test_a_bad_optional_contract_cell_is_noted_and_the_contract_kept(app: Harness) -> None:
    for name in ("Acme", "Globex", "Initech", "Umbrella"):
        _add(app, name)
    report = _import(
        app,
        CONTRACTS_HEADER
        + "Acme,-5,EUR,,2027-03-31,,,,,\n"  # line 2: the reader refuses the value
        + "Globex,1.234,EUR,,2027-03-31,,,,,\n"  # line 3: the importer refuses it
        + "Initech,700,Peso,,2027-03-31,soon,maybe,sideways,,\n"  # line 4
        + "Umbrella,800,EUR,,,,,,,\n",  # line 5: no renewal date, no contract
    )
    assert report.created == 3
    assert [(e.line, e.message) for e in report.skipped] == [(5, "Renewal Date is empty.")]
    assert _notes(report) == [
        (2, "Value"),
        (3, "Value"),
        (4, "Currency"),
        (4, "Notice Days"),
        (4, "Auto Renew"),
        (4, "Direction"),
    ]
    assert "at most two decimal places" in report.cell_notes[1].message
    assert _open_contract_terms(app, "Acme") == (None, "EUR")
    assert _open_contract_terms(app, "Globex") == (None, "EUR")
    assert _open_contract_terms(app, "Initech") == (Decimal(700), "USD")  # the workspace's
    assert _open_contract_terms(app, "Umbrella") is None


# -- a kind that is none -----------------------------------------------------------------------


def test_an_unknown_kind_leaves_an_existing_accounts_kind_and_makes_a_new_one_a_customer(
    app: Harness,
) -> None:
    _add(app, "Partner Co", AccountKind.PARTNER)
    report = _import(app, "Name,Type\nPartner Co,Investor\nNew Co,-None-\nBlank Co,\n")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 1)
    assert _account_kind(app, "Partner Co") is AccountKind.PARTNER
    assert _account_kind(app, "New Co") is AccountKind.CUSTOMER
    assert _account_kind(app, "Blank Co") is AccountKind.CUSTOMER
    assert _notes(report) == [(2, "Type"), (3, "Type")]
    assert all(
        note.message.endswith("; a new account is a customer, an existing one keeps its kind.")
        for note in report.cell_notes
    )
    again = _import(app, "Name,Type\nPartner Co,Partner\nNew Co,Investor\n")
    assert (again.unchanged, _account_kind(app, "New Co")) == (2, AccountKind.CUSTOMER)


def test_hubspots_other_type_keeps_an_existing_kind_and_is_not_reported(app: Harness) -> None:
    _add(app, "Partner Co", AccountKind.PARTNER)
    report = _import(app, "Company name,Type\nPartner Co,Other\nNew Co,Other\n")
    assert (report.created, report.unchanged, report.cell_notes) == (1, 1, [])
    assert _account_kind(app, "Partner Co") is AccountKind.PARTNER
    assert _account_kind(app, "New Co") is AccountKind.CUSTOMER
