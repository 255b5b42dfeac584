"""A Slack-like HTTP client for the benchmark: one keep-alive connection, signed requests,
each request timed from the first byte sent to the last byte of the answer read."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.fakeslack.requests import SignedRequest

SLACK_PATH = "/slack/events"
# Gunicorn closes a keep-alive connection after 2 s of silence; reconnect before that.
_IDLE_SECONDS = 1.5


@dataclass(frozen=True, slots=True)
class Reply:
    status: int  # 0: the request never got an answer (the connection failed)
    body: str
    seconds: float

    @property
    def ok(self) -> bool:
        """A 200 that carries no refusal or error (an empty body is an event's plain ack)."""
        return self.status == 200 and not any(sign in self.body for sign in TROUBLE)

    @property
    def answered(self) -> bool:
        """``ok``, with the reply in the answer itself (as every command benchmarked must be:
        an empty answer would mean the reply comes later, through the response URL)."""
        return self.ok and bool(self.body.strip())


# How the product's refusals and errors begin (bot/render/errors.py): a parse error, a
# service's refusal, an unexpected failure. A benchmark command must meet none of them.
TROUBLE = (":thinking_face:", ":warning:", ":boom:", "went wrong")


class Client:
    """Posts signed requests to one server, over one connection kept open between them."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._timeout = timeout
        self._connection = self._connect()
        self._last = time.monotonic()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)

    def post(self, request: SignedRequest, path: str = SLACK_PATH) -> Reply:
        if time.monotonic() - self._last > _IDLE_SECONDS:
            self._connection.close()
            self._connection = self._connect()
        started = time.perf_counter()
        try:
            self._connection.request("POST", path, request.body.encode(), request.headers)
            answer = self._connection.getresponse()
            status, body = answer.status, answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self._connection.close()
            self._connection = self._connect()
            status, body = 0, f"{type(error).__name__}: {error}"
        took = time.perf_counter() - started
        self._last = time.monotonic()
        return Reply(status, body, took)

    def close(self) -> None:
        self._connection.close()
