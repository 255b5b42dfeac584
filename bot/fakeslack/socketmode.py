"""Slack's Socket Mode side, faked: `apps.connections.open` and the WebSocket it hands out.

    with FakeSlack(workspace) as fake, FakeSocketMode(fake) as socket_mode:
        ...  # the app connects with an `xapp-` token through `fake.api_url`
        connection = socket_mode.wait_for_connection()
        sent = socket_mode.send(request)  # a `requests` builder's SignedRequest, as Slack sends it
        ack = socket_mode.wait_for_ack(sent.envelope_id)

What Slack does, and so this fake:
- `apps.connections.open` takes an app-level token (`xapp-…`; any other is refused with
  `not_allowed_token_type`) and answers `ws://127.0.0.1:<port>/link/?ticket=…&app_id=…`; a
  ticket opens one connection.
- On connect the server sends `hello` (`num_connections`, `debug_info`,
  `connection_info.app_id`), then envelopes `{type, envelope_id, payload,
  accepts_response_payload, retry_attempt, retry_reason}` of type `events_api`,
  `slash_commands` or `interactive`; the app acknowledges each with `{envelope_id,
  payload?}` (the payload: a command's answer, a view submission's `response_action`).
- It may send `disconnect` (`refresh_requested`, `warning`, `link_disabled`), close the
  connection, or just drop it; an envelope not acknowledged may come again, on a later
  connection, with `retry_attempt` counting up and a `retry_reason`.

Needs the `websockets` package (a development dependency), so `bot.fakeslack` does not
import this module: tests do. Thread-safe; the server runs on threads of its own.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from bot.fakeslack.requests import SignedRequest
from bot.fakeslack.server import FakeSlack
from bot.fakeslack.webapi import ApiError

logger = logging.getLogger(__name__)

APP_TOKEN_PREFIX = "xapp-"
DISCONNECT_REASONS = frozenset({"refresh_requested", "warning", "link_disabled"})
ENVELOPE_TYPES = frozenset({"events_api", "slash_commands", "interactive"})
# Interactive payloads whose acknowledgement may carry an answer (a view submission's
# `response_action`, an options request's options); the others are only acknowledged.
_ANSWERED_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})
_DEBUG_HOST = "applink-fake-1"


@dataclass(frozen=True, slots=True)
class Envelope:
    """One delivery of a payload (a retry is a new envelope with the same payload)."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""
    connection: int = 0  # which connection it went out on (1 = the first)
    delivery: int = 0  # one number per payload, shared by its retries

    def as_json(self) -> dict[str, Any]:
        return {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
            "retry_attempt": self.retry_attempt,
            "retry_reason": self.retry_reason,
        }


@dataclass(frozen=True, slots=True)
class Ack:
    """What the app sent back for an envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection: int


@dataclass
class Connection:
    """One WebSocket the app opened. `closed` is set once it is over, however it ended."""

    number: int
    ticket: str
    closed: threading.Event = field(default_factory=threading.Event)
    # The close frame the app sent (code, reason), or None: it never sent one.
    close_from_app: tuple[int, str] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)  # what the app sent
    _socket: ServerConnection | None = field(default=None, repr=False)

    @property
    def closed_cleanly_by_app(self) -> bool:
        return self.close_from_app is not None


def envelope_payload(request: SignedRequest) -> tuple[str, dict[str, Any]]:
    """The envelope type and payload Slack sends over Socket Mode for what it would have
    POSTed over HTTP: an event's JSON body, a command's form fields as a JSON object, an
    interaction's `payload` field decoded."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        return "events_api", dict(json.loads(request.body))
    fields = dict(parse_qsl(request.body, keep_blank_values=True))
    if set(fields) == {"payload"}:
        return "interactive", dict(json.loads(fields["payload"]))
    return "slash_commands", fields


def _accepts_response_payload(kind: str, payload: dict[str, Any]) -> bool:
    if kind == "slash_commands":
        return True
    return kind == "interactive" and payload.get("type") in _ANSWERED_INTERACTIONS


