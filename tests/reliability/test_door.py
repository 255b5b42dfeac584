"""What reaches the HTTP endpoint from strangers (issue 7, points 1, 2, 11, 12, 14), through
real HTTP to `python app.py run` on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from storage import models
from tests.scenario.test_interactive import _state
from tests.serving import Server, resident_kb, running

pytestmark = pytest.mark.slow
MIB = 1024 * 1024


@pytest.fixture
def server(database: URL, fake: FakeSlack, tmp_path: Path) -> Iterator[Server]:
    with running(database, fake, tmp_path) as http:
        # Alice has used Rapport before: her commands are answered in the acknowledgement.
        http.post(r.direct_message("add Acme Corp"))
        fake.wait_for("chat.postMessage")
        yield http


def _count(sessions: sessionmaker[Session], model: type[models.Base]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _forged(request: r.SignedRequest, timestamp: str) -> r.SignedRequest:
    headers = request.headers | {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": "v0=" + "1" * 64,
    }
    return r.SignedRequest(request.body, headers)


def _settled(server: Server, fake: FakeSlack) -> None:
    """Wait until the server has answered a DM asked now: work queued before it has started
    by then. The after-answer pool has several threads, so an earlier task may still finish
    later; a test that expects posts waits for them by count instead."""
    posted = len(fake.calls_to("chat.postMessage"))
    server.post(r.direct_message("help", user="UADMIN"))
    fake.wait_for("chat.postMessage", count=posted + 1, timeout=30)


def test_a_forged_request_with_a_malformed_timestamp_is_401_and_nothing_is_posted(
    server: Server, fake: FakeSlack, figure: Callable[[str], None]
) -> None:
    forged = [
        _forged(request, stamp)
        for stamp in ("abc", "1e3", "", "-1", "9" * 30)
        for request in (
            r.command("add Forged Inc", user="UVICTIM"),
            r.button(ids.FOLLOW_UP_DONE, "1", user="UVICTIM"),
            r.direct_message("add Forged Inc", user="UVICTIM"),
        )
    ]
    statuses = [server.post(request).status for request in forged]
    _settled(server, fake)
    to_victim = [
        c
        for c in fake.calls
        if "UVICTIM" in json.dumps(c.args) or c.args.get("channel") == "DUVICTIM"
    ]
    figure(f"{len(forged)} forged requests: {statuses.count(401)} × 401, {len(to_victim)} posts")
    assert set(statuses) == {401} and to_victim == []


def _post_big(server: Server, *, declared: int | None, megabytes: int) -> int:
    """POST ``megabytes`` of body (claiming ``declared`` bytes, or chunked without a length)
    over a raw socket, and return the answer's status: the server may answer and close
    before taking it all, which is the point."""
    host, port = server.url.removeprefix("http://").split(":")
    length = f"Content-Length: {declared}" if declared else "Transfer-Encoding: chunked"
    head = f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n{length}\r\n\r\n"
    chunk = b"x" * MIB if declared else b"%x\r\n%s\r\n" % (MIB, b"y" * MIB)
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head.encode())
        with contextlib.suppress(OSError):
            for _ in range(megabytes):
                connection.sendall(chunk)
        answer = connection.recv(4096).decode(errors="replace")
    return int(answer.split()[1])


def test_a_huge_body_is_refused_before_it_is_read_and_never_logged(
    server: Server, figure: Callable[[str], None]
) -> None:
    workers = server.worker_pids()
    assert workers
    before = max(resident_kb(pid) for pid in workers)
    log_before = len(server.log_text)
    declared = _post_big(server, declared=400 * MIB, megabytes=64)
    chunked = _post_big(server, declared=None, megabytes=64)
    after = max(resident_kb(pid) for pid in server.worker_pids())
    logged = len(server.log_text) - log_before
    figure(
        f"declared 400 MiB: {declared}; chunked 64 MiB: {chunked}; worker memory "
        f"{before // 1024} MiB before, {after // 1024} MiB after; log grew {logged} bytes"
    )
    assert (declared, chunked) == (413, 413)
    assert after - before < 20 * 1024
    assert logged < 4096 and "xxxx" not in server.log_text and "yyyy" not in server.log_text


@pytest.mark.parametrize(
    ("body", "content_type", "signed", "expected"),
    [
        (b'{"type": "event_callback", "event": ', "application/json", False, 401),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", False, 401),
        (b"\xff\xfe\xfd not UTF-8", "application/json", False, 400),
        (b'{"type": "event_callback", "event": ', "application/json", True, 400),
        (b'["a", "list"]', "application/json", True, 400),
    ],
    ids=["broken json", "broken payload", "not utf-8", "signed broken json", "a list"],
)
def test_bodies_no_slack_request_looks_like_get_no_traceback(
    server: Server,
    body: bytes,
    content_type: str,
    signed: bool,
    expected: int,
    figure: Callable[[str], None],
) -> None:
    headers = {"content-type": content_type} | (r.sign(body.decode()) if signed else {})
    answer = server.post_raw(body, headers)
    figure(f"{answer.status} in {answer.seconds * 1000:.1f} ms")
    assert answer.status == expected
    assert "Traceback" not in server.log_text


def test_a_replayed_command_is_answered_without_a_second_write(
    server: Server, sessions: sessionmaker[Session], figure: Callable[[str], None]
) -> None:
    replayed = r.command("log call with Acme Corp: the one and only")
    answers = [server.post(replayed).json()["text"] for _ in range(5)]
    logged = _count(sessions, models.InteractionRow)
    figure(f"5 deliveries of one signed command: {logged} interaction stored")
    assert "Logged a call" in answers[0]
    assert all("already handled" in text for text in answers[1:])
    assert logged == 1


def test_input_storage_cannot_hold_is_refused_clearly(
    server: Server, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    answers = [
        server.post(r.command("add Evil\x00Corp")).json()["text"],
        server.post(r.command("add \u200b\u200e")).json()["text"],
        server.post(r.command("add Acme\u200b Corp")).json()["text"],
        server.post(r.view_submission(_state("2147483648", "hello"))).json()["errors"],
        server.post(
            r.view_submission(
                _state("1", "met at the fair"),
                private_metadata=json.dumps({"permalink": "https://x.example/" + "p" * 1200}),
            )
        ).json()["errors"],
    ]
    server.post(r.button(ids.FOLLOW_UP_DONE, "2147483648", in_home=True))  # past INTEGER
    event = r.direct_message("add PLACEHOLDER")
    forged = event.body.replace("PLACEHOLDER", "\\udc00 Ltd")
    server.post(r.SignedRequest(forged, event.headers | r.sign(forged)))
    # Some answers come by DM, after their acknowledgements and from a pool of threads, so
    # in no set order: wait for each post until every expected text has been said.
    expected = (
        "a NUL character",
        "can't be empty",
        "already an account called",
        "Pick the account",
        "link to the message",
        "a broken character",
        "I don't know a follow-up numbered “2147483648”",
    )

    def shown() -> str:
        return json.dumps(answers, ensure_ascii=False) + json.dumps(
            [c.args.get("text") for c in fake.calls_to("chat.postMessage")], ensure_ascii=False
        )

    while not all(text in shown() for text in expected):
        fake.wait_for(
            "chat.postMessage", count=len(fake.calls_to("chat.postMessage")) + 1, timeout=30
        )
    _settled(server, fake)
    assert "Something went wrong" not in shown()
    assert "Traceback" not in server.log_text
    with sessions() as session:
        assert list(session.scalars(select(models.AccountRow.name))) == ["Acme Corp"]
