"""A WebClient whose every call takes its turn from the process's ``Pacer`` first.

slack_sdk has no hook that runs before a request (its ``RetryHandler``s run only after an
answer), so the turn is taken in ``_perform_urllib_http_request``: the one method both
``api_call`` and the pagination of a ``SlackResponse`` (``for page in users_list()``) go
through — ``api_call`` alone would leave every page after the first unpaced. It is private
to slack_sdk (pinned in constraints.txt); the tests of pacing fail if it moves.

A 429 closes the method for its ``Retry-After`` in the pacer; where the client retries 429s,
it does so with slack_sdk's own mechanism (a ``RateLimitErrorRetryHandler``) that waits
through the pacer, so the retry also respects every other thread's turns. A turn too far
away is answered as Slack would answer, 429 with ``Retry-After``, without a request.

Bolt builds a plain ``WebClient`` for every request (``App._init_context``);
``pace_listener_clients`` swaps it for a paced one before the listeners run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.pacing import Pacer, PacingRefused

# How long a call waits for its turn before it is refused (a 429 without a request).
LISTENER_LONGEST_WAIT = 60.0


class PacedWebClient(WebClient):
    """A ``WebClient`` that waits for its turn in ``pacer`` before each call."""

    def __init__(
        self, *, pacer: Pacer, longest_wait: float = LISTENER_LONGEST_WAIT, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        self.longest_wait = longest_wait

    @classmethod
    def like(cls, client: WebClient, pacer: Pacer, **overrides: Any) -> PacedWebClient:
        """A paced copy of ``client`` (its token, URL, team and retry handlers)."""
        settings: dict[str, Any] = {
            "token": client.token,
            "base_url": client.base_url,
            "timeout": client.timeout,
            "ssl": client.ssl,
            "proxy": client.proxy,
            "headers": client.headers,
            "team_id": client.default_params.get("team_id"),
            "logger": client.logger,
            "retry_handlers": list(client.retry_handlers),
        }
        return cls(pacer=pacer, **{**settings, **overrides})

    def _perform_urllib_http_request(
        self, *, url: str, args: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        workspace = self.token or ""
        method = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        channel = next(
            (
                str(a["channel"])
                for a in (args.get(k) for k in ("json", "data", "params"))
                if a and a.get("channel")
            ),
            None,
        )
        try:
            self.pacer.turn(workspace, method, channel, longest_wait=self.longest_wait)
        except PacingRefused as refused:
            return _refused(refused.retry_after)
        response: dict[str, Any] = super()._perform_urllib_http_request(url=url, args=args)
        if response.get("status") == 429:
            self.pacer.hold_off(workspace, method, retry_after(response.get("headers")))
        return response


def _refused(seconds: float) -> dict[str, Any]:
    """What slack_sdk makes of Slack's 429, for a call the pacer would not wait for."""
    return {
        "status": 429,
        "headers": {"Retry-After": str(math.ceil(seconds)), "X-Paced": "refused"},
        "body": json.dumps({"ok": False, "error": "ratelimited"}),
    }


def retry_after(headers: Any, default: float = 60.0) -> float:
    """Slack's Retry-After (seconds) from a 429's headers; ``default`` if it gave none."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            if str(first).strip().isdigit():
                return float(str(first).strip())
    return default


class PacedRateLimitRetry(RateLimitErrorRetryHandler):
    """On 429: close the method in the pacer for Slack's ``Retry-After``, then retry once its
    turn comes — unless that is further away than ``longest_wait`` (then the 429 stands)."""

    def __init__(
        self, pacer: Pacer, max_retry_count: int = 3, longest_wait: float = LISTENER_LONGEST_WAIT
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.pacer = pacer
        self.longest_wait = longest_wait

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        workspace = _bearer(request)
        method = request.url.rstrip("/").rsplit("/", 1)[-1]
        self.pacer.hold_off(workspace, method, retry_after(response.headers if response else {}))
        try:
            self.pacer.turn(workspace, method, longest_wait=self.longest_wait)
        except PacingRefused:
            return  # no retry: the 429 goes back to the caller
        state.next_attempt_requested = True
        state.increment_current_attempt()


def _bearer(request: HttpRequest) -> str:
    for name, values in request.headers.items():
        if name.lower() == "authorization":
            value = values[0] if values else ""
            return str(value).removeprefix("Bearer ").strip()
    return ""


def paced_retry_handlers(handlers: list[RetryHandler], pacer: Pacer) -> list[RetryHandler]:
    """``handlers`` with any 429 handler replaced by one that waits through ``pacer``."""
    paced: list[RetryHandler] = [
        h for h in handlers if not isinstance(h, RateLimitErrorRetryHandler)
    ]
    if len(paced) < len(handlers):
        paced.append(PacedRateLimitRetry(pacer))
    return paced


def pace_listener_clients(
    pacer: Pacer,
) -> Callable[[BoltContext, Callable[[], BoltResponse]], BoltResponse]:
    """A Bolt middleware: the listeners' ``client`` is a paced copy of Bolt's."""

    def middleware(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        client = context.client
        if client is not None and not isinstance(client, PacedWebClient):
            context["client"] = PacedWebClient.like(
                client,
                pacer,
                retry_handlers=paced_retry_handlers(list(client.retry_handlers), pacer),
            )
        return next()

    return middleware
