"""A row the importer refuses leaves nothing behind, while the good rows around it go in.

Each file is imported twice: whole into one workspace, and without its bad lines into
another that was set up the same way. The two workspaces must then be equal in every
table, in the audit log and in what they export.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.domain import Actor, Owner
from bot.services import accounts, exporting
from bot.services.importing import Importer, ImportReport
from bot.transfer.reader import read_records
from bot.transfer.writer import EXPORT_FILES
from storage import models
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import NOW, Harness

WITH_BAD_LINES, WITHOUT = "T5", "T6"

# Every file: a header, then good lines and (marked "bad") lines the importer refuses.
FILES = {
    "accounts": [
        "Name,Owner,Tags,Renewal Date,Contract Value,Currency",
        "Good One,maria@ourco.example,vip;emea,2027-03-31,24000,EUR",
        # An optional cell the importer cannot take costs the cell, not the row (see
        # test_import_semantics); only a name it cannot keep refuses the row.
        "bad \x07,U0BOB,vip,,,",  # a name of control characters only
        "bad " + "Long" * 100 + ",U0BOB,vip,2027-03-31,100,EUR",  # a name too long
        "Good Two,,emea,,,",
    ],
    "contacts": [
        "Account,Name,Title,Email,Phone,Slack User",
        "Acme Corp,Ann Lee,CTO,ann@acme.example,,",
        "bad Acme Corp,Cy,,not-an-e-mail,,",
        "Acme Corp,Di,,,,",
    ],
    "interactions": [
        "Account,Kind,Occurred At,Summary,Logged By,Contact,Permalink",
        "Acme Corp,call,2026-12-01T10:00:00Z,good call,U0BOB,,",
        "bad Acme Corp,call,2027-06-01T10:00:00Z,from the future,U0BOB,,",
        "bad Acme Corp,note,2026-12-02T10:00:00Z,\x07,U0BOB,,",
        "bad Nowhere Inc,call,2026-12-01T10:00:00Z,lost,U0BOB,,",
        "Acme Corp,meeting,2026-12-03T10:00:00Z,good meeting,U0BOB,,",
    ],
    "follow_ups": [
        "Account,Number,Owner,Due At,Text,Status",
        "Acme Corp,,U0BOB,2027-02-01T09:00:00Z,send the proposal,",
        "bad Ownerless,,someone@else.example,2027-02-01T09:00:00Z,nobody takes it,",
        "bad Acme Corp,,U0BOB,2027-02-02T09:00:00Z,\x07,",
        "Acme Corp,,U0BOB,2027-02-03T09:00:00Z,call back,done",
    ],
    "contracts": [
        "Account,Value,Currency,Start Date,Renewal Date,Notice Days,Auto Renew,Direction",
        "Acme Corp,24000,EUR,,2027-03-31,60,yes,",
        "bad Acme Corp,100,EUR,,2027-04-30,,,",  # Acme has an open contract by now
        "bad Globex,500,EUR,,2027-05-31,,,",
        "Ownerless,300,USD,2026-06-30,2027-06-30,,,we_buy",
    ],
}
TABLES = {
    "accounts": models.AccountRow,
    "tags": models.AccountTagRow,
    "contacts": models.ContactRow,
    "interactions": models.InteractionRow,
    "follow_ups": models.FollowUpRow,
    "contracts": models.ContractRow,
    "audit": models.AuditEventRow,
}


def _file(kind: str, *, bad_lines: bool) -> str:
    header, *rows = FILES[kind]
    kept = [row.removeprefix("bad ") for row in rows if bad_lines or not row.startswith("bad ")]
    return "\r\n".join([header, *kept]) + "\r\n"


def _seed(app: Harness, team: str) -> None:
    founder = Actor(team_id=team, user_id="UALICE")
    app.run(founder, accounts.add_account, NOW, name="Acme Corp", tags=("gold",))
    app.run(
        founder,
        accounts.add_account,
        NOW,
        name="Ownerless",
        owner=Owner(unresolved="gone@ourco.example"),
    )


def _import(app: Harness, team: str, data: str) -> ImportReport:
    actor = Actor(team_id=team, user_id="import")
    with unit_of_work(app.sessions, team) as work:
        return Importer(work, actor, NOW).run(read_records(data))


def _workspace(app: Harness, team: str, directory: Path) -> dict[str, object]:
    """Everything a workspace holds, with nothing that differs between workspaces."""
    exporting.write_files(app.read(team, exporting.collect), directory)
    audit = app.read(team, lambda work: work.audit.all())
    return {
        "counts": {name: app.count(model, team) for name, model in TABLES.items()},
        "audit": Counter((event.action, event.entity, event.actor) for event in audit),
        "export": {name: (directory / name).read_text("utf-8") for name, _ in EXPORT_FILES},
    }


@pytest.mark.parametrize("kind", list(FILES))
def test_a_refused_row_leaves_nothing_behind(app: Harness, tmp_path: Path, kind: str) -> None:
    for team in (WITH_BAD_LINES, WITHOUT):
        _seed(app, team)
    report = _import(app, WITH_BAD_LINES, _file(kind, bad_lines=True))
    clean = _import(app, WITHOUT, _file(kind, bad_lines=False))

    bad_lines = [n for n, row in enumerate(FILES[kind], start=1) if row.startswith("bad ")]
    assert [error.line for error in report.skipped] == bad_lines
    assert clean.skipped == []
    assert (report.created, report.updated) == (clean.created, clean.updated) != (0, 0)
    assert _workspace(app, WITH_BAD_LINES, tmp_path / "with") == _workspace(
        app, WITHOUT, tmp_path / "without"
    )
