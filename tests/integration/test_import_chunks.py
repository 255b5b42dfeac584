"""An import decides row by row but writes a chunk at a time: where the chunks end must
change nothing. The same files imported in chunks of one row (each row its own
transaction, as the row-by-row importer wrote), of two, and whole must give the same
reports, the same rows and the same audit trail, versions included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.domain import Actor
from bot.services import exporting
from bot.services.importing import ImportReport, import_file
from bot.transfer.reader import read_records
from bot.transfer.writer import EXPORT_FILES
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import NOW, Harness

FILES = [
    # Accounts named again in the same file: the first row is kept, the later ones reported.
    "Name,Owner,Tier,Tags,Renewal Date,Contract Value,Currency\r\n"
    "Acme Corp,U0BOB,gold,emea,2027-03-31,24000,EUR\r\n"
    "Globex,U0BOB,,,,,\r\n"
    "acme corp,U0BOB,silver,vip,2027-04-30,25000,EUR\r\n"
    "Initech,maria@ourco.example,,,,,\r\n"
    "Bad,,,,,100,\r\n"
    "ACME CORP,U0ALICE,,,2027-04-30,25000,EUR\r\n"
    "Globex,U0BOB,,,2027-06-30,900,USD\r\n",
    "Account,Name,Title,Email,Phone,Slack User\r\n"
    "Acme Corp,Ann Lee,CTO,ann@acme.example,,\r\n"
    "Acme Corp,ann lee,,,,\r\n"
    "Globex,Bo,,,,\r\n"
    "Nowhere,Cy,,,,\r\n",
    # Each newer touch moves the account's last touch on: saved again and again.
    "Account,Kind,Occurred At,Summary,Logged By,Contact,Permalink\r\n"
    "Acme Corp,call,2026-10-01T10:00:00Z,first call,U0BOB,Ann Lee,\r\n"
    "Acme Corp,meeting,2026-10-03T10:00:00Z,a meeting,U0BOB,,\r\n"
    "Acme Corp,call,2026-10-01T10:00:00Z,first call,U0BOB,,\r\n"
    "Globex,note,2026-09-01T10:00:00Z,a note,U0BOB,,\r\n"
    "Acme Corp,note,2026-10-02T10:00:00Z,older than the meeting,U0BOB,,\r\n",
    "Account,Number,Owner,Due At,Text,Status\r\n"
    "Acme Corp,,U0BOB,2027-02-01T09:00:00Z,send the proposal,\r\n"
    "Globex,,,2027-02-02T09:00:00Z,call back,done\r\n"
    "Acme Corp,,U0BOB,2027-02-01T09:00:00Z,send the proposal,\r\n"
    "Initech,,,2027-02-03T09:00:00Z,nobody takes it,\r\n",
    "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction\r\n"
    "Initech,300,USD,2026-06-30,2027-06-30,,,\r\n"
    "Initech,400,USD,,2027-07-31,,,\r\n"
    "Initech,300,USD,2025-06-30,2026-06-30,,,\r\n",
]


def _import_all(app: Harness, team: str, chunk_rows: int) -> list[ImportReport]:
    actor = Actor(team_id=team, user_id="import")
    return [
        import_file(
            lambda: unit_of_work(app.sessions, team),
            actor,
            NOW,
            read_records(data),
            chunk_rows=chunk_rows,
        )
        for data in FILES
    ]


def _without_ids(value: Any) -> Any:
    """An audit snapshot with the row ids (which differ between workspaces) left out."""
    if not isinstance(value, dict):
        return value
    ids = {"id", "team_id", "account_id", "contact_id", "previous_id"}
    return {key: _without_ids(item) for key, item in value.items() if key not in ids}


def _workspace(app: Harness, team: str, directory: Path) -> dict[str, object]:
    exporting.write_files(app.read(team, exporting.collect), directory)
    audit = app.read(team, lambda work: work.audit.all())
    return {
        "export": {name: (directory / name).read_text("utf-8") for name, _ in EXPORT_FILES},
        "audit": [
            (
                event.action,
                event.entity,
                event.entity_id if event.entity == "follow_up" else None,
                _without_ids(event.before),
                _without_ids(event.after),
            )
            for event in audit
        ],
    }


def test_where_the_chunks_end_changes_nothing(app: Harness, tmp_path: Path) -> None:
    whole = _import_all(app, "T7", chunk_rows=1_000)
    expected = _workspace(app, "T7", tmp_path / "whole")
    assert [r.skipped_rows for r in whole] == [0, 0, 0, 1, 2]
    assert [e.line for e in whole[0].repeated] == [4, 7, 8]
    assert [n.line for n in whole[0].cell_notes] == [6]
    for team, chunk_rows in (("T8", 1), ("T9", 2)):
        reports = _import_all(app, team, chunk_rows)
        assert reports == whole, chunk_rows
        assert _workspace(app, team, tmp_path / team) == expected, chunk_rows
