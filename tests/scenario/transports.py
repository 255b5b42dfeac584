"""One way to talk to the app for both of Slack's transports, so a scenario runs unchanged
over signed HTTP requests and over Socket Mode and must end the same.

``OverHttp`` wraps the scenario harness (``tests/scenario/conftest.py``: ``app.dispatch`` of
a signed request). ``OverSocketMode`` delivers the same request as a Socket Mode envelope
through the fake Slack's WebSocket to the app's real Socket Mode client and reads the ack.
Either runs, after the answer, the work the app left for later (``DeferredBackground``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from bot.background import DeferredBackground
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.requests import SignedRequest
from bot.fakeslack.socketmode import Ack, Envelope, FakeSocketMode
from tests.scenario.conftest import Slack

# slack_sdk's websocket-client based client can take up to 10 s to use a new connection
# after it closed the old one itself (websocket-client's read loop wakes every 10 s).
RECONNECT_SECONDS = 20.0


class Transport(Protocol):
    name: str
    fake: FakeSlack

    def send(self, request: SignedRequest) -> None:
        """Deliver a request; return once the app answered and did what follows the answer."""
        ...

    def answer(self, request: SignedRequest) -> dict[str, Any]:
        """What the app answered: its acknowledgement's JSON, or — a newcomer's command —
        what it posted to the response URL."""
        ...

    def command(self, text: str, *, user: str = "UALICE") -> SignedRequest: ...


class OverHttp:
    name = "http"

    def __init__(self, slack: Slack) -> None:
        self.slack = slack
        self.fake = slack.fake

    def send(self, request: SignedRequest) -> None:
        response = self.slack.send(request)
        assert response.status == 200, (response.status, response.body)

    def answer(self, request: SignedRequest) -> dict[str, Any]:
        return self.slack.answer(request)

    def command(self, text: str, *, user: str = "UALICE") -> SignedRequest:
        return self.slack.command(text, user=user)


class OverSocketMode:
    name = "socket_mode"

    def __init__(
        self, socket_mode: FakeSocketMode, fake: FakeSlack, background: DeferredBackground
    ) -> None:
        self.socket_mode = socket_mode
        self.fake = fake
        self.background = background

    def deliver(self, request: SignedRequest) -> Ack:
        """The envelope's ack; what follows the answer is still to run."""
        return self.acknowledged(self.socket_mode.send(request))

    def acknowledged(self, envelope: Envelope, *, timeout: float = RECONNECT_SECONDS) -> Ack:
        """The ack of ``envelope``. Should the app leave the connection it went out on before
        acknowledging (slack_sdk's client may replace a connection just opened), deliver it
        again on the new one, as Slack does with what was not acknowledged."""
        socket_mode = self.socket_mode
        while True:
            sent_on = socket_mode.connections[envelope.connection - 1]
            socket_mode.wait(
                lambda e=envelope, c=sent_on: (
                    socket_mode.ack_of(e) is not None or c.closed.is_set()
                ),
                timeout=timeout,
            )
            ack = socket_mode.ack_of(envelope)
            if ack is not None:
                return ack
            socket_mode.wait_for_open_connection(timeout=timeout)
            envelope = socket_mode.redeliver(envelope)

    def send(self, request: SignedRequest) -> None:
        self.deliver(request)
        self.background.run_pending()

    def answer(self, request: SignedRequest) -> dict[str, Any]:
        posted = len(self.fake.calls_to("response_url"))
        ack = self.deliver(request)
        self.background.run_pending()
        if ack.payload:
            return dict(ack.payload)
        later = self.fake.calls_to("response_url")[posted:]
        return dict(later[-1].args) if later else {}

    def command(self, text: str, *, user: str = "UALICE") -> SignedRequest:
        url = self.fake.response_url(channel_id="C0001", user_id=user)
        return r.command(text, user=user, response_url=url)


def text_of(answer: dict[str, Any]) -> str:
    return json.dumps(answer)
