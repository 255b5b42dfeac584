"""Socket Mode end to end, in process: the real app and its real Socket Mode client (as
``python app.py run`` builds them) connected to the fake Slack's WebSocket.

The same commands, events, buttons and modal submissions as over HTTP, with the same
results; then what only a WebSocket has: a dropped connection, an envelope delivered again
after its ack was lost, and Slack asking the app to reconnect.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_app
from bot.background import DeferredBackground
from bot.clock import FixedClock
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.socketmode import Connection, FakeSocketMode
from bot.render import ids
from bot.serving import leave_socket_mode, socket_mode_handler
from bot.settings import Settings
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.transports import (
    RECONNECT_SECONDS,
    OverHttp,
    OverSocketMode,
    Transport,
    text_of,
)

APP_TOKEN = "xapp-1-A0001-test"


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode(fake_slack) as running:
        yield running


@pytest.fixture
def socket_app(
    client: WebClient,
    clock: FixedClock,
    sessions: sessionmaker[Session],
    background: DeferredBackground,
) -> App:
    """The app as Socket Mode runs it: no signing secret, an app-level token."""
    settings = Settings(
        slack_bot_token="xoxb-test", slack_app_token=APP_TOKEN, admins=frozenset({"UADMIN"})
    )
    return create_app(
        settings,
        client=client,
        clock=clock,
        session_factory=sessions,
        socket_mode=True,
        background=background,
    )


@pytest.fixture
def handler(socket_app: App, socket_mode: FakeSocketMode) -> Iterator[SocketModeHandler]:
    handler = socket_mode_handler(socket_app, APP_TOKEN)
    handler.connect()  # type: ignore[no-untyped-call]
    socket_mode.wait_for_connection(1)
    yield handler
    leave_socket_mode(handler)
    # close() waits for websocket-client's read loop to notice (up to 10 s): let it.
    threading.Thread(target=handler.close, daemon=True).start()


@pytest.fixture
def over_socket(
    handler: SocketModeHandler,
    socket_mode: FakeSocketMode,
    fake_slack: FakeSlack,
    background: DeferredBackground,
) -> OverSocketMode:
    return OverSocketMode(socket_mode, fake_slack, background)


@pytest.fixture(params=["http", "socket_mode"])
def transport(request: pytest.FixtureRequest) -> Transport:
    if request.param == "http":
        return OverHttp(request.getfixturevalue("slack"))
    over: OverSocketMode = request.getfixturevalue("over_socket")
    return over


def _log_state(account_id: str | None, summary: str) -> dict[str, Any]:
    """The logging modal's state as Slack submits it."""
    option = {"text": {"type": "plain_text", "text": "x"}, "value": account_id}
    return {
        ids.LOG_ACCOUNT_BLOCK: {
            ids.ACCOUNT_SELECT: {
                "type": "external_select",
                "selected_option": option if account_id else None,
            }
        },
        ids.LOG_KIND_BLOCK: {
            ids.LOG_KIND_ACTION: {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Call"},
                    "value": "call",
                },
            }
        },
        ids.LOG_DAY_BLOCK: {
            ids.LOG_DAY_ACTION: {"type": "datepicker", "selected_date": "2027-01-05"}
        },
        ids.LOG_SUMMARY_BLOCK: {
            ids.LOG_SUMMARY_ACTION: {"type": "plain_text_input", "value": summary}
        },
    }


# -- the same as over HTTP -------------------------------------------------------------------


def test_commands_are_answered_alike(transport: Transport, app_db: Harness) -> None:
    # A newcomer's first command is answered through its response URL, later ones in the ack.
    assert "Added" in text_of(transport.answer(transport.command("add Acme Corp")))
    shown = transport.answer(transport.command("show acme corp"))
    assert "Acme Corp" in text_of(shown)
    assert app_db.count(models.AccountRow) == 1
    assert transport.fake.violations == []


def test_a_direct_message_is_logged_and_answered_in_the_dm(
    transport: Transport, app_db: Harness
) -> None:
    transport.send(r.direct_message("add Acme Corp"))
    transport.send(r.direct_message("log call with Acme Corp: hello"))
    posted = [call.args for call in transport.fake.calls_to("chat.postMessage")]
    assert [p["channel"] for p in posted] == ["DUALICE", "DUALICE"]
    assert "Logged a call" in str(posted[-1]["text"])
    assert app_db.count(models.InteractionRow) == 1


def test_a_mention_is_answered_in_its_thread(transport: Transport, app_db: Harness) -> None:
    transport.send(r.mention("add Acme Corp"))
    transport.send(r.mention("show acme corp"))
    [first, second] = [call.args for call in transport.fake.calls_to("chat.postMessage")]
    assert first["channel"] == "C0001" and first["thread_ts"]
    assert "Acme Corp" in str(second["text"])
    assert app_db.count(models.AccountRow) == 1


def test_a_button_in_the_home_tab_closes_the_follow_up_and_republishes(
    transport: Transport, app_db: Harness
) -> None:
    transport.answer(transport.command("add Acme Corp"))
    transport.answer(transport.command("follow up Acme Corp tomorrow: send deck"))
    transport.send(r.home_opened())
    home = transport.fake.home_view("UALICE")
    assert home is not None and "send deck" in json.dumps(home.view)
    transport.send(r.button(ids.FOLLOW_UP_DONE, "1", in_home=True))
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None and follow_up.status.value == "done"
    home = transport.fake.home_view("UALICE")
    assert home is not None and "send deck" not in json.dumps(home.view)


