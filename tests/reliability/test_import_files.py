"""Imports that lost rows quietly (issue 7, point 13), as an operator runs them: `python app.py
import` in a process of its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from storage import models
from tests.serving import ROOT

pytestmark = pytest.mark.slow
ROWS = 1000
STRAY_LINE = 301  # counting the header as line 1


def _import(database: URL, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "import", str(path), "--team", "T0001"],
        env={"PATH": "", "DATABASE_URL": database.render_as_string(hide_password=False)},
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _accounts(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(models.AccountRow)) or 0)


def test_a_stray_quote_costs_only_its_own_line(
    database: URL, sessions: sessionmaker[Session], tmp_path: Path, figure: Callable[[str], None]
) -> None:
    rows = [f"Company {n:04d},Prospect,owner{n}@ourco.example" for n in range(2, ROWS + 2)]
    rows[STRAY_LINE - 2] = '"Company Stray,Prospect,owner@ourco.example'
    path = tmp_path / "companies.csv"
    path.write_text("Name,Type,Owner\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = _import(database, path)
    imported = _accounts(sessions)
    skipped = [line.strip() for line in done.stdout.splitlines() if "skipped line" in line]
    figure(
        f"{ROWS} rows, a stray quote on line {STRAY_LINE}: {imported} imported, exit code "
        f"{done.returncode}; reported {skipped}"
    )
    assert imported == ROWS - 1
    assert done.returncode == 1 and [f"line {STRAY_LINE}" in line for line in skipped] == [True]


def test_a_file_in_an_encoding_it_cannot_read_faithfully_is_refused_whole(
    database: URL, sessions: sessionmaker[Session], tmp_path: Path, figure: Callable[[str], None]
) -> None:
    path = tmp_path / "kunden.csv"
    path.write_bytes("Name,Type\nAcme,Prospect\nテスト株式会社,Vendor\n".encode("shift_jis"))
    done = _import(database, path)
    said = (done.stdout + done.stderr).strip().splitlines()
    figure(f"Shift-JIS file: exit code {done.returncode}, {_accounts(sessions)} imported; {said}")
    assert done.returncode == 2 and _accounts(sessions) == 0
    assert any("UTF-8" in line for line in said)
