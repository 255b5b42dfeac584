"""What an import does with what real exports hold (issue 10, the writing side).

Per cell, not per row: an optional cell the importer cannot take is reported by line and
column and the row kept. A renewal date without a value makes a contract of unknown value,
never 0. The same file imported twice changes nothing the second time and says so; an
account named twice in one file keeps its first row. A dry run reports what the real run
does.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.domain import AccountKind, Actor, Owner
from bot.execute import Executed, run_text
from bot.render import Viewer
from bot.render.results import render_result
from bot.services import accounts, exporting
from bot.services.importing import Importer, ImportReport, import_file
from bot.transfer.reader import read_records
from bot.transfer.records import AccountRow, ImportFile, RecordKind, RowError
from bot.transfer.writer import EXPORT_FILES
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import ALICE, NOW, Harness

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures"  # copies of ../shared/samples
TEAM = "T3"


def _import(
    app: Harness, data: bytes | str | ImportFile, *, team: str = TEAM, dry_run: bool = False
) -> ImportReport:
    file = data if isinstance(data, ImportFile) else read_records(data)
    with unit_of_work(app.sessions, team, dry_run=dry_run) as work:
        return Importer(work, Actor(team_id=team, user_id="import"), NOW).run(file)


def _import_in_chunks(app: Harness, data: str, *, team: str = TEAM) -> ImportReport:
    return import_file(
        lambda: unit_of_work(app.sessions, team),
        Actor(team_id=team, user_id="import"),
        NOW,
        read_records(data),
        chunk_rows=2,
    )


def _account(app: Harness, name: str, team: str = TEAM):  # type: ignore[no-untyped-def]
    found = app.read(team, lambda w: w.accounts.by_key(name.casefold()))
    assert found is not None, name
    return found


def _open_contract(app: Harness, name: str, team: str = TEAM):  # type: ignore[no-untyped-def]
    account = _account(app, name, team)
    return app.read(team, lambda w: w.contracts.open_for_account(account.id))


def _shown(app: Harness, text: str, team: str = TEAM) -> str:
    actor = Actor(team_id=team, user_id=ALICE.user_id)
    executed = app.read(team, lambda w: run_text(w, actor, NOW, text))
    assert isinstance(executed, Executed), executed
    reply = render_result(executed, Viewer(user_id=actor.user_id, tz=ALICE_TZ, now=NOW))
    return reply.text + json.dumps(reply.blocks, ensure_ascii=False)


ALICE_TZ = __import__("zoneinfo").ZoneInfo("Europe/Berlin")


# -- idempotent and honest ----------------------------------------------------------------


@pytest.mark.parametrize("sample", ["hubspot-companies.csv", "salesforce-accounts.csv"])
def test_each_sample_imported_twice_changes_nothing_the_second_time(
    app: Harness, sample: str
) -> None:
    data = (SAMPLES / sample).read_bytes()
    first = _import(app, data)
    assert first.created > 0
    before = app.snapshot()
    again = _import(app, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert again.changes == []
    assert app.snapshot() == before


SAME_NAME_TWICE = (
    "Company name,Company owner,Type,Tags,Renewal Date,Contract Value\n"
    "Alpha,a@ourco.example,Reseller,vip,2027-03-31,24000\n"
    "Beta,,Vendor,,2027-01-01,5\n"
    "ALPHA,b@ourco.example,Partner,key,2027-04-30,100\n"  # line 4: Alpha again
    "beta ,,,,,\n"  # line 5: Beta again
)


def test_an_account_named_twice_keeps_its_first_row_and_reports_the_later_ones(
    app: Harness,
) -> None:
    report = _import(app, SAME_NAME_TWICE)
    assert (report.created, report.updated) == (2, 0)
    assert [(e.line, "line 2" in e.message) for e in report.repeated] == [(4, True), (5, False)]
    assert "line 3" in report.repeated[1].message
    alpha = _account(app, "alpha")
    assert (alpha.name, alpha.kind.value, alpha.tags) == ("Alpha", "reseller", ("vip",))
    assert alpha.owner == Owner(unresolved="a@ourco.example")
    contract = _open_contract(app, "alpha")
    assert (contract.value, contract.renewal_date) == (Decimal("24000.00"), date(2027, 3, 31))


def test_a_file_naming_an_account_twice_is_unchanged_when_imported_again(app: Harness) -> None:
    """The cause of "a second import updated 8 accounts": the later row of a name overwrote
    the earlier one, and on the next import the earlier one overwrote it back."""
    _import(app, SAME_NAME_TWICE)
    before = app.snapshot()
    again = _import(app, SAME_NAME_TWICE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert app.snapshot() == before


MESSY = (
    "Name,Owner,Tier,Tags,Cadence Days,Renewal Date,Contract Value,Currency,Notice Days\n"
    "Good Co,U0BOB,gold,emea,30,2027-03-31,24000,EUR,60\n"
    "Value Only,U0BOB,,,,,500,EUR,\n"  # line 3: a value without a renewal date
    "Date Only,U0BOB,,,,2027-05-31,,GBP,\n"  # line 4: a renewal date without a value
    "Bad Cells,U0BOB,,ok;#,,2027-06-30,12.3456,EUR,\n"  # line 5: two bad cells
    ",U0BOB,,,,,,,\n"  # line 6: no name
    "Good Co,U0ALICE,,,,,,,\n"  # line 7: Good Co again
    "Bad Cells,U0ALICE,,,,,,,\n"  # line 8: and again
)


def test_a_dry_run_reports_exactly_what_the_real_run_does(app: Harness) -> None:
    dry = _import(app, MESSY, dry_run=True)
    assert dry.created == 4
    real = _import_in_chunks(app, MESSY)
    assert real == dry
    assert _import(app, MESSY, dry_run=True) == _import_in_chunks(app, MESSY)


def test_the_summary_counts_rows_and_reports_cells_by_line_and_column(app: Harness) -> None:
    report = _import(app, MESSY)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert [e.line for e in report.skipped] == [6]
    assert report.skipped_rows == 1
    assert [e.line for e in report.repeated] == [7, 8]
    assert [(n.line, n.column) for n in report.cell_notes] == [
        (3, "Contract Value"),
        (5, "Tags"),
        (5, "Contract Value"),
    ]
    bad = _account(app, "bad cells")
    assert bad.tags == ("ok",)
    bad_contract = _open_contract(app, "bad cells")
    assert (bad_contract.value, bad_contract.currency) == (None, "EUR")
    assert _open_contract(app, "value only") is None
    assert _account(app, "value only").owner.user_id == "U0BOB"


def test_a_refused_file_is_reported_as_refused_not_as_a_skipped_row(app: Harness) -> None:
    why = RowError(1, "The file has no account name column.")
    report = _import(app, ImportFile(RecordKind.ACCOUNTS, [], [why], ["Foo"], [], refused=True))
    assert report.refused == why
    assert (report.skipped, report.skipped_rows) == ([], 0)


# -- contracts -------------------------------------------------------------------------------


def test_a_renewal_date_without_a_value_makes_a_contract_of_unknown_value(
    app: Harness, tmp_path: Path
) -> None:
    _import(app, MESSY)
    contract = _open_contract(app, "date only")
    assert contract is not None
    assert (contract.value, contract.currency) == (None, "GBP")
    assert contract.renewal_date == date(2027, 5, 31)
    card = _shown(app, "show Date Only")
    assert "value unknown" in card and "0 GBP" not in card
    assert "value unknown" in _shown(app, "renewals next 6 months")
    exported = _export(app, TEAM, tmp_path)["contracts.csv"]
    [row] = [r for r in csv.DictReader(io.StringIO(exported)) if r["Account"] == "Date Only"]
    assert (row["Value"], row["Currency"], row["Renewal Date"]) == ("", "GBP", "2027-05-31")


def test_a_later_row_without_a_value_keeps_the_value_known(app: Harness) -> None:
    _import(app, "Name,Renewal Date,Contract Value,Currency\nAcme,2027-03-31,900,EUR\n")
    report = _import(app, "Name,Renewal Date,Contract Value,Currency\nAcme,2027-03-31,,EUR\n")
    assert (report.updated, report.unchanged) == (0, 1)
    assert _open_contract(app, "acme").value == Decimal("900.00")


def test_the_rows_own_currency_is_used(app: Harness) -> None:
    _import(
        app,
        "Name,Renewal Date,Contract Value,Currency\n"
        "Euro Co,2027-03-31,900,EUR\n"
        "Franc Co,2027-03-31,900,chf\n"
        "Plain Co,2027-03-31,900,\n",
    )
    currencies = [_open_contract(app, n).currency for n in ("euro co", "franc co", "plain co")]
    assert currencies == ["EUR", "CHF", "USD"]  # USD: the workspace's currency


def test_the_export_of_the_samples_imports_into_a_fresh_workspace_and_exports_the_same(
    app: Harness, tmp_path: Path
) -> None:
    for sample in ("hubspot-companies.csv", "salesforce-accounts.csv"):
        _import(app, (SAMPLES / sample).read_bytes())
    first = _export(app, TEAM, tmp_path / "first")
    for name, _kind in EXPORT_FILES:
        report = _import(app, (tmp_path / "first" / name).read_bytes(), team="T4")
        assert (report.skipped, report.repeated, report.cell_notes) == ([], [], []), name
    assert _export(app, "T4", tmp_path / "second") == first
    for name, _kind in EXPORT_FILES:
        again = _import(app, (tmp_path / "first" / name).read_bytes(), team="T4")
        assert (again.created, again.updated) == (0, 0), name


def test_a_contract_of_unknown_value_survives_the_round_trip(app: Harness, tmp_path: Path) -> None:
    _import(app, "Name,Renewal Date,Contract Value\nAcme,2027-03-31,\n")
    first = _export(app, TEAM, tmp_path / "first")
    for name, _kind in EXPORT_FILES:
        report = _import(app, (tmp_path / "first" / name).read_bytes(), team="T4")
        assert report.skipped == [], (name, report.skipped)
    assert _export(app, "T4", tmp_path / "second") == first


def _export(app: Harness, team: str, directory: Path) -> dict[str, str]:
    exporting.write_files(app.read(team, exporting.collect), directory)
    return {name: (directory / name).read_text(encoding="utf-8") for name, _ in EXPORT_FILES}


# -- contacts ---------------------------------------------------------------------------------

CONTACTS = (
    "Account,Name,Title,Email,Phone,Slack User\n"
    "Acme Corp,Ann Lee,CTO,Ann@Acme.example,,\n"
    "New Co,Bo Chen,,bo@new.example,,\n"  # line 3: New Co does not exist yet
    "new co,Cy Diaz,,,+1 555 0100,\n"  # line 4: New Co, created a line earlier
)


def _contacts(app: Harness, account: str) -> list[tuple[str, str | None, str | None]]:
    found = _account(app, account)
    return [
        (c.name, c.title, c.email)
        for c in app.read(TEAM, lambda w: w.contacts.for_account(found.id))
    ]


def test_a_contact_of_an_account_not_there_yet_creates_it_and_says_so(app: Harness) -> None:
    app.run(Actor(team_id=TEAM, user_id="UEVE"), accounts.add_account, NOW, name="Acme Corp")
    importer = Actor(team_id=TEAM, user_id="U0IMPORTER")
    with unit_of_work(app.sessions, TEAM) as work:
        report = Importer(work, importer, NOW).run(read_records(CONTACTS))
    assert (report.created, report.skipped) == (3, [])
    assert report.changes[1] == "line 3: new contact “Bo Chen” at “New Co” (a new account)"
    assert report.changes[2] == "line 4: new contact “Cy Diaz” at “New Co”"
    new_co = _account(app, "new co")
    assert new_co.owner == Owner(user_id="U0IMPORTER")
    assert [c[0] for c in _contacts(app, "new co")] == ["Bo Chen", "Cy Diaz"]
    audit = app.read(TEAM, lambda w: w.audit.all())
    assert ("account.import", str(new_co.id)) in {(e.action, e.entity_id) for e in audit}


def test_a_contacts_file_imported_again_updates_by_e_mail_instead_of_duplicating(
    app: Harness,
) -> None:
    first = _import(app, CONTACTS)
    assert first.created == 3
    assert _account(app, "acme corp").owner == Owner()  # the CLI's importer is no Slack user
    before = app.snapshot()
    again = _import(app, CONTACTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert app.snapshot() == before
    changed = (
        "Account,Name,Title,Email\n"
        "Acme Corp,Ann Lee-Smith,CEO,ann@ACME.example\n"  # the same person, by e-mail
        "Acme Corp,Ann Lee,,ann.lee@other.example\n"  # another Ann Lee: another e-mail
        "New Co,Cy Diaz,COO,cy@new.example\n"  # Cy had no e-mail: matched by name
    )
    report = _import(app, changed)
    assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
    assert _contacts(app, "acme corp") == [
        ("Ann Lee", None, "ann.lee@other.example"),
        ("Ann Lee-Smith", "CEO", "Ann@Acme.example"),
    ]
    assert ("Cy Diaz", "COO", "cy@new.example") in _contacts(app, "new co")
    assert "contact.import" in {e.action for e in app.read(TEAM, lambda w: w.audit.all())}
    assert (_import(app, changed).created, _import(app, changed).updated) == (0, 0)


def _account_row(**fields: object) -> AccountRow:
    given: dict[str, Any] = {
        "line": 2,
        "name": "Months Co",
        "owner": None,
        "kind": AccountKind.CUSTOMER,
        "tier": None,
        "status": None,
        "cadence_days": None,
        "tags": (),
        "renewal_date": date(2027, 5, 31),
        "contract_value": Decimal(1000),
        "currency": "EUR",
        "notice_days": None,
        "auto_renew": False,
        "created_at": None,
    }
    return AccountRow(**(given | fields))


def test_notice_given_in_months_is_kept_in_months(app: Harness) -> None:
    """ "3 Monate": three calendar months before the renewal date, as `notice 3 months`."""

    def accounts_file(*rows: AccountRow) -> ImportFile:
        return ImportFile(RecordKind.ACCOUNTS, list(rows), [], [], [])

    _import(app, accounts_file(_account_row(notice_months=3)))
    contract = _open_contract(app, "months co")
    assert (contract.notice_months, contract.notice_days) == (3, 92)  # from 28 February
    before = app.snapshot()
    again = _import(app, accounts_file(_account_row(notice_months=3)))
    assert (again.updated, again.unchanged) == (0, 1)
    assert app.snapshot() == before
    _import(app, accounts_file(_account_row(renewal_date=date(2027, 8, 31), notice_months=1)))
    contract = _open_contract(app, "months co")
    assert (contract.notice_months, contract.notice_days) == (1, 31)
    _import(app, accounts_file(_account_row(renewal_date=date(2027, 8, 31), notice_days=45)))
    contract = _open_contract(app, "months co")
    assert (contract.notice_months, contract.notice_days) == (None, 45)


def test_a_row_without_a_kind_keeps_the_accounts_kind(app: Harness) -> None:
    def accounts_file(row: AccountRow) -> ImportFile:
        return ImportFile(RecordKind.ACCOUNTS, [row], [], [], [])

    _import(app, accounts_file(_account_row(kind=None, renewal_date=None, contract_value=None)))
    assert _account(app, "months co").kind is AccountKind.CUSTOMER
    _import(app, accounts_file(_account_row(kind=AccountKind.PARTNER, renewal_date=None)))
    report = _import(app, accounts_file(_account_row(kind=None, renewal_date=None)))
    assert (report.updated, report.unchanged) == (0, 1)
    assert _account(app, "months co").kind is AccountKind.PARTNER


def test_a_contact_named_twice_in_a_file_keeps_its_first_row(app: Harness) -> None:
    twice = (
        "Account,Name,Title,Email\n"
        "Acme Corp,Ann Lee,CTO,ann@acme.example\n"
        "Acme Corp,Ann Smith,CEO,ANN@acme.example\n"  # line 3: Ann's e-mail again
        "Acme Corp,Bo,,\n"
        "ACME CORP,bo,CFO,\n"  # line 5: Bo, without an e-mail, again
    )
    report = _import(app, twice)
    assert (report.created, [e.line for e in report.repeated]) == (2, [3, 5])
    assert "line 2" in report.repeated[0].message
    before = app.snapshot()
    again = _import(app, twice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert app.snapshot() == before
