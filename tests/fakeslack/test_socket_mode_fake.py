"""The fake Slack's Socket Mode side, driven by a plain WebSocket client (no slack_sdk in the
loop but the WebClient that asks for the URL): what it hands out, sends and records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.socketmode import FakeSocketMode

APP_TOKEN = "xapp-1-A0001-test"


@pytest.fixture
def socket_mode(fake: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode(fake) as running:
        yield running


def open_url(fake: FakeSlack, token: str = APP_TOKEN) -> str:
    return str(WebClient(base_url=fake.api_url).apps_connections_open(app_token=token)["url"])


def receive(client: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(client.recv(timeout=5)))


@pytest.fixture
def client(fake: FakeSlack, socket_mode: FakeSocketMode) -> Iterator[ClientConnection]:
    with connect(open_url(fake)) as connection:
        assert receive(connection)["type"] == "hello"
        yield connection


def test_connections_open_hands_out_a_local_websocket_url_for_an_app_token(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    url = open_url(fake)
    assert url.startswith(f"ws://127.0.0.1:{socket_mode.port}/link/?ticket=")
    assert "app_id=" in url
    assert fake.last("apps.connections.open").token == APP_TOKEN
    assert open_url(fake) != url  # a ticket per call
    assert socket_mode.urls_issued == 2
    assert fake.violations == []


def test_connections_open_refuses_a_bot_token_as_slack_does(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=fake.api_url).apps_connections_open(app_token="xoxb-test")
    assert refused.value.response["error"] == "not_allowed_token_type"
    [violation] = fake.violations  # a bot that sends its bot token has a bug
    assert "app-level token" in violation
    assert socket_mode.urls_issued == 0


def test_hello_comes_first_and_counts_the_open_connections(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    with connect(open_url(fake)) as first:
        hello = receive(first)
        assert hello == {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {
                "host": hello["debug_info"]["host"],
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": fake.workspace.app_id},
        }
        with connect(open_url(fake)) as second:
            assert receive(second)["num_connections"] == 2
    assert [c.number for c in socket_mode.connections] == [1, 2]


def test_a_ticket_opens_one_connection_and_an_unknown_one_none(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    url = open_url(fake)
    with connect(url) as connection:
        assert receive(connection)["type"] == "hello"
    with pytest.raises(InvalidStatus) as reused:
        connect(url)
    assert reused.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        connect(f"ws://127.0.0.1:{socket_mode.port}/link/?ticket=made-up")
    assert len(socket_mode.connections) == 1


@pytest.mark.parametrize(
    ("request_", "kind", "accepts_response_payload"),
    [
        (r.command("help"), "slash_commands", True),
        (r.direct_message("help"), "events_api", False),
        (r.mention("help"), "events_api", False),
        (r.button("done", "1"), "interactive", False),
        (r.view_submission({}), "interactive", True),
        (r.options("account", "ac"), "interactive", True),
        (r.global_shortcut(), "interactive", False),
    ],
    ids=["command", "dm", "mention", "button", "view", "options", "shortcut"],
)
def test_envelopes_carry_what_slack_would_have_posted(
    socket_mode: FakeSocketMode,
    client: ClientConnection,
    request_: r.SignedRequest,
    kind: str,
    accepts_response_payload: bool,
) -> None:
    sent = socket_mode.send(request_)
    envelope = receive(client)
    assert envelope == {
        "envelope_id": sent.envelope_id,
        "type": kind,
        "payload": envelope["payload"],
        "accepts_response_payload": accepts_response_payload,
        "retry_attempt": 0,
        "retry_reason": "",
    }
    payload = envelope["payload"]
    if kind == "slash_commands":
        assert payload["command"] == "/crm" and payload["text"] == "help"
    elif kind == "events_api":
        assert payload["type"] == "event_callback" and payload["event_id"].startswith("Ev")
    else:
        assert payload["type"] in {
            "block_actions",
            "view_submission",
            "block_suggestion",
            "shortcut",
        }


def test_acks_are_recorded_with_their_payloads(
    socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    command = socket_mode.send(r.command("help"))
    event = socket_mode.send(r.direct_message("help"))
    receive(client), receive(client)
    client.send(json.dumps({"envelope_id": event.envelope_id}))
    client.send(json.dumps({"envelope_id": command.envelope_id, "payload": {"text": "Hi"}}))
    assert socket_mode.wait_for_ack(command).payload == {"text": "Hi"}
    assert socket_mode.wait_for_ack(event).payload is None
    assert [a.envelope_id for a in socket_mode.acks] == [event.envelope_id, command.envelope_id]
    assert socket_mode.unacknowledged() == []


def test_an_ack_that_never_comes_times_out(
    socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    sent = socket_mode.send(r.command("help"))
    with pytest.raises(TimeoutError):
        socket_mode.wait_for_ack(sent, timeout=0.05)
    assert socket_mode.unacknowledged() == [sent]
    first = socket_mode.redeliver(sent)
    second = socket_mode.redeliver(first, reason="http_error")
    assert [receive(client)["retry_attempt"] for _ in range(3)] == [0, 1, 2]
    assert second.retry_reason == "http_error"
    assert socket_mode.unacknowledged() == [second]  # one payload, its latest delivery


@pytest.mark.parametrize("reason", ["refresh_requested", "warning", "link_disabled"])
def test_disconnect_tells_the_app_why_and_leaves_the_connection_open(
    socket_mode: FakeSocketMode, client: ClientConnection, reason: str
) -> None:
    socket_mode.disconnect(reason)
    assert receive(client) == {
        "type": "disconnect",
        "reason": reason,
        "debug_info": {"host": "applink-fake-1"},
    }
    assert not socket_mode.connections[0].closed.is_set()


def test_disconnect_knows_only_slacks_reasons(
    socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    with pytest.raises(ValueError):
        socket_mode.disconnect("bored")


def test_a_drop_cuts_the_connection_without_a_close_frame(
    socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    connection = socket_mode.drop()
    with pytest.raises(ConnectionClosed) as cut:
        client.recv(timeout=5)
    assert cut.value.rcvd is None  # no close frame: the network failed
    assert connection.closed.wait(5)
    assert connection.close_from_app is None
    with pytest.raises(LookupError):
        socket_mode.current()


def test_close_sends_a_close_frame(socket_mode: FakeSocketMode, client: ClientConnection) -> None:
    socket_mode.close(1001, "going away")
    with pytest.raises(ConnectionClosedOK) as closed:
        client.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


def test_the_apps_close_frame_is_recorded(
    socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    client.close(1000, "bye")
    connection = socket_mode.connections[0]
    assert connection.closed.wait(5)
    assert connection.close_from_app == (1000, "bye")
    assert connection.closed_cleanly_by_app


def test_a_lost_ack_drops_the_link_and_the_envelope_comes_again_as_a_retry(
    fake: FakeSlack, socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    sent = socket_mode.send(r.direct_message("log call with Acme"), lose_ack=True)
    receive(client)
    client.send(json.dumps({"envelope_id": sent.envelope_id}))
    assert socket_mode.wait_for_lost_ack(sent).envelope_id == sent.envelope_id
    with pytest.raises(ConnectionClosed):
        client.recv(timeout=5)
    assert socket_mode.acks == []
    assert socket_mode.unacknowledged() == [sent]

    with connect(open_url(fake)) as again:
        assert receive(again)["type"] == "hello"
        [retry] = socket_mode.redeliver_unacknowledged()
        delivered = receive(again)
        assert delivered["envelope_id"] == retry.envelope_id != sent.envelope_id
        assert delivered["payload"] == sent.payload
        assert (delivered["retry_attempt"], delivered["retry_reason"]) == (1, "timeout")
        assert retry.connection == 2
        again.send(json.dumps({"envelope_id": retry.envelope_id}))
        socket_mode.wait_for_ack(retry)
    assert socket_mode.unacknowledged() == []


def test_sending_needs_an_open_connection(socket_mode: FakeSocketMode) -> None:
    with pytest.raises(LookupError):
        socket_mode.send(r.command("help"))
    with pytest.raises(ValueError):
        socket_mode.send_payload("hello", {})


def test_stop_closes_open_connections_and_frees_the_port(
    fake: FakeSlack, socket_mode: FakeSocketMode, client: ClientConnection
) -> None:
    socket_mode.stop()
    with pytest.raises(ConnectionClosed):
        client.recv(timeout=5)
    assert socket_mode.connections[0].closed.is_set()
