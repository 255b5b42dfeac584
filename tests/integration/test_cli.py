"""`python app.py db|import|export`, run in process against databases of their own."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

import app
from tests.conftest import BACKENDS

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures"  # copies of ../shared/samples


@pytest.fixture
def database(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    fresh_database_url: Callable[[str], URL],
    tmp_path: Path,
) -> URL:
    url = fresh_database_url(getattr(request, "param", "sqlite"))
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.chdir(tmp_path)
    return url


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = app.main(list(argv), out=out)
    return code, out.getvalue()


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_import_dry_run_then_for_real_then_export(database: URL, tmp_path: Path) -> None:
    assert run("db", "upgrade") == (0, "The database schema is up to date.\n")
    sample = str(SAMPLES / "hubspot-companies.csv")
    code, shown = run("import", sample, "--team", "T0DEMO", "--dry-run")
    assert code == 0
    assert "5 would be created" in shown and "Dry run: nothing was saved." in shown
    assert "Northwind Traders: maria.lopez@ourco.example" in shown
    code, shown = run("import", sample, "--team", "T0DEMO")
    assert (code, "5 created." in shown) == (0, True)
    code, shown = run("import", sample)  # the only workspace: no --team needed
    assert (code, "  5 unchanged.\n" in shown) == (0, True)
    code, shown = run("export", str(tmp_path / "out"))
    assert code == 0
    assert f"{tmp_path / 'out' / 'accounts.csv'}: 5 rows" in shown
    code, shown = run("import", str(tmp_path / "out"), "--dry-run")
    assert code == 0 and "5 unchanged" in shown


def test_skipped_rows_make_exit_code_1(database: URL, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Type\nGood,Prospect\n,Alien\n", encoding="utf-8")
    code, shown = run("import", str(bad), "--team", "T1")
    assert code == 1
    assert "skipped line 3: Name is empty." in shown


def test_a_stray_quote_costs_one_row_and_the_summary_counts_every_row(
    database: URL, tmp_path: Path
) -> None:
    rows = [f"Company {n},Prospect,owner{n % 5}@ourco.example" for n in range(1_000)]
    rows[299] = '"' + rows[299]  # line 301
    stray = tmp_path / "stray.csv"
    stray.write_text("Name,Type,Owner\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, shown = run("import", str(stray), "--team", "T1")
    assert code == 1
    assert "999 created, 1 skipped." in shown
    assert "skipped line 301: The line cannot be read: its quotes do not pair up" in shown
    assert "The lines after it were read on their own." in shown


def test_a_row_with_several_problems_is_one_skipped_row(database: URL, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    # An optional cell costs only itself (issue 10): two required ones make the row go.
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Name\nAcme\n", encoding="utf-8")
    assert run("import", str(accounts), "--team", "T1")[0] == 0
    bad.write_text("Account,Name,Title\n,,CTO\nAcme,Good,\n", encoding="utf-8")
    code, shown = run("import", str(bad), "--team", "T1")
    assert code == 1
    assert "1 created, 1 skipped." in shown
    assert shown.count("skipped line 2:") == 2


def _export_accounts(tmp_path: Path) -> str:
    assert run("export", str(tmp_path / "out"), "--team", "T1")[0] == 0
    return (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8")


def test_a_file_in_another_encoding_is_refused_whole(
    database: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    japanese = tmp_path / "japanese.csv"
    japanese.write_bytes("Name,Type\nAcme,Prospect\nテスト株式会社,Vendor\n".encode("shift_jis"))
    code, shown = run("import", str(japanese), "--team", "T1")
    error = capsys.readouterr().err
    assert (code, shown) == (2, "")
    assert error.count("\n") == 1
    assert f"{japanese}: The file is not UTF-8 (see line 3)" in error
    assert "line 3 would say “ƒeƒXƒgŠ”Ž®‰ïŽÐ”" in error
    assert "Save it as “CSV UTF-8”" in error
    assert _export_accounts(tmp_path).count("\n") == 1  # the header: nothing was imported


def test_one_unreadable_file_stops_a_directory_import(
    database: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "accounts.csv").write_text("Name,Kind\nAcme,vendor\n", encoding="utf-8")
    (tmp_path / "in" / "contacts.csv").write_bytes(
        "Account,Name\nAcme,Иван Петров\n".encode("cp1251")
    )
    assert run("import", str(tmp_path / "in"), "--team", "T1")[0] == 2
    assert "contacts.csv: The file is not UTF-8 (see line 2)" in capsys.readouterr().err
    assert "Acme" not in _export_accounts(tmp_path)


def test_the_encoding_can_be_named(database: URL, tmp_path: Path) -> None:
    japanese = tmp_path / "japanese.csv"
    japanese.write_bytes("Name,Type\nテスト株式会社,Vendor\n".encode("shift_jis"))
    code, shown = run("import", str(japanese), "--team", "T1", "--encoding", "Shift-JIS")
    assert code == 0
    assert "note: The file was read as shift_jis, as --encoding says." in shown
    assert "テスト株式会社,vendor" in _export_accounts(tmp_path)


@pytest.mark.parametrize(
    ("argv", "environment", "message"),
    [
        (["import", "missing.csv", "--team", "T1"], {}, "there is no file missing.csv"),
        (
            ["import", str(SAMPLES / "hubspot-companies.csv"), "--encoding", "klingon"],
            {},
            "--encoding: “klingon” is not a text encoding I know",
        ),
        (["export", "out"], {}, "no workspace yet; name one with --team"),
        (["export", "out"], {"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
        (["export", "out"], {"RAPPORT_ADMINS": "bob"}, "RAPPORT_ADMINS must list Slack user ids"),
        (["export", "out"], {"PORT": "http"}, "PORT must be a whole number"),
    ],
)
def test_mistakes_are_one_line_and_exit_code_2(
    database: URL,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    environment: dict[str, str],
    message: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, _ = run(*argv)
    error = capsys.readouterr().err
    assert code == 2
    assert message in error
    assert error.count("\n") == 1


def test_settings_come_from_a_dotenv_file_too(
    database: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=nonsense\n", encoding="utf-8")
    assert run("export", "out")[0] == 2
    assert "LOG_LEVEL must be" in capsys.readouterr().err


class _Terminal(io.StringIO):
    """Standard error as a terminal shows it: the progress bar is for a person watching."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_large_files_show_progress_on_a_terminal_only(
    database: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    err = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    big = tmp_path / "big.csv"
    rows = "".join(f"Account {n},Prospect\n" for n in range(2_500))
    big.write_text("Name,Type\n" + rows + "account 7,Partner\n", encoding="utf-8")
    code, shown = run("import", str(big), "--team", "T1")
    assert code == 1 and "2500 created, 1 repeated" in shown
    assert ("2501/2501" in err.getvalue()) is terminal  # the repeated row counts as done


@pytest.mark.parametrize("backend", BACKENDS)
def test_sqlite_migrates_itself_postgres_is_migrated_by_the_operator(
    backend: str,
    fresh_database_url: Callable[[str], URL],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url = fresh_database_url(backend)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    code, _ = run("export", str(tmp_path / "out"), "--team", "T1")
    if backend == "sqlite":
        assert code == 0
    else:
        assert code == 2
        assert "run `python app.py db upgrade` first" in capsys.readouterr().err
