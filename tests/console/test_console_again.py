"""The console started again on the same database behaves like the first run (issue 11.4).

Each run is its own process, as when a person types `make console` twice: the ids the fake
Slack gives events and messages must not repeat those an earlier run left in the database,
or the app takes a new DM for a retry of an old one and answers nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def _console(database: Path, *lines: str) -> str:
    done = subprocess.run(
        [sys.executable, str(APP), "console"],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TZ": "UTC"},
        check=True,
    )
    return done.stdout


def test_every_run_answers_its_dms_like_the_first(tmp_path: Path) -> None:
    database = tmp_path / "rapport.db"
    for run in range(1, 4):
        shown = _console(database, f"add Run {run} Co", "help", "mine")
        assert f"Added Run {run} Co" in shown, shown
        assert "Rapport commands" in shown, shown
        assert all(f"Run {n} Co" in shown.split("you> mine")[1] for n in range(1, run + 1))


def test_help_as_the_first_dm_of_a_second_run_is_answered(tmp_path: Path) -> None:
    database = tmp_path / "rapport.db"
    _console(database, "add First Co", "follow up First Co tomorrow: call")
    shown = _console(database, "help")
    assert "Rapport commands" in shown, shown
