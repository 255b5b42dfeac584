"""The benchmark's floors, answered by the production server itself when asked to.

`make bench` compares every command with what the cheapest possible answer costs on the same
machine, through the same gunicorn worker, in the same run (issue 8):

- (a) ``/bench/floor/wsgi`` — a plain WSGI app: reads the body, answers 200;
- (b) ``/bench/floor/bolt`` — a bare Bolt app with one ack-only `/crm` command and Bolt's
  default settings (its runner polls for ``ack()`` every 10 ms);
- (c) ``/bench/floor/bolt-sync`` — the same with ``process_before_response=True``.

Both Bolt floors are stock Bolt served through Bolt's own WSGI adapter, checking Slack's
signature themselves. They exist only when ``RAPPORT_BENCH_FLOORS`` is on (off by default);
everything else is passed to the product's application unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from handlers.web import WsgiApp

FLOOR_PREFIX = "/bench/floor/"
PLAIN_WSGI = FLOOR_PREFIX + "wsgi"
BARE_BOLT = FLOOR_PREFIX + "bolt"
BARE_BOLT_SYNC = FLOOR_PREFIX + "bolt-sync"


def plain_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Floor (a): the least a WSGI app can do for a Slack request — read it, answer."""
    length = str(environ.get("CONTENT_LENGTH") or "0")
    stream = environ.get("wsgi.input")
    if stream is not None and length.isdigit() and int(length):
        stream.read(int(length))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


def bare_bolt(client: WebClient, signing_secret: str, *, process_before_response: bool) -> App:
    """Floors (b) and (c): Bolt as its docs start, with one command that only acknowledges."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
    )

    @app.command("/crm")
    def acknowledge(ack: Ack) -> None:
        ack()

    return app


def with_floors(product: WsgiApp, client: WebClient, signing_secret: str) -> WsgiApp:
    """``product``, plus the three floor paths in front of it."""
    floors: dict[str, WsgiApp] = {
        PLAIN_WSGI: plain_wsgi,
        BARE_BOLT: SlackRequestHandler(
            bare_bolt(client, signing_secret, process_before_response=False), path=BARE_BOLT
        ),
        BARE_BOLT_SYNC: SlackRequestHandler(
            bare_bolt(client, signing_secret, process_before_response=True), path=BARE_BOLT_SYNC
        ),
    }

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        floor = floors.get(environ.get("PATH_INFO", ""))
        if floor is not None:
            return floor(environ, start_response)
        return product(environ, start_response)

    return application
