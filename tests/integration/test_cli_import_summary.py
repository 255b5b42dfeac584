"""`python app.py import`'s summary: rows counted by what became of them, the rows and cells
left out by line (and column), a dry run saying exactly what the real run then does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

import app
from bot.services.importing import ImportReport
from bot.transfer.records import RecordKind, RowError
from tests.conftest import BACKENDS
from tests.integration import test_cli
from tests.integration.test_cli import run

database = test_cli.database  # the fixture: a fresh database of the test's own

MESSY = (
    "Name,Owner,Tags,Renewal Date,Contract Value,Currency\n"
    "Good Co,U0BOB,emea,2027-03-31,24000,EUR\n"
    "Value Only,U0BOB,,,500,EUR\n"  # line 3: a value without a renewal date
    "Odd Tag,U0BOB,ok;#,,,\n"  # line 4: a tag that is none
    ",U0BOB,,,,\n"  # line 5: no name
    "GOOD CO,U0ALICE,,,,\n"  # line 6: Good Co again
)


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_a_dry_run_prints_what_the_real_run_then_does(database: URL, tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    messy = tmp_path / "messy.csv"
    messy.write_text(MESSY, encoding="utf-8")
    code, dry = run("import", str(messy), "--team", "T1", "--dry-run")
    assert code == 1
    assert "  3 would be created, 1 skipped, 1 repeated (the first row kept), 2 cells" in dry
    code, real = run("import", str(messy), "--team", "T1")
    assert code == 1
    assert real.replace("would be ", "") + "  Dry run: nothing was saved.\n" == dry.replace(
        "would be ", ""
    )
    assert (
        "  3 created, 1 skipped, 1 repeated (the first row kept), 2 cells not understood.\n" in real
    )
    assert "  skipped line 5: " in real
    assert "  repeated line 6: “GOOD CO” is on line 2 already;" in real
    assert "  not understood: line 3, Contract Value: 500 has no renewal date" in real
    assert "  not understood: line 4, Tags: “#” isn't a tag" in real
    code, again = run("import", str(messy), "--team", "T1")
    assert "  3 unchanged, 1 skipped, 1 repeated (the first row kept), 2 cells" in again
    assert "created" not in again and "updated" not in again


def test_a_refused_file_is_said_to_be_refused_not_counted_as_a_skipped_row() -> None:
    report = ImportReport(
        kind=RecordKind.ACCOUNTS, refused=RowError(1, "The file has no account name column.")
    )
    out = io.StringIO()
    app._print_report(Path("people.csv"), report, False, out)
    assert out.getvalue() == (
        "people.csv (accounts):\n"
        "  refused, nothing was imported: line 1: The file has no account name column.\n"
    )
