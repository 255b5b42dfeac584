"""`FakeSlack`: a fake Slack Web API over real HTTP on 127.0.0.1, for tests and the console.

Point a client at it with `WebClient(token=..., base_url=fake.api_url)`. Every request is
validated (see `validation`), recorded as a `Call`, and answered from a `Workspace` and the
messages, views and files the bot has created. Failures can be injected per method. Files
are uploaded to URLs on the same server (see `uploads`).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from bot.fakeslack.ratelimits import RateLimiter, RateLimits
from bot.fakeslack.records import Call, StoredFile, StoredMessage, StoredView
from bot.fakeslack.uploads import UPLOAD_PATH, UPLOAD_URL_METHOD, FileUploads
from bot.fakeslack.validation import (
    Violation,
    check_call,
    check_response_url_body,
    check_slack_files,
    decode_json_args,
    error_response,
)
from bot.fakeslack.webapi import ApiError, SlackState
from bot.fakeslack.wire import (
    basic_credentials,
    bearer_token,
    decode_json_object,
    parse_request,
)
from bot.fakeslack.workspace import FakeChannel, FakeUser, Workspace
from bot.slackapi import RateTier
from bot.slackapi import method_tier as _method_tier

logger = logging.getLogger(__name__)

# What a method added with `FakeSlack.answer_method` answers: (decoded args, token) -> result.
MethodAnswer = Callable[[dict[str, Any], str | None], dict[str, Any]]

RESPONSE_URL_METHOD = "response_url"
_SERVICE_UNAVAILABLE_HTML = (
    "<html><head><title>503 Service Unavailable</title></head>"
    "<body><h1>503 Service Unavailable</h1><p>No server is available to handle this request.</p>"
    "</body></html>"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, status: int, payload: dict[str, Any], **headers: str) -> _Reply:
        return cls(status, json.dumps(payload).encode("utf-8"), headers=tuple(headers.items()))


@dataclass(frozen=True, slots=True)
class _Failure:
    """An injected failure: status 429/5xx, or 200 with `ok: false`."""

    status: int
    error: str | None
    retry_after: int

    def reply(self) -> tuple[_Reply, dict[str, Any] | None]:
        if self.status == 503:
            return _Reply(503, _SERVICE_UNAVAILABLE_HTML.encode(), "text/html; charset=utf-8"), None
        if self.status == 429:
            payload = {"ok": False, "error": self.error or "ratelimited"}
            return _Reply.json(429, payload, **{"Retry-After": str(self.retry_after)}), payload
        default = "internal_error" if self.status >= 500 else "fatal_error"
        payload = {"ok": False, "error": self.error or default}
        return _Reply.json(self.status, payload), payload


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops bursts of connections (retried after 1 s).
    request_queue_size = 128
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, http_method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        content_type = self.headers.get("Content-Type")
        fake = self.server.fake
        if parts.path.startswith("/api/"):
            reply = fake._serve_api(
                parts.path.removeprefix("/api/"),
                http_method=http_method,
                query=parts.query,
                content_type=content_type,
                authorization=self.headers.get("Authorization"),
                body=body,
            )
        elif parts.path.startswith("/respond/") and http_method == "POST":
            reply = fake._serve_response_url(
                parts.path.removeprefix("/respond/"), content_type=content_type, body=body
            )
        elif parts.path.startswith("/" + UPLOAD_PATH) and http_method == "POST":
            reply = fake._serve_upload(
                parts.path.removeprefix("/" + UPLOAD_PATH), content_type=content_type, body=body
            )
        else:
            reply = _Reply(404, b"Not Found", "text/plain; charset=utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake slack http: " + format, *args)


class FakeSlack:
    """A fake Slack Web API served over HTTP on 127.0.0.1 (port chosen by the OS).

    Thread-safe: requests are served on threads of their own while tests and the console
    read the recordings. Subscribers are called outside the lock, before the reply is sent.
    Start and stop it from one thread.
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        accepted_tokens: Collection[str] | None = None,
        timer: Callable[[], float] = time.monotonic,
        rate_limits: RateLimits | None = None,
    ) -> None:
        """``rate_limits``: enforce Slack's rate limits (see ``ratelimits``) on ``timer``;
        off by default."""
        self._workspace = workspace if workspace is not None else Workspace()
        self._clock = clock
        self._timer = timer  # for outages: "down for the next 35 seconds"
        self._accepted_tokens = frozenset(accepted_tokens) if accepted_tokens is not None else None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._state = SlackState(self._workspace, clock)
        self._files = FileUploads(self._state, base_url=lambda: self.base_url)
        self._state.register(self._files.handlers())
        self._calls: list[Call] = []
        self._violations: list[str] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._outages: dict[str, tuple[float, _Failure]] = {}
        self._holds: dict[str, threading.Event] = {}
        self._limiter = RateLimiter(rate_limits, timer) if rate_limits is not None else None
        self._subscribers: list[Callable[[Call], None]] = []
        self._extra_methods: dict[str, MethodAnswer] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._stopping = stopping = threading.Event()
        thread = threading.Thread(
            target=self._serve, args=(server, stopping), name="fakeslack", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        logger.debug("fake slack started", extra={"api_url": self.api_url})
        return self

    def stop(self) -> None:
        """Stop serving and free the port (recordings stay readable)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        # Wake the blocking handle_request() with a connection that sends nothing.
        with socket.create_connection(("127.0.0.1", server.server_port)):
            pass
        if thread is not None:
            thread.join()
        server.server_close()
        self._server, self._thread = None, None

    @staticmethod
    def _serve(server: _Server, stopping: threading.Event) -> None:
        # handle_request() blocks without polling, unlike serve_forever(), so stop() is instant.
        while not stopping.is_set():
            server.handle_request()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>/` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_port}/"

    @property
    def api_url(self) -> str:
        """What the bot passes to `WebClient(base_url=...)`: `http://127.0.0.1:<port>/api/`."""
        return self.base_url + "api/"

    # -- workspace -----------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    def add_user(
        self,
        id: str,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "Europe/Berlin",
        deleted: bool = False,
        is_bot: bool = False,
        is_admin: bool = False,
    ) -> FakeUser:
        """Add (or replace) a workspace member while the server may be running."""
        with self._lock:
            return self._workspace.add_user(
                id,
                name,
                real_name=real_name,
                email=email,
                tz=tz,
                deleted=deleted,
                is_bot=is_bot,
                is_admin=is_admin,
            )

    def add_channel(
        self, id: str, name: str, *, is_private: bool = False, is_member: bool = True
    ) -> FakeChannel:
        """Add (or replace) a channel while the server may be running."""
        with self._lock:
            return self._workspace.add_channel(id, name, is_private=is_private, is_member=is_member)

    def add_user_message(self, channel: str, user: str, text: str) -> StoredMessage:
        """Put a message a person wrote into a channel (for shortcuts and permalinks)."""
        with self._lock:
            return self._state.add_user_message(channel, user, text)

    def response_url(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A fresh response URL for a slash command or interaction payload.

        Its messages go to `channel_id` (default: the workspace's first channel); ephemeral
        ones are visible to `user_id`; `message_ts` is the "original" message of an
        interaction (else the last message posted through this URL).
        """
        with self._lock:
            channel = channel_id or next(iter(self._workspace.channels))
            url = self._state.new_response_url(channel, user_id, message_ts)
        return f"{self.base_url}respond/{url.id}"

    def trigger_id(self) -> str:
        """A fresh trigger_id for a payload (any unused trigger_id is accepted once)."""
        with self._lock:
            return self._state.new_trigger_id()

    # -- failure injection ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail ("response_url" / "upload_url" for posts
        to response URLs / upload URLs).

        - default: HTTP 429, `Retry-After: <retry_after>`, `{"ok": false, "error": "ratelimited"}`;
        - `status=500`: `{"ok": false, "error": "internal_error"}`; `status=503`: an HTML page;
        - `error="channel_not_found"` alone: HTTP 200 with `{"ok": false, "error": ...}`.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status is None:
            status = 429 if error in (None, "ratelimited") else 200
        if status == 200 and not error:
            raise ValueError("an HTTP 200 failure needs an error code")
        if status == 429 and retry_after < 0:
            raise ValueError("retry_after must not be negative")
        failure = _Failure(status=status, error=error, retry_after=retry_after)
        with self._lock:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def fail_for(
        self,
        method: str,
        seconds: float,
        *,
        status: int = 500,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """Fail every call of `method` for the next `seconds` (by the fake's timer): an outage
        rather than a count of failures. Queued `fail_next` failures come first."""
        failure = _Failure(status=status, error=error, retry_after=retry_after)
        with self._lock:
            self._outages[method] = (self._timer() + seconds, failure)

    def hold(self, method: str) -> threading.Event:
        """Keep calls of `method` waiting (a slow Slack) until the returned event is set; set
        it to let them through. Calls wait outside the fake's lock, so others go on."""
        gate = threading.Event()
        with self._lock:
            self._holds[method] = gate
        return gate

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if queue:
            return queue.popleft()
        outage = self._outages.get(method)
        if outage is not None and self._timer() < outage[0]:
            return outage[1]
        return None

    def _over_limit(self, token: str | None, method: str, args: dict[str, Any]) -> _Failure | None:
        """A 429 when rate limits are enforced and this call is over one (lock held)."""
        if self._limiter is None:
            return None
        channel = args.get("channel")
        retry_after = self._limiter.take(token or "", method, str(channel) if channel else None)
        return _Failure(429, None, retry_after) if retry_after is not None else None

    def rate_limited(self) -> list[Call]:
        """The calls answered 429, oldest first (injected failures included)."""
        with self._lock:
            return [call for call in self._calls if call.status == 429]

    def _wait_if_held(self, method: str) -> None:
        with self._lock:
            gate = self._holds.get(method)
        if gate is not None:
            gate.wait(timeout=60)

    # -- recordings ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request so far, oldest first."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The requests to one method (or "response_url"), oldest first."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def last(self, method: str) -> Call:
        """The latest request to `method`; LookupError names what was called instead."""
        with self._lock:
            for call in reversed(self._calls):
                if call.method == method:
                    return call
            called = sorted({call.method for call in self._calls}) or ["nothing"]
        raise LookupError(f"no call to {method}; called: {', '.join(called)}")

    def wait_for(self, method: str, *, count: int = 1, timeout: float = 5.0) -> Call:
        """Block until `method` was called `count` times and return that call.

        For code that calls Slack from another thread (Bolt listeners after `ack()`).
        """
        with self._changed:
            done = self._changed.wait_for(
                lambda: len(self._calls_to(method)) >= count, timeout=timeout
            )
            calls = self._calls_to(method)
            if not done:
                raise TimeoutError(
                    f"{method} called {len(calls)} time(s) within {timeout}s, wanted {count}"
                )
            return calls[count - 1]

    def wait_until(
        self,
        method: str,
        matches: Callable[[Call], bool],
        *,
        after: int = 0,
        timeout: float = 5.0,
    ) -> Call:
        """Block until a call to `method`, later than its first `after` calls, `matches`;
        return the first such call. For what arrives in its own time: a Home tab refreshed
        once for a burst of changes is waited for by what it shows, not by how often."""

        def found() -> Call | None:
            return next((c for c in self._calls_to(method)[after:] if matches(c)), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout=timeout):
                seen = len(self._calls_to(method)) - after
                raise TimeoutError(f"no matching {method} within {timeout}s ({seen} other(s))")
            call = found()
            assert call is not None
            return call

    def _calls_to(self, method: str) -> list[Call]:
        return [call for call in self._calls if call.method == method]

    @property
    def violations(self) -> list[str]:
        """Readable descriptions of every rule broken by a call (method, argument, rule)."""
        with self._lock:
            return list(self._violations)

    def messages(self, channel: str, *, include_ephemeral: bool = True) -> list[StoredMessage]:
        """The messages of a channel as they stand now, oldest first."""
        with self._lock:
            stored = self._state.messages.get(channel, [])
            return [m for m in stored if include_ephemeral or not m.ephemeral]

    def message(self, channel: str, ts: str) -> StoredMessage | None:
        """One message as it stands now, or None (never posted, or deleted)."""
        with self._lock:
            return next((m for m in self._state.messages.get(channel, []) if m.ts == ts), None)

    def message_versions(self, channel: str, ts: str) -> list[StoredMessage]:
        """Every version of a message: as posted, then after each update."""
        with self._lock:
            return list(self._state.versions.get((channel, ts), []))

    def uploaded_files(self) -> list[StoredFile]:
        """Every file the bot asked an upload URL for, oldest first: its id, filename, title,
        alt text, bytes (None until they arrived), the channels it was shared to, and whether
        files.completeUploadExternal completed it."""
        with self._lock:
            return self._files.files()

    def uploaded_file(self, file_id: str) -> StoredFile | None:
        """One uploaded file by id as it stands now, or None."""
        with self._lock:
            return self._files.file(file_id)

    def scheduled_messages(self) -> list[StoredMessage]:
        """Messages passed to chat.scheduleMessage (their `ts` is the `post_at`)."""
        with self._lock:
            return list(self._state.scheduled)

    def home_view(self, user_id: str) -> StoredView | None:
        """The Home tab last published for a user."""
        with self._lock:
            view_id = self._state.home.get(user_id)
            return self._state.views.get(view_id) if view_id else None

    def view(self, view_id: str) -> StoredView | None:
        """A modal or Home view by id, as last opened, pushed, updated or published."""
        with self._lock:
            return self._state.views.get(view_id)

    def modal_views(self) -> list[StoredView]:
        """Every modal opened or pushed, in order (stacks are never closed by the fake)."""
        with self._lock:
            return [self._state.views[view_id] for stack in self._state.stacks for view_id in stack]

    def clear(self) -> None:
        """Forget calls, violations, messages, views, files, response URLs and pending
        failures."""
        with self._lock:
            self._calls.clear()
            self._violations.clear()
            self._failures.clear()
            self._outages.clear()
            self._state.reset()
            self._files.reset()

    def clear_calls(self) -> None:
        """Forget the calls recorded so far; messages, views and the rest stay."""
        with self._lock:
            self._calls.clear()

    def subscribe(self, callback: Callable[[Call], None]) -> Callable[[], None]:
        """Call `callback(call)` for each request; returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def answer_method(self, method: str, answer: MethodAnswer) -> None:
        """Answer `method` with `answer(args, token)` (called under the fake's lock, after the
        call was validated; raise `ApiError` for `ok: false`). For the parts of Slack that live
        beside the Web API, such as Socket Mode's `apps.connections.open`."""
        with self._lock:
            self._extra_methods[method] = answer

    @staticmethod
    def method_tier(name: str) -> RateTier | None:
        """The documented rate tier of a Web API method (not enforced by the fake)."""
        return _method_tier(name)

    # -- serving -------------------------------------------------------------------------

    def _serve_api(
        self,
        method: str,
        *,
        http_method: str,
        query: str,
        content_type: str | None,
        authorization: str | None,
        body: bytes,
    ) -> _Reply:
        parsed = parse_request(query, content_type, body)
        arg_token = parsed.args.get("token")
        token = bearer_token(authorization) or (str(arg_token) if arg_token else None)
        # oauth.* methods authenticate the app by its client id and secret (HTTP Basic, as
        # Slack prefers, or arguments); their answer sees them as arguments either way.
        client = basic_credentials(authorization) if method.startswith("oauth.") else None
        answer_args = parsed.args
        if client is not None:
            answer_args = {**parsed.args, "client_id": client[0], "client_secret": client[1]}
        violations: list[Violation]
        self._wait_if_held(method)
        if parsed.error is not None:
            violations = [Violation(method, None, p, parsed.error) for p in parsed.problems]
        else:
            violations = check_call(
                method,
                parsed.args,
                has_token=token is not None or client is not None,
                json_body=parsed.json_body,
            )
        if (
            token is not None
            and self._accepted_tokens is not None
            and token not in self._accepted_tokens
        ):
            violations.insert(
                0, Violation(method, "token", "token not accepted by this fake", "invalid_auth")
            )
        with self._lock:
            if parsed.error is None:
                decoded, _ = decode_json_args(parsed.args)
                violations += check_slack_files(method, decoded, self._files.slack_file_problem)
            failure = self._take_failure(method) or self._over_limit(token, method, parsed.args)
            payload: dict[str, Any] | None
            if failure is not None:
                reply, payload = failure.reply()
            elif violations:
                payload = error_response(violations)
                reply = _Reply.json(200, payload)
            else:
                payload = self._answer(method, answer_args, violations, token)
                reply = _Reply.json(200, payload)
            call = Call(
                method=method,
                args=parsed.args,
                http_method=http_method,
                content_type=content_type,
                token=token,
                at=self._clock(),
                status=reply.status,
                response=payload,
                violations=tuple(str(v) for v in violations),
            )
            subscribers = self._record(call)
        self._notify(subscribers, call)
        return reply

    def _answer(
        self, method: str, args: dict[str, Any], violations: list[Violation], token: str | None
    ) -> dict[str, Any]:
        decoded, _ = decode_json_args(args)
        try:
            extra = self._extra_methods.get(method)
            if extra is not None:
                return {"ok": True, **extra(decoded, token)}
            return self._state.handle(method, decoded)
        except ApiError as error:
            if error.violation:
                violations.append(Violation(method, None, error.violation, error.error))
            return error.body()

    def _serve_response_url(self, url_id: str, *, content_type: str | None, body: bytes) -> _Reply:
        decoded = decode_json_object(body) if body.strip() else {}
        violations: list[Violation] = []
        if decoded is None:
            violations.append(
                Violation(
                    RESPONSE_URL_METHOD, None, "body must be a JSON object", "invalid_payload"
                )
            )
        else:
            violations += check_response_url_body(decoded)
        with self._lock:
            if decoded is not None:
                violations += check_slack_files(
                    RESPONSE_URL_METHOD, decoded, self._files.slack_file_problem
                )
            url = self._state.response_urls.get(url_id)
            failure = self._take_failure(RESPONSE_URL_METHOD)
            payload: dict[str, Any] | None
            if failure is not None:
                reply, payload = failure.reply()
            elif url is None:
                violations.append(
                    Violation(
                        RESPONSE_URL_METHOD, None, f"unknown response URL {url_id!r}", "expired_url"
                    )
                )
                payload = {"ok": False, "error": "expired_url"}
                reply = _Reply.json(404, payload)
            elif violations:
                payload = {"ok": False, "error": violations[0].error}
                reply = _Reply.json(400, payload)
            else:
                try:
                    payload = {"ok": True, **self._state.respond(url, decoded or {})}
                    reply = _Reply.json(200, payload)
                except ApiError as error:
                    if error.violation:
                        violations.append(
                            Violation(RESPONSE_URL_METHOD, None, error.violation, error.error)
                        )
                    payload = error.body()
                    reply = _Reply.json(404, payload)
            call = Call(
                method=RESPONSE_URL_METHOD,
                args=decoded if decoded is not None else {"_raw": body.decode("utf-8", "replace")},
                http_method="POST",
                content_type=content_type,
                token=None,
                at=self._clock(),
                status=reply.status,
                response=payload,
                violations=tuple(str(v) for v in violations),
            )
            subscribers = self._record(call)
        self._notify(subscribers, call)
        return reply

    def _serve_upload(self, ticket: str, *, content_type: str | None, body: bytes) -> _Reply:
        """The bytes of a file, POSTed to the URL files.getUploadURLExternal handed out."""
        self._wait_if_held(UPLOAD_URL_METHOD)
        with self._lock:
            failure = self._take_failure(UPLOAD_URL_METHOD)
            payload: dict[str, Any] | None = None
            problems: tuple[str, ...] = ()
            if failure is not None:
                reply, payload = failure.reply()
            else:
                receipt = self._files.receive(ticket, content_type, body)
                problems = receipt.problems
                reply = _Reply(receipt.status, receipt.body.encode(), "text/plain; charset=utf-8")
                payload = {"ok": receipt.status == 200, "file_id": receipt.file_id}
            violations = [
                Violation(UPLOAD_URL_METHOD, None, rule, "invalid_upload") for rule in problems
            ]
            call = Call(
                method=UPLOAD_URL_METHOD,
                args={"ticket": ticket, "content": body},
                http_method="POST",
                content_type=content_type,
                token=None,
                at=self._clock(),
                status=reply.status,
                response=payload,
                violations=tuple(str(v) for v in violations),
            )
            subscribers = self._record(call)
        self._notify(subscribers, call)
        return reply

    def _record(self, call: Call) -> list[Callable[[Call], None]]:
        """Store a call (lock held) and return the subscribers to tell."""
        self._calls.append(call)
        self._violations.extend(call.violations)
        for violation in call.violations:
            logger.warning("fake slack violation", extra={"violation": violation})
        self._changed.notify_all()
        return list(self._subscribers)

    @staticmethod
    def _notify(subscribers: list[Callable[[Call], None]], call: Call) -> None:
        for callback in subscribers:
            try:
                callback(call)
            except Exception:
                logger.exception("fake slack subscriber failed", extra={"method": call.method})
