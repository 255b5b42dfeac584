"""Every fixture of tests/fixtures/imports/ imported twice into one workspace (issue 10,
"Idempotent and honest"): the second import changes nothing and says so.

Nothing changes: every row of every table is the same afterwards, audit trail and versions
included. It says so: the second report counts every row the first took as unchanged, lists
no change, and the summary `python app.py import` prints says "N unchanged" with nothing
created or updated. The dry run of the second import reports exactly what it then does.
The same holds through the chunked path with chunks of a row or two, since each chunk is a
transaction of its own and a chunk's border must not make a row look new or changed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

import app as cli
from bot.domain import Actor, name_key
from bot.services import exporting
from bot.services.importing import CHUNK_ROWS, Importer, ImportReport, import_file
from bot.transfer.reader import read_records
from bot.transfer.records import AccountRow, ContactRow, ImportFile
from bot.transfer.writer import EXPORT_FILES
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS
from tests.integration import test_cli
from tests.integration.conftest import NOW, Harness
from tests.integration.test_cli import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.csv"))
TEAM = "T3"

database = test_cli.database  # the fixture: a fresh database of the test's own


def _read(name: str) -> ImportFile:
    return read_records((FIXTURES / name).read_bytes())


def _import(app: Harness, name: str, *, team: str = TEAM, dry_run: bool = False) -> ImportReport:
    with unit_of_work(app.sessions, team, dry_run=dry_run) as work:
        return Importer(work, Actor(team_id=team, user_id="import"), NOW).run(_read(name))


def _import_in_chunks(
    app: Harness, name: str, chunk_rows: int, *, team: str = TEAM
) -> ImportReport:
    return import_file(
        lambda: unit_of_work(app.sessions, team),
        Actor(team_id=team, user_id="import"),
        NOW,
        _read(name),
        chunk_rows=chunk_rows,
    )


def _summary(report: ImportReport, *, dry_run: bool = False) -> str:
    """What `python app.py import` prints for the report."""
    out = io.StringIO()
    cli._print_report(Path("file.csv"), report, dry_run, out)
    return out.getvalue()


def _rows_taken(report: ImportReport) -> int:
    return report.created + report.updated + report.unchanged


def _assert_changed_nothing(first: ImportReport, again: ImportReport) -> None:
    """The second report of a file: every row the first took unchanged, and said so."""
    rows = _rows_taken(first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, rows)
    assert again.changes == []
    # What was left out or not understood is left out and reported again, the same way.
    assert (again.skipped, again.repeated, again.cell_notes) == (
        first.skipped,
        first.repeated,
        first.cell_notes,
    )
    summary = _summary(again)
    counts = cli._counts(again, dry_run=False)
    assert counts.startswith(f"{rows} unchanged"), counts
    assert "created" not in counts and "updated" not in counts
    # Between the file's name (and its notes) and the counts no line says a change.
    lines = summary.splitlines()
    said = [line for line in lines[1:] if not line.startswith("  note: ")]
    assert said[0] == f"  {counts}", summary


def _first_import_took_rows(report: ImportReport) -> None:
    assert report.refused is None, report.refused
    assert report.created > 0, _summary(report)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_each_fixture_imported_twice_changes_nothing_the_second_time(
    app: Harness, name: str
) -> None:
    first = _import(app, name)
    _first_import_took_rows(first)
    before = app.snapshot()
    dry = _import(app, name, dry_run=True)
    assert app.snapshot() == before
    again = _import(app, name)
    assert app.snapshot() == before
    _assert_changed_nothing(first, again)
    assert dry == again
    assert _summary(dry, dry_run=True).replace("  Dry run: nothing was saved.\n", "") == (
        _summary(again)
    )


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_each_fixture_imported_twice_in_small_chunks_changes_nothing_the_second_time(
    app: Harness, name: str
) -> None:
    whole = _import(app, name, team="T9")
    first = _import_in_chunks(app, name, chunk_rows=2)
    assert first == whole  # where the chunks end changes nothing the report says
    before = app.snapshot()
    dry = _import(app, name, dry_run=True)  # as `import --dry-run`: whole, rolled back
    for chunk_rows in (1, 2, 3):  # every border falls between other rows
        again = _import_in_chunks(app, name, chunk_rows=chunk_rows)
        assert app.snapshot() == before, chunk_rows
        _assert_changed_nothing(first, again)
        assert again == dry, chunk_rows


def _in_sequence() -> list[str]:
    """Files of companies before files of people, as a team moving in would import them."""
    has_people = {name for name in ALL_FIXTURES if _all_contacts(_read(name))}
    return [n for n in ALL_FIXTURES if n not in has_people] + sorted(has_people)


def _all_contacts(file: ImportFile) -> bool:
    return bool(file.rows) and all(isinstance(row, ContactRow) for row in file.rows)


def _exported(app: Harness, directory: Path) -> dict[str, bytes]:
    exporting.write_files(app.read(TEAM, exporting.collect), directory)
    return {name: (directory / name).read_bytes() for name, _kind in EXPORT_FILES}


def _names_in_several_files(sequence: list[str]) -> set[str]:
    """The accounts more than one fixture describes (the same companies in several CRMs)."""
    files_naming: dict[str, set[str]] = {}
    for name in sequence:
        for row in _read(name).rows:
            account = row.name if isinstance(row, AccountRow) else getattr(row, "account", "")
            files_naming.setdefault(name_key(account), set()).add(name)
    return {key for key, files in files_naming.items() if len(files) > 1}


def _account_of(change: str) -> str:
    """The account a line of the report names: “Acme”: updated; contact “Ann” at “Acme” …"""
    quoted = re.findall(r"“([^”]*)”", change)
    return str(quoted[-1] if " contact " in change else quoted[0])


def test_every_fixture_in_sequence_then_all_again_changes_nothing_but_what_files_dispute(
    app: Harness, tmp_path: Path
) -> None:
    """The fixtures describe some companies differently (Litware GmbH is a supplier in
    Dynamics and a customer in Salesforce; Maria Lopez is an e-mail in one file, a name or a
    Salesforce user id in others), so importing them all again lets each file set again what
    a later one had changed: those rows are "updated" and nothing else is. What the
    workspace holds after the second round is what it held after the first, and a third
    round does exactly what the second did."""
    sequence = _in_sequence()
    firsts = [_import(app, name) for name in sequence]
    exported = _exported(app, tmp_path / "first")
    disputed = _names_in_several_files(sequence)
    seconds = []
    for name, first in zip(sequence, firsts, strict=True):
        again = _import(app, name)
        assert again.created == 0, (name, again.changes)
        assert _rows_taken(again) == _rows_taken(first), name
        assert (again.skipped, again.repeated, again.cell_notes) == (
            first.skipped,
            first.repeated,
            first.cell_notes,
        )
        updated = {name_key(_account_of(change)) for change in again.changes}
        assert updated <= disputed, (name, again.changes)
        seconds.append(again)
    assert _exported(app, tmp_path / "second") == exported
    thirds = []
    for name in sequence:
        before = app.snapshot()
        dry = _import(app, name, dry_run=True)
        assert app.snapshot() == before
        thirds.append(_import(app, name))
        assert thirds[-1] == dry, name
    assert [report.changes for report in thirds] == [report.changes for report in seconds]
    assert _exported(app, tmp_path / "third") == exported


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_the_command_line_imports_every_fixture_twice_and_says_nothing_changed(
    database: URL,
) -> None:
    """`python app.py import FILE` as a team runs it, each fixture into a workspace of its
    own: the second run prints no change and counts every row it took as unchanged, and
    its `--dry-run` printed exactly that beforehand."""
    assert run("db", "upgrade")[0] == 0
    for number, name in enumerate(ALL_FIXTURES):
        path, team = str(FIXTURES / name), f"T{number}"
        first = _counts_line(run("import", path, "--team", team)[1])
        taken = sum(int(n) for n in re.findall(r"(\d+) (?:created|updated|unchanged)", first))
        dry = run("import", path, "--team", team, "--dry-run")[1]
        code, again = run("import", path, "--team", team)
        assert _counts_line(again).startswith(f"{taken} unchanged"), (name, again)
        assert "created" not in _counts_line(again) and "updated" not in _counts_line(again)
        said = [line for line in again.splitlines()[1:] if not line.startswith("  note: ")]
        assert said[0] == f"  {_counts_line(again)}", (name, again)  # no change listed
        assert dry == again + "  Dry run: nothing was saved.\n", name
        assert code == (1 if "skipped" in again or "repeated" in again else 0), name


def _counts_line(printed: str) -> str:
    [counts] = [
        line.strip()
        for line in printed.splitlines()
        if re.match(r"  \d+ (?:created|updated|unchanged|skipped|repeated)", line)
    ]
    return counts


def _big_files(rows: int) -> list[str]:
    """An accounts file whose last rows name accounts of its first chunk again, and a contacts
    file whose people come again (by e-mail) chunks later: what the default chunking of
    CHUNK_ROWS splits between transactions."""
    accounts = ["Name,Owner,Type,Tags,Renewal Date,Contract Value,Currency,Notice Period"]
    for number in range(rows):
        name = f"Company {number % (rows - 300)}"
        accounts.append(
            f"{name},U0OWNER{number % 7},Reseller,t{number % 5},2027-03-31,{number},EUR,3 months"
        )
    people = ["Account,Name,Email,Title"]
    for number in range(rows):
        person = number % (rows - 200)  # the last 200 rows are people of the first again
        account = f"Company {person * 7 % (rows + 50)}"  # some accounts the contacts create
        people.append(f"{account},Person {person},p{person}@x.example,CTO")
    return ["\n".join(accounts) + "\n", "\n".join(people) + "\n"]


def test_files_over_a_chunk_imported_twice_change_nothing_the_second_time(app: Harness) -> None:
    files = [read_records(text) for text in _big_files(CHUNK_ROWS + 600)]
    actor = Actor(team_id=TEAM, user_id="import")

    def import_all() -> list[ImportReport]:
        return [import_file(lambda: unit_of_work(app.sessions, TEAM), actor, NOW, f) for f in files]

    firsts = import_all()
    assert [r.repeated != [] for r in firsts] == [True, True]
    before = app.snapshot()
    for first, again in zip(firsts, import_all(), strict=True):
        _assert_changed_nothing(first, again)
    assert app.snapshot() == before
