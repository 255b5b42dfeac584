"""The WSGI app in front of Bolt: /healthz says whether the database answers; unknown paths
404; Slack's endpoint refuses what no Slack request looks like before Bolt reads it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltRequest, BoltResponse

from bot.fakeslack import requests as r
from bot.fakeslack.requests import SECRET, sign
from handlers.web import health_check, slack_endpoint
from storage.database import answers, create_database_engine


def _call(app: Callable[..., Any], path: str = "/healthz") -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, start_response))
    return seen["status"], json.loads(body)


@pytest.mark.parametrize(
    ("answers", "status", "body"),
    [
        (True, "200 OK", {"status": "ok", "database": "ok"}),
        (False, "503 Service Unavailable", {"status": "unavailable", "database": "not answering"}),
    ],
)
def test_health_says_whether_the_database_answers(
    answers: bool, status: str, body: dict[str, str]
) -> None:
    assert _call(health_check(lambda: answers)) == (status, body)


def test_a_database_that_does_not_answer_is_reported(tmp_path: Path) -> None:
    refused = create_database_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert answers(refused) is False
    working = create_database_engine(f"sqlite:///{tmp_path / 'up.db'}")
    assert answers(working) is True


class _Stream:
    """A request body that records how much of it was read."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.data[self.read_bytes :] if size < 0 else self.data[self.read_bytes :][:size]
        self.read_bytes += len(chunk)
        return chunk


class _Bolt:
    """Stands in for the Bolt app behind the door: records what got through."""

    def __init__(self) -> None:
        self.dispatched: list[BoltRequest] = []

    def dispatch(self, request: BoltRequest) -> BoltResponse:
        self.dispatched.append(request)
        return BoltResponse(status=200, body="understood")


def _post(
    body: bytes, headers: dict[str, str], *, declared: bool = True, limit: int = 1000
) -> tuple[int, bytes, _Stream]:
    seen: dict[str, str] = {}

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    stream = _Stream(body)
    environ: dict[str, Any] = {
        "PATH_INFO": "/slack/events",
        "REQUEST_METHOD": "POST",
        "wsgi.input": stream,
        "CONTENT_TYPE": headers.get("content-type", ""),
    }
    if declared:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        if name != "content-type":
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    bolt = _Bolt()
    endpoint = slack_endpoint(bolt, SECRET, max_body=limit)  # type: ignore[arg-type]
    answer = b"".join(endpoint(environ, start_response))
    assert (answer == b"understood") == bool(bolt.dispatched)
    return int(seen["status"].split()[0]), answer, stream


def _signed(body: str, content_type: str) -> tuple[bytes, dict[str, str]]:
    return body.encode(), {"content-type": content_type, **sign(body)}


def test_a_signed_command_gets_through() -> None:
    request = r.command("help")
    status, answer, _ = _post(request.body.encode(), request.headers, limit=100_000)
    assert status == 200 and b"understood" in answer


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    status, _answer, stream = _post(b"x" * 5000, {"content-type": "application/json"})
    assert status == 413
    assert stream.read_bytes == 0


def test_a_body_without_a_length_is_read_only_just_past_the_limit() -> None:
    status, _answer, stream = _post(b"x" * 50_000, {}, declared=False, limit=1000)
    assert status == 413
    assert stream.read_bytes == 1001


@pytest.mark.parametrize(
    ("body", "content_type", "signed", "status"),
    [
        (b"\xff\xfe not utf-8", "application/json", False, 400),
        (b'{"type": "event_callback", "event": ', "application/json", False, 401),
        (b'{"type": "event_callback", "event": ', "application/json", True, 400),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", False, 401),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", True, 400),
        (b'["a", "list"]', "application/json", True, 400),
        (b"12", "application/json", True, 400),
    ],
    ids=[
        "invalid utf-8",
        "unsigned broken json",
        "signed broken json",
        "unsigned broken payload",
        "signed broken payload",
        "a json list",
        "a json number",
    ],
)
def test_a_body_no_slack_request_looks_like_is_refused_without_a_traceback(
    body: bytes,
    content_type: str,
    signed: bool,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = {"content-type": content_type}
    if signed:
        headers |= sign(body.decode())
    with caplog.at_level(logging.DEBUG):
        assert _post(body, headers)[0] == status
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    assert "not json" not in caplog.text and "list" not in caplog.text  # no body in the log


@pytest.mark.parametrize("timestamp", ["abc", "1e3", "", "9" * 40])
def test_a_malformed_timestamp_is_refused_at_the_door(timestamp: str) -> None:
    request = r.command("add Forged Inc")
    headers = request.headers | {"x-slack-request-timestamp": timestamp}
    assert _post(request.body.encode(), headers, limit=100_000)[0] == 401
