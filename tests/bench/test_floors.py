"""The benchmark's floors (handlers/floors.py): stock Bolt and a plain WSGI app answering a
signed slash command in the served process, only when RAPPORT_BENCH_FLOORS is on."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bench.workload import Workload, missing, workloads
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.requests import SECRET, SignedRequest
from bot.settings import Settings, SettingsError
from handlers.floors import BARE_BOLT, BARE_BOLT_SYNC, PLAIN_WSGI, with_floors


def _product(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("418 I'm a teapot", [])
    return [b"product"]


def _post(app: Callable[..., Any], path: str, request: SignedRequest) -> tuple[str, bytes]:
    body = request.body.encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": request.headers["content-type"],
        "wsgi.input": io.BytesIO(body),
        **{
            "HTTP_" + k.upper().replace("-", "_"): v
            for k, v in request.headers.items()
            if k != "content-type"
        },
    }
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    answer = b"".join(app(environ, start_response))
    return seen["status"], answer


@pytest.fixture
def served() -> Iterator[Callable[..., Any]]:
    with FakeSlack() as fake:  # stock Bolt calls auth.test when it starts
        yield with_floors(_product, WebClient(token="xoxb-test", base_url=fake.api_url), SECRET)


@pytest.mark.parametrize("path", [PLAIN_WSGI, BARE_BOLT, BARE_BOLT_SYNC])
def test_each_floor_answers_a_signed_slash_command(served: Callable[..., Any], path: str) -> None:
    status, _ = _post(served, path, r.command("show Acme"))
    assert status.startswith("200")


@pytest.mark.parametrize("path", [BARE_BOLT, BARE_BOLT_SYNC])
def test_the_bolt_floors_check_the_signature_as_stock_bolt_does(
    served: Callable[..., Any], path: str
) -> None:
    status, _ = _post(served, path, r.command("show Acme", secret="not-the-secret"))
    assert status.startswith("401")


def test_every_other_path_goes_to_the_product(served: Callable[..., Any]) -> None:
    assert _post(served, "/slack/events", r.command("show Acme")) == (
        "418 I'm a teapot",
        b"product",
    )


def test_floors_are_off_unless_switched_on() -> None:
    assert Settings.from_env({}).bench_floors is False
    assert Settings.from_env({"RAPPORT_BENCH_FLOORS": "on"}).bench_floors is True
    assert Settings.from_env({"RAPPORT_BENCH_FLOORS": "0"}).bench_floors is False
    with pytest.raises(SettingsError, match="RAPPORT_BENCH_FLOORS"):
        Settings.from_env({"RAPPORT_BENCH_FLOORS": "maybe"})


def test_a_command_the_parser_does_not_know_is_missing_not_measured() -> None:
    assert missing(Workload("x", lambda n: "x", False, "no such command"))
    assert not any(missing(w) for w in workloads(["Acme GmbH"], "run") if w.name != "accounts")


def test_single_account_commands_walk_through_the_sample_names() -> None:
    show = next(w for w in workloads(["Acme GmbH", "Globex Ltd"], "run") if w.name == "show")
    assert [show.text(n) for n in range(3)] == [
        "show Acme GmbH",
        "show Globex Ltd",
        "show Acme GmbH",
    ]
