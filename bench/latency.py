"""Sequential latency over HTTP: one client, one request at a time, each timed end to end.

A few warm-up requests come first and are not counted (the first request of a kind pays for
imports and cold caches once per process, not per request). Answers that are not a real
reply count as errors and stay out of the percentiles; the first few are kept to be shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.client import Client, Reply
from bench.stats import Latency, summarize
from bot.fakeslack import Call, FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.requests import SignedRequest
from handlers.floors import BARE_BOLT, BARE_BOLT_SYNC, PLAIN_WSGI

FLOORS = {
    "floor (a) plain WSGI": PLAIN_WSGI,
    "floor (b) bare Bolt": BARE_BOLT,
    "floor (c) bare Bolt, process_before_response": BARE_BOLT_SYNC,
}
_KEPT_ERRORS = 3


@dataclass
class Measured:
    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)  # the first few errors, shortened
    cut_short: bool = False  # stopped by the time budget before all requests were sent

    def add(self, seconds: float, problem: str | None) -> None:
        if problem is None:
            self.seconds.append(seconds)
            return
        self.errors += 1
        if len(self.examples) < _KEPT_ERRORS:
            self.examples.append(problem[:300])

    def latency(self) -> Latency | None:
        return summarize(self.seconds, self.errors) if self.seconds else None


def _problem(reply: Reply, *, answered: bool) -> str | None:
    good = reply.answered if answered else reply.ok
    return None if good else f"{reply.status} {reply.body}"


def measure(
    send: Callable[[int], tuple[float, str | None]],
    *,
    requests: int,
    warmup: int,
    budget: float | None = None,
    timer: Callable[[], float] = time.monotonic,
) -> Measured:
    """``send(n)`` makes request n and says how long it took and what went wrong, if anything.
    A ``budget`` (seconds) stops a workload that is too slow to finish its requests in a
    bounded run; it is then marked ``cut_short`` (and has fewer requests than asked). Warm-ups
    stop once they have used a quarter of it."""
    started = timer()
    for n in range(warmup):
        if budget is not None and timer() - started > budget / 4:
            break  # a slow command is warm after one request; save the budget for samples
        send(-1 - n)
    measured = Measured()
    started = timer()
    for n in range(requests):
        if budget is not None and timer() - started > budget:
            measured.cut_short = True
            break
        measured.add(*send(n))
    return measured


def command_sender(
    client: Client, text: Callable[[int], str], *, user: str, team: str
) -> Callable[[int], tuple[float, str | None]]:
    """Each request is a signed `/crm` slash command whose answer must carry the reply."""

    def send(n: int) -> tuple[float, str | None]:
        reply = client.post(r.command(text(abs(n)), user=user, team=team))
        return reply.seconds, _problem(reply, answered=True)

    return send


def floor_sender(
    client: Client, path: str, *, user: str, team: str
) -> Callable[[int], tuple[float, str | None]]:
    """The same signed slash command, to one of the floors (handlers/floors.py)."""

    def send(n: int) -> tuple[float, str | None]:
        reply = client.post(r.command("show Acme Corp", user=user, team=team), path)
        return reply.seconds, _problem(reply, answered=False)

    return send


class HomeWatch:
    """Times an `app_home_opened` event: from sending it to the fake Slack receiving the
    `views.publish` of that user's Home (which the product sends after its answer)."""

    def __init__(self, fake: FakeSlack, user: str, *, timeout: float = 10.0) -> None:
        self._user = user
        self._timeout = timeout
        self._published = threading.Event()
        self._at = 0.0
        self._unsubscribe = fake.subscribe(self._seen)

    def _seen(self, call: Call) -> None:
        if call.method == "views.publish" and call.args.get("user_id") == self._user:
            self._at = time.perf_counter()
            self._published.set()

    def sender(self, client: Client, *, team: str) -> Callable[[int], tuple[float, str | None]]:
        def send(n: int) -> tuple[float, str | None]:
            self._published.clear()
            request: SignedRequest = r.home_opened(user=self._user, team=team)
            started = time.perf_counter()
            reply = client.post(request)
            if not reply.ok:
                return reply.seconds, _problem(reply, answered=False)
            if not self._published.wait(self._timeout):
                return self._timeout, f"no views.publish within {self._timeout:.0f} s"
            return self._at - started, None

        return send

    def close(self) -> None:
        self._unsubscribe()
