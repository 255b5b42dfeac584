"""Import and export through the services: CRM files, bad rows, and the export round trip."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bot.domain import Actor, InteractionKind, Owner
from bot.services import accounts, contracts, exporting, follow_ups, interactions
from bot.services.importing import Importer, ImportReport
from bot.transfer.reader import read_records
from bot.transfer.writer import EXPORT_FILES
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import ALICE, BOB, NOW, Harness, when

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures"  # copies of ../shared/samples
IMPORTER = Actor(team_id="T2", user_id="import")


def _import(
    app: Harness, data: bytes | str, team: str = "T2", dry_run: bool = False
) -> ImportReport:
    actor = Actor(team_id=team, user_id="import")
    with unit_of_work(app.sessions, team, dry_run=dry_run) as work:
        return Importer(work, actor, NOW).run(read_records(data))


def test_hubspot_export_imports_with_unresolved_owners_kept(app: Harness) -> None:
    report = _import(app, (SAMPLES / "hubspot-companies.csv").read_bytes())
    assert (report.created, report.skipped) == (5, [])
    northwind = app.read("T2", lambda w: w.accounts.by_key("northwind traders"))
    assert northwind is not None
    assert northwind.owner == Owner(unresolved="maria.lopez@ourco.example")
    contract = app.read("T2", lambda w: w.contracts.open_for_account(northwind.id))
    assert contract is not None
    assert (contract.value, contract.renewal_date) == (Decimal("24000.00"), date(2027, 3, 31))
    assert report.unresolved_owners["Northwind Traders"] == "maria.lopez@ourco.example"
    audit = app.read("T2", lambda w: w.audit.all())
    assert {e.action for e in audit} == {"account.import", "contract.import"}
    assert all(e.actor == "import" for e in audit)


def test_owners_known_in_the_workspace_are_resolved(app: Harness) -> None:
    with app.sessions() as session, session.begin():
        from storage.models import UserRow

        app.run(Actor(team_id="T2", user_id="UMARIA"), accounts.add_account, NOW, name="Seed")
        session.add(
            UserRow(
                team_id="T2",
                slack_user_id="UMARIA",
                email="Maria.Lopez@ourco.example",
                display_name="Maria Lopez",
                deactivated=False,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    _import(app, (SAMPLES / "salesforce-accounts.csv").read_bytes())
    works = app.read("T2", lambda w: w.accounts.by_key("adventure works"))
    assert works is not None and works.owner == Owner(user_id="UMARIA")


def test_reimporting_the_same_file_changes_nothing(app: Harness) -> None:
    data = (SAMPLES / "hubspot-companies.csv").read_bytes()
    _import(app, data)
    before = app.snapshot()
    again = _import(app, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert app.snapshot() == before


def test_dry_run_reports_changes_and_saves_nothing(app: Harness) -> None:
    before = app.snapshot()
    report = _import(app, (SAMPLES / "hubspot-companies.csv").read_bytes(), dry_run=True)
    assert report.created == 5
    assert len(report.changes) == 5
    assert app.snapshot() == before


def test_bad_rows_are_reported_by_line_and_the_rest_goes_in(app: Harness) -> None:
    data = (
        "Name,Type,Owner,Renewal Date,Contract Value\n"
        "Good One,Prospect,U01ALICE,,\n"
        ",Partner,U01ALICE,,\n"  # line 3: no name
        "Bad Kind,Alien,U01ALICE,,\n"  # line 4: unknown kind, kept as a customer
        "Bad Date,Vendor,U01ALICE,31.02.2027,\n"  # line 5: no such day, kept without it
        '"Markup <!channel> & 🚀",,U01ALICE,2027-05-01,"1,200.50"\n'
        "Value Without Date,,U01ALICE,,100\n"  # line 7: kept, its value reported
    )
    report = _import(app, data)
    assert report.created == 5
    assert [e.line for e in report.skipped] == [3]
    noted = {(n.line, n.column) for n in report.cell_notes}
    assert {4, 5, 7} <= {line for line, _column in noted}
    assert (7, "Contract Value") in noted
    markup = app.read("T2", lambda w: w.accounts.by_key("markup <!channel> & 🚀"))
    assert markup is not None
    contract = app.read("T2", lambda w: w.contracts.open_for_account(markup.id))
    assert contract is not None and contract.value == Decimal("1200.50")


def test_contacts_for_unknown_accounts_create_them_and_say_so(app: Harness) -> None:
    app.run(Actor(team_id="T2", user_id="UEVE"), accounts.add_account, NOW, name="Acme Corp")
    data = "Account,Name,Title,Email,Phone,Slack User\nAcme Crop,Jane,CTO,,,\nAcme Corp,Joe,,,,\n"
    report = _import(app, data)
    assert (report.created, report.skipped) == (2, [])
    assert report.changes == [
        "line 2: new contact “Jane” at “Acme Crop” (a new account)",
        "line 3: new contact “Joe” at “Acme Corp”",
    ]


def _build_world(app: Harness) -> None:
    app.run(
        ALICE,
        accounts.add_account,
        NOW - timedelta(days=200),
        name='Acme, Inc. "the" <co>',
        tags=("emea", "gold"),
        tier="gold",
    )
    app.run(
        BOB,
        accounts.add_account,
        NOW - timedelta(days=100),
        name="Steel 🚀 Supply",
        kind=accounts.AccountKind.SUPPLIER,
    )
    app.run(
        ALICE, accounts.add_account, NOW, name="Imported", owner=Owner(unresolved="x@y.example")
    )
    acme = 'Acme, Inc. "the" <co>'
    app.run(
        ALICE,
        accounts.add_contact,
        NOW,
        account=acme,
        name="Jane Doe",
        title="CTO",
        email="jane@acme.example",
        phone="+1 555 0100",
    )
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account=acme,
        kind=InteractionKind.CALL,
        summary='Line one,\nline two with "quotes" & <tags>.',
        when=when("yesterday", past=True),
        follow_up_when=when("next friday"),
        follow_up_text="Send =SUM(A1) proposal",
    )
    app.run(
        BOB,
        interactions.log_interaction,
        NOW,
        account="Steel 🚀 Supply",
        kind=InteractionKind.QBR,
        summary="QBR",
    )
    app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account=acme,
        when=when("tomorrow 15:00"),
        text="Done already",
    )
    app.run(ALICE, follow_ups.complete_follow_up, NOW, 2)
    app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account=acme,
        value=Decimal("24000.50"),
        currency="EUR",
        renews=when("2027-03-31"),
        notice_days=60,
        auto_renew=True,
    )
    app.run(ALICE, contracts.record_outcome, NOW, account=acme, renewed=True)
    app.run(
        BOB,
        contracts.set_contract,
        NOW,
        account="Steel 🚀 Supply",
        value=Decimal(900),
        currency="USD",
        renews=when("2027-02-01"),
    )


def _export(app: Harness, team: str, directory: Path) -> dict[str, str]:
    export = app.read(team, exporting.collect)
    exporting.write_files(export, directory)
    return {name: (directory / name).read_text(encoding="utf-8") for name, _ in EXPORT_FILES}


def test_export_then_import_reads_back_every_record(app: Harness, tmp_path: Path) -> None:
    _build_world(app)
    first = _export(app, "T1", tmp_path / "first")
    assert first["accounts.csv"].count("\n") == 4
    for name, _kind in EXPORT_FILES:
        report = _import(app, (tmp_path / "first" / name).read_bytes())
        assert report.skipped == [], (name, report.skipped)
    second = _export(app, "T2", tmp_path / "second")
    assert second == first


def test_values_a_spreadsheet_would_run_go_out_guarded_and_come_back_as_they_were(
    app: Harness, tmp_path: Path
) -> None:
    for start in "=+-@":
        name = f"{start}Formula Co"
        app.run(ALICE, accounts.add_account, NOW, name=name, tier=f"{start}1", tags=(f"{start}x",))
        app.run(
            ALICE,
            accounts.add_contact,
            NOW,
            account=name,
            name=f"{start}Ann Lee",
            title=f"{start}CTO",
            phone=f"{start}1 555 0100",
        )
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account=name,
            kind=InteractionKind.NOTE,
            summary=f"{start} they want SSO",
            when=when("yesterday", past=True),
            follow_up_when=when("next friday"),
            follow_up_text=f"{start}SUM(A1) send the proposal",
        )
    first = _export(app, "T1", tmp_path / "first")
    cells = [
        cell
        for text in first.values()
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
    ]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    for start in "=+-@":
        assert f"'{start}Formula Co" in cells
        assert f"'{start} they want SSO" in cells
        assert f"'{start}SUM(A1) send the proposal" in cells
        assert f"'{start}1 555 0100" in cells
    for name, _kind in EXPORT_FILES:
        report = _import(app, (tmp_path / "first" / name).read_bytes())
        assert report.skipped == [], (name, report.skipped)
    assert _export(app, "T2", tmp_path / "second") == first