class FakeSocketMode:
    """Socket Mode for a running `FakeSlack`: it answers `apps.connections.open` there and
    serves the WebSocket URLs it hands out on a port of its own (127.0.0.1, chosen by the OS).
    """

    def __init__(self, fake: FakeSlack, *, app_id: str | None = None) -> None:
        self._fake = fake
        self._app_id = app_id or fake.workspace.app_id
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._tickets: set[str] = set()
        self._connections: list[Connection] = []
        self._envelopes: list[Envelope] = []
        self._acks: list[Ack] = []
        self._lost_acks: list[Ack] = []
        self._lose_ack_of: set[str] = set()
        self._opened = 0  # apps.connections.open calls answered
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        if self._server is not None:
            raise RuntimeError("FakeSocketMode is already running")
        self._server = serve(
            self._serve_connection,
            "127.0.0.1",
            0,
            process_request=self._check_ticket,
            compression=None,
            close_timeout=2,
            logger=logger,
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(self._server,), name="fakeslack-socket-mode", daemon=True
        )
        self._thread.start()
        self._fake.answer_method("apps.connections.open", self._open)
        return self

    def _serve(self, server: Server) -> None:
        try:
            server.serve_forever()
        except OSError:
            # A stop right after the start closes the socket under serve_forever's first
            # look at it (websockets logs its address): nothing was being served yet.
            if not self._stopping.is_set():
                raise

    def stop(self) -> None:
        """Stop serving: every connection still open is closed (1001, going away)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        for connection in self.connections:
            if connection._socket is not None and not connection.closed.is_set():
                connection._socket.close(1001, "server stopping")
        server.shutdown()
        if thread is not None:
            thread.join(timeout=10)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSocketMode is not running: call start() first")
        return int(self._server.socket.getsockname()[1])

    # -- apps.connections.open -----------------------------------------------------------

    def _open(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token is None or not token.startswith(APP_TOKEN_PREFIX):
            raise ApiError(
                "not_allowed_token_type",
                violation="apps.connections.open needs an app-level token (xapp-…)",
            )
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets.add(ticket)
            self._opened += 1
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self._app_id}"}

    @property
    def urls_issued(self) -> int:
        """How many times `apps.connections.open` handed out a URL."""
        with self._lock:
            return self._opened

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        ticket = parse_qs(parts.query).get("ticket", [""])[0]
        with self._lock:
            if parts.path.rstrip("/") != "/link" or ticket not in self._tickets:
                return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")
            self._tickets.discard(ticket)
        return None

    # -- connections ---------------------------------------------------------------------

    def _serve_connection(self, socket: ServerConnection) -> None:
        ticket = parse_qs(urlsplit(socket.request.path if socket.request else "").query)
        with self._lock:
            connection = Connection(
                number=len(self._connections) + 1,
                ticket=ticket.get("ticket", [""])[0],
                _socket=socket,
            )
            self._connections.append(connection)
            open_now = sum(1 for c in self._connections if not c.closed.is_set())
        try:
            socket.send(json.dumps(self._hello(open_now)))
            with self._changed:
                self._changed.notify_all()
            for message in socket:
                self._receive(connection, message)
        except ConnectionClosed:
            pass
        finally:
            close = socket.protocol.close_rcvd
            with self._lock:
                connection.close_from_app = (close.code, close.reason) if close else None
                connection.closed.set()
                self._changed.notify_all()

    def _hello(self, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": _DEBUG_HOST,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self._app_id},
        }

    def _receive(self, connection: Connection, message: str | bytes) -> None:
        try:
            decoded = json.loads(message)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict) or "envelope_id" not in decoded:
            logger.warning("fake socket mode: not an acknowledgement", extra={"got": message})
            return
        payload = decoded.get("payload")
        ack = Ack(
            envelope_id=str(decoded["envelope_id"]),
            payload=payload if isinstance(payload, dict) else None,
            connection=connection.number,
        )
        with self._lock:
            connection.messages.append(decoded)
            lose = ack.envelope_id in self._lose_ack_of
            if lose:
                self._lose_ack_of.discard(ack.envelope_id)
                self._lost_acks.append(ack)
            else:
                self._acks.append(ack)
            self._changed.notify_all()
        if lose:  # as if the network lost it: Slack never hears of it and the link drops
            self._drop(connection)

    @property
    def connections(self) -> list[Connection]:
        """Every connection the app opened, oldest first."""
        with self._lock:
            return list(self._connections)

    def current(self) -> Connection:
        """The newest connection still open."""
        with self._lock:
            for connection in reversed(self._connections):
                if not connection.closed.is_set():
                    return connection
        raise LookupError("no Socket Mode connection is open")

    def wait_for_connection(self, number: int = 1, *, timeout: float = 10.0) -> Connection:
        """Block until the app has opened its `number`-th connection (and got `hello`)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._connections) >= number, timeout):
                raise TimeoutError(
                    f"{len(self._connections)} connection(s) within {timeout}s, wanted {number}"
                )
            return self._connections[number - 1]

    # -- envelopes -----------------------------------------------------------------------

    def send(
        self,
        request: SignedRequest,
        *,
        lose_ack: bool = False,
        accepts_response_payload: bool | None = None,
    ) -> Envelope:
        """Deliver what Slack would have POSTed as `request`, on the newest open connection.
        `lose_ack`: when its acknowledgement comes, drop the connection and forget it (Slack
        never got it), so that the envelope stays unacknowledged."""
        kind, payload = envelope_payload(request)
        return self.send_payload(
            kind,
            payload,
            lose_ack=lose_ack,
            accepts_response_payload=accepts_response_payload,
        )

    def send_payload(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        lose_ack: bool = False,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        delivery: int | None = None,
    ) -> Envelope:
        """Deliver a payload as an envelope of type `kind` on the newest open connection."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}")
        if accepts_response_payload is None:
            accepts_response_payload = _accepts_response_payload(kind, payload)
        connection = self.current()
        envelope = Envelope(
            envelope_id=f"{uuid.uuid4()}",
            type=kind,
            payload=payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            connection=connection.number,
            delivery=delivery if delivery is not None else next(self._ids),
        )
        with self._lock:
            self._envelopes.append(envelope)
            if lose_ack:
                self._lose_ack_of.add(envelope.envelope_id)
        assert connection._socket is not None
        connection._socket.send(json.dumps(envelope.as_json()))
        return envelope

    def redeliver(self, envelope: Envelope, *, reason: str = "timeout") -> Envelope:
        """Send an envelope's payload again, as Slack retries one it got no ack for: a new
        envelope, `retry_attempt` one more than the last, `retry_reason` given."""
        return self.send_payload(
            envelope.type,
            envelope.payload,
            accepts_response_payload=envelope.accepts_response_payload,
            retry_attempt=envelope.retry_attempt + 1,
            retry_reason=reason,
            delivery=envelope.delivery,
        )

    def unacknowledged(self) -> list[Envelope]:
        """The latest envelope of each payload that no delivery of was acknowledged."""
        with self._lock:
            acked = {ack.envelope_id for ack in self._acks}
            done = {e.delivery for e in self._envelopes if e.envelope_id in acked}
            latest = {e.delivery: e for e in self._envelopes if e.delivery not in done}
            return list(latest.values())

    def redeliver_unacknowledged(self, *, reason: str = "timeout") -> list[Envelope]:
        """Retry every payload not acknowledged yet (its latest delivery), on the newest
        open connection."""
        return [self.redeliver(envelope, reason=reason) for envelope in self.unacknowledged()]

    @property
    def envelopes(self) -> list[Envelope]:
        with self._lock:
            return list(self._envelopes)

    @property
    def acks(self) -> list[Ack]:
        with self._lock:
            return list(self._acks)

    @property
    def lost_acks(self) -> list[Ack]:
        """Acknowledgements thrown away by `lose_ack`."""
        with self._lock:
            return list(self._lost_acks)

    def wait_for_ack(self, envelope: Envelope | str, *, timeout: float = 10.0) -> Ack:
        envelope_id = envelope if isinstance(envelope, str) else envelope.envelope_id

        def found() -> Ack | None:
            return next((a for a in self._acks if a.envelope_id == envelope_id), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout):
                raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout}s")
            ack = found()
            assert ack is not None
            return ack

    def ack_of(self, envelope: Envelope) -> Ack | None:
        """The ack of any delivery of the envelope's payload (itself or a retry), if any."""
        with self._lock:
            ids = {e.envelope_id for e in self._envelopes if e.delivery == envelope.delivery}
            return next((a for a in self._acks if a.envelope_id in ids), None)

    def wait_for_open_connection(self, *, timeout: float = 10.0) -> Connection:
        """The newest open connection, once there is one."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: any(not c.closed.is_set() for c in self._connections), timeout
            ):
                raise TimeoutError(f"no open Socket Mode connection within {timeout}s")
            return self.current()

    def wait_for_lost_ack(self, envelope: Envelope, *, timeout: float = 10.0) -> Ack:
        def found() -> Ack | None:
            return next((a for a in self._lost_acks if a.envelope_id == envelope.envelope_id), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout):
                raise TimeoutError(f"no ack for envelope {envelope.envelope_id} within {timeout}s")
            ack = found()
            assert ack is not None
            return ack

    def wait(self, condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
        """Block until `condition()` holds; it is checked whenever a connection opens or
        closes or an ack arrives."""
        with self._changed:
            if not self._changed.wait_for(condition, timeout):
                raise TimeoutError(f"condition not met within {timeout}s")

    # -- ending connections --------------------------------------------------------------

    def disconnect(self, reason: str = "refresh_requested") -> Connection:
        """Tell the app to reconnect (`refresh_requested`, `warning`, `link_disabled`), as
        Slack does before it closes a connection; the connection stays open for the app to
        leave."""
        if reason not in DISCONNECT_REASONS:
            raise ValueError(f"reason must be one of {sorted(DISCONNECT_REASONS)}")
        connection = self.current()
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": _DEBUG_HOST}}
        assert connection._socket is not None
        connection._socket.send(json.dumps(message))
        return connection

    def close(self, code: int = 1001, reason: str = "") -> Connection:
        """Close the newest connection with a close frame (the app should connect again)."""
        connection = self.current()
        assert connection._socket is not None
        connection._socket.close(code, reason)
        connection.closed.wait(timeout=10)
        return connection

    def drop(self) -> Connection:
        """Cut the newest connection without a close frame, as a network failure does."""
        return self._drop(self.current())

    @staticmethod
    def _drop(connection: Connection) -> Connection:
        assert connection._socket is not None
        connection._socket.close_socket()
        return connection
