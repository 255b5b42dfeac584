"""The Web API client: Slack's base URL from settings, and retries that never drop a call.

slack_sdk retries only connection errors by default; a 429 would raise. These handlers wait
``Retry-After`` (or back off on 5xx) with an injectable ``sleep``, so tests never really wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.pacing import Pacer
from handlers.paced import LISTENER_LONGEST_WAIT, PacedRateLimitRetry, PacedWebClient

Sleep = Callable[[float], None]


class _Waiting:
    """What both retry handlers share: wait (with the injected sleep), then try again."""

    sleep: Sleep

    def _wait_then_retry(self, state: RetryState, seconds: float) -> None:
        state.next_attempt_requested = True
        self.sleep(seconds)
        state.increment_current_attempt()


class RateLimitRetry(_Waiting, RateLimitErrorRetryHandler):
    """On 429, wait what Slack's ``Retry-After`` says (plus a little jitter), then retry."""

    def __init__(self, sleep: Sleep, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        headers = {k.lower(): v for k, v in (response.headers if response else {}).items()}
        retry_after = headers.get("retry-after", ["1"])[0]
        seconds = int(retry_after) if str(retry_after).isdigit() else 1
        self._wait_then_retry(state, seconds + random.random() / 10)


class ServerErrorRetry(_Waiting, ServerErrorRetryHandler):
    """On 500/503, back off (1 s, 2 s, 4 s …) and retry."""

    def __init__(self, sleep: Sleep, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self._wait_then_retry(state, float(2**state.current_attempt))


def make_client(
    token: str | None,
    base_url: str,
    *,
    sleep: Sleep = time.sleep,
    wait_out_rate_limits: bool = True,
    pacer: Pacer | None = None,
    longest_wait: float = LISTENER_LONGEST_WAIT,
) -> WebClient:
    """A client that retries connection errors and 5xx in place, and 429s after Retry-After
    unless ``wait_out_rate_limits`` is off: the nudge ledger waits those out on its own
    clock, giving its lease back rather than sleeping on it. With a ``pacer`` every call
    waits for its turn first (at most ``longest_wait`` seconds), and 429s wait through it."""
    handlers: list[RetryHandler] = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetry(sleep),
    ]
    if pacer is not None:
        if wait_out_rate_limits:
            handlers.append(PacedRateLimitRetry(pacer, longest_wait=longest_wait))
        return PacedWebClient(
            pacer=pacer,
            longest_wait=longest_wait,
            token=token,
            base_url=base_url,
            retry_handlers=handlers,
            timeout=10,
        )
    if wait_out_rate_limits:
        handlers.append(RateLimitRetry(sleep))
    return WebClient(token=token, base_url=base_url, retry_handlers=handlers, timeout=10)
