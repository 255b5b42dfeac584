"""`python app.py console` as a user starts it: stdin piped, and on a pseudo-terminal."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds; a hung console fails the test instead of hanging the suite


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_"))}
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}",
        "HOME": str(tmp_path),
        "TZ": "Europe/Berlin",
        "LOG_LEVEL": "WARNING",
    }


def test_a_piped_session_through_app_py(tmp_path: Path) -> None:
    typed = "\n".join(
        [
            "/crm add Acme Corp",
            "/crm log call with Acme Corp: hi follow up tomorrow",
            "/crm show acme corp",
            ":click 2",
            ":home",
            ":as @bob",
            "show acme corp",
            "/crm frobnicate",
            ":quit",
            "/crm add Never Sent",
        ]
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "console"],
        input=typed + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(tmp_path),
        timeout=TIMEOUT,
        check=False,
    )
    shown = done.stdout
    assert done.returncode == 0, done.stderr
    assert "You are @you (Europe/Berlin)" in shown
    assert "Added Acme Corp" in shown
    assert "[1] Done  [2] Snooze 1 day" in shown
    assert "💤 #1 snoozed to" in shown.split("you> :click 2")[1]
    assert "Home of @you:" in shown
    assert "bob> show acme corp\nrapport:\n  ACME CORP" in shown
    assert "I don't understand “frobnicate”" in shown
    assert "Never Sent" not in shown.split("bob> :quit")[1]
    assert "Traceback" not in done.stderr
    assert (tmp_path / "console.db").is_file()


def _read_until(fd: int, wanted: bytes, seen: bytearray) -> None:
    """Read the terminal until ``wanted`` shows up after what was already seen."""
    start = len(seen)
    while wanted not in seen[start:]:
        ready, _, _ = select.select([fd], [], [], TIMEOUT)
        if not ready:
            raise TimeoutError(f"no {wanted!r} within {TIMEOUT}s; got {bytes(seen[start:])!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            raise EOFError(f"the console ended before {wanted!r}; got {bytes(seen[start:])!r}")
        seen += chunk


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_it_uses_readline_history_and_bold(tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    env = _environment(tmp_path) | {"TERM": "dumb"}
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "console"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        env=env,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        for line in (b"/crm add Acme Corp", b":home", b":quit"):
            _read_until(controller, b"you> ", seen)
            os.write(controller, line + b"\n")
        assert child.wait(timeout=TIMEOUT) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(controller)
    shown = seen.decode("utf-8", "replace")
    assert "\x1b[1mRapport console\x1b[22m" in shown  # bold on a terminal
    assert "\x1b[1mYOUR RAPPORT\x1b[22m" in shown
    history = (tmp_path / ".rapport_history").read_text(encoding="utf-8")
    assert "/crm add Acme Corp" in history and ":home" in history
