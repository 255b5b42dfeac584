"""`python app.py run` as production runs it — gunicorn on a real port, Slack faked — for the
tests that go through the network (tests/scenario/test_http.py, tests/reliability/).

The server's log is collected as it is written (a full pipe would block the server), so a
test can check what it logged and how much.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: str
    seconds: float  # from sending the request to the whole answer read

    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body)) if self.body.strip().startswith("{") else {}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)

    def post(self, request: r.SignedRequest, *, timeout: float = 30) -> Answer:
        return self.post_raw(request.body.encode(), request.headers, timeout=timeout)

    def post_raw(self, body: bytes, headers: Mapping[str, str], *, timeout: float = 30) -> Answer:
        sent = urllib.request.Request(self.url + "/slack/events", data=body, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(sent, timeout=timeout) as answer:
                text = answer.read().decode()
                return Answer(answer.status, text, time.perf_counter() - started)
        except urllib.error.HTTPError as refused:
            text = refused.read().decode()
            return Answer(refused.code, text, time.perf_counter() - started)

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    @property
    def log_text(self) -> str:
        return "".join(self.log)

    def worker_pids(self) -> list[int]:
        """Gunicorn's worker processes (the children of the server process)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def resident_kb(pid: int) -> int:
    """A process's resident memory now, in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _collect_until_listening(process: subprocess.Popen[str], log: list[str]) -> None:
    """Read the server's log until gunicorn has a worker booted (or the process died), then
    keep reading it in the background."""
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line)
        if "Booting worker" in line:
            threading.Thread(target=log.extend, args=(process.stderr,), daemon=True).start()
            return
    raise AssertionError("the server exited before listening:\n" + "".join(log))


def environment(url: URL, fake: FakeSlack, **settings: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": r.SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "LOG_LEVEL": "INFO",
        **settings,
    }


@contextmanager
def running(url: URL, fake: FakeSlack, directory: Path, **settings: str) -> Iterator[Server]:
    """`python app.py run` on a free port until the block ends (then killed if still up)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=directory,
        env=environment(url, fake, PORT=str(port), **settings),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _collect_until_listening(process, server.log)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