def test_a_modal_submission_logs_or_answers_with_field_errors(
    transport: Transport, app_db: Harness
) -> None:
    transport.answer(transport.command("add Acme Corp"))
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None
    refused = transport.answer(r.view_submission(_log_state(None, "hello")))
    assert refused["response_action"] == "errors"  # over Socket Mode: the ack's payload
    assert ids.LOG_ACCOUNT_BLOCK in refused["errors"]
    assert app_db.count(models.InteractionRow) == 0

    assert transport.answer(r.view_submission(_log_state(str(account.id), "Met at the fair"))) == {}
    [interaction] = app_db.read(r.TEAM, lambda w: w.interactions.all())
    assert interaction.summary == "Met at the fair"
    assert "Logged a call" in str(transport.fake.last("chat.postMessage").args["text"])


def test_a_view_submissions_errors_travel_in_the_ack(
    over_socket: OverSocketMode, socket_mode: FakeSocketMode
) -> None:
    ack = over_socket.deliver(r.view_submission(_log_state(None, "hello")))
    envelope = socket_mode.envelopes[-1]
    assert envelope.type == "interactive" and envelope.accepts_response_payload
    assert ack.envelope_id == envelope.envelope_id
    assert ack.payload is not None and ack.payload["response_action"] == "errors"


# -- what only a WebSocket has -----------------------------------------------------------------


def test_a_dropped_connection_is_opened_again_and_keeps_serving(
    over_socket: OverSocketMode, socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    issued = socket_mode.urls_issued
    dropped = socket_mode.drop()
    again = socket_mode.wait_for_connection(dropped.number + 1, timeout=RECONNECT_SECONDS)
    assert socket_mode.urls_issued > issued  # a new apps.connections.open, a new ticket
    assert again.ticket != dropped.ticket
    assert len(fake_slack.calls_to("apps.connections.open")) == socket_mode.urls_issued
    over_socket.send(r.direct_message("add Acme Corp"))
    assert socket_mode.acks[-1].connection > dropped.number
    assert "Added" in str(fake_slack.last("chat.postMessage").args["text"])


def test_an_envelope_delivered_again_after_a_lost_ack_is_processed_once(
    over_socket: OverSocketMode,
    socket_mode: FakeSocketMode,
    fake_slack: FakeSlack,
    background: DeferredBackground,
    app_db: Harness,
) -> None:
    over_socket.send(r.direct_message("add Acme Corp"))
    answers = len(fake_slack.calls_to("chat.postMessage"))

    # The app logs the call and acknowledges; the ack is lost with the connection.
    first = socket_mode.send(r.direct_message("log call with Acme Corp: once"), lose_ack=True)
    lost = socket_mode.wait_for_lost_ack(first)
    background.run_pending()
    socket_mode.wait_for_connection(lost.connection + 1, timeout=RECONNECT_SECONDS)

    # Slack, never having heard back, delivers it again on the new connection.
    [retry] = socket_mode.redeliver_unacknowledged()
    assert (retry.retry_attempt, retry.retry_reason, retry.payload) == (1, "timeout", first.payload)
    assert over_socket.acknowledged(retry).connection > lost.connection
    background.run_pending()

    assert app_db.count(models.InteractionRow) == 1
    logged = fake_slack.calls_to("chat.postMessage")[answers:]
    assert ["Logged a call" in str(call.args["text"]) for call in logged] == [True]
    assert socket_mode.unacknowledged() == []


def test_disconnect_refresh_requested_moves_to_a_new_connection(
    over_socket: OverSocketMode, socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    issued = socket_mode.urls_issued
    old = socket_mode.disconnect("refresh_requested")
    socket_mode.wait_for_connection(old.number + 1, timeout=RECONNECT_SECONDS)
    assert old.closed.wait(10)
    assert old.close_from_app is not None and old.close_from_app[0] == 1000  # left cleanly
    # (slack_sdk's client may ask for a URL or two more than it uses: tickets go unused.)
    assert socket_mode.urls_issued > issued
    over_socket.send(r.direct_message("add Acme Corp"))
    assert socket_mode.acks[-1].connection > old.number


def _in_use(handler: SocketModeHandler, socket_mode: FakeSocketMode) -> Connection:
    """The connection the client reads from, once it has settled: slack_sdk's client may
    replace its first connection right after connecting (its monitor can see the new session
    before its socket is set), and websocket-client sets the socket before its handshake is
    done (a close then sends no close frame); so the fake's newest connection is the one in
    use when the client's URL names its ticket and its socket has finished the handshake."""
    settled = threading.Event()
    for _ in range(1_000):  # up to 10 s
        connection = socket_mode.current()
        session = handler.client.current_session
        socket = session.sock if session is not None else None
        if (
            socket is not None
            and socket.connected
            and connection.ticket in (handler.client.wss_uri or "")
        ):
            return connection
        settled.wait(0.01)
    raise TimeoutError("the Socket Mode client did not settle on one connection")


def test_leaving_sends_a_close_frame(
    handler: SocketModeHandler, socket_mode: FakeSocketMode
) -> None:
    connection = _in_use(handler, socket_mode)
    leave_socket_mode(handler)
    assert connection.closed.wait(10)
    assert connection.close_from_app is not None and connection.close_from_app[0] == 1000
    assert not handler.client.auto_reconnect_enabled
