"""HTTP mode: the WSGI application (Slack's endpoint and a health check) and its server.

Gunicorn serves it — a production server with worker processes (`WEB_CONCURRENCY`), not
Bolt's single-threaded development server. Before Bolt sees a request, the endpoint refuses
what no Slack request looks like: a body over ``MAX_BODY_BYTES`` (without reading it whole),
a body that is not UTF-8, a bad signature, a body that does not parse. None of these is
answered with a traceback, and no body is ever logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk.signature import SignatureVerifier

from handlers.verification import refuse, signature_problem

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest requests (a Home tab's or a modal's whole view in a block_actions payload)
# stay well under this; anything bigger is not from Slack and is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _json(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def health_check(database_answers: Callable[[], bool]) -> WsgiApp:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if database_answers():
            return _json(start_response, "200 OK", {"status": "ok", "database": "ok"})
        return _json(
            start_response,
            "503 Service Unavailable",
            {"status": "unavailable", "database": "not answering"},
        )

    return application


def _read_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` (read no further)."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if declared and (not declared.isdigit() or int(declared) > limit):
        return None
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    # Without a length (chunked), read one byte past the limit to know it was exceeded.
    body: bytes = stream.read(int(declared) if declared else limit + 1)
    return body if len(body) <= limit else None


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = str(environ[key])
    return headers


def _respond(start_response: Callable[..., Any], response: BoltResponse) -> Iterable[bytes]:
    wsgi = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(wsgi.status, wsgi.get_headers())
    return wsgi.get_body()


def _plain(start_response: Callable[..., Any], status: int, why: str) -> Iterable[bytes]:
    logger.warning("refused a request", extra={"status": status, "why": why})
    return _respond(start_response, BoltResponse(status=status, body={"error": why}))


def slack_endpoint(app: App, signing_secret: str, *, max_body: int = MAX_BODY_BYTES) -> WsgiApp:
    """`POST /slack/events`: the request checked at the door, then dispatched by Bolt (which
    checks the signature again: ``handlers.verification``)."""
    verifier = SignatureVerifier(signing_secret)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = _read_body(environ, max_body)
        if raw is None:
            return _plain(start_response, 413, f"the body is over {max_body} bytes")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _plain(start_response, 400, "the body is not UTF-8")
        headers = _headers(environ)
        problem = signature_problem(verifier, body, headers)
        if problem is not None:
            return _respond(start_response, refuse(problem))
        try:
            request = BoltRequest(
                body=body, query=environ.get("QUERY_STRING", ""), headers=dict(headers)
            )
        except Exception:  # Bolt reads ids out of the body as it parses: anything may break
            return _plain(start_response, 400, "the body does not parse")
        if not isinstance(request.body, dict):
            return _plain(start_response, 400, "the body is not an object")
        return _respond(start_response, app.dispatch(request))

    return application


def oauth_endpoint(app: App) -> WsgiApp:
    """`GET /slack/install` and `GET /slack/oauth_redirect` of an app installed by OAuth:
    Bolt's OAuth flow, which checks the state (cookie and store) and Slack's code itself."""
    flow = app.oauth_flow
    assert flow is not None

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = BoltRequest(
            body="", query=environ.get("QUERY_STRING", ""), headers=dict(_headers(environ))
        )
        if environ.get("PATH_INFO") == flow.install_path:
            return _respond(start_response, flow.handle_installation(request))
        return _respond(start_response, flow.handle_callback(request))

    return application


def wsgi_app(app: App, signing_secret: str, database_answers: Callable[[], bool]) -> WsgiApp:
    """`POST /slack/events` (every kind of Slack request) and `GET /healthz`; installed by
    OAuth, also `GET /slack/install` and `GET /slack/oauth_redirect`."""
    slack = slack_endpoint(app, signing_secret)
    health = health_check(database_answers)
    flow = app.oauth_flow
    oauth_paths = (flow.install_path, flow.redirect_uri_path) if flow is not None else ()
    oauth = oauth_endpoint(app) if flow is not None else None

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return health(environ, start_response)
        if oauth is not None and path in oauth_paths and method == "GET":
            return oauth(environ, start_response)
        if path == SLACK_PATH and method == "POST":
            return slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn run from code; each worker builds its own app (and database engine)."""

    def __init__(self, load: Callable[[], WsgiApp], options: dict[str, Any]) -> None:
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        return self._load()


def serve(
    load: Callable[[], WsgiApp], *, port: int, workers: int, on_exit: Callable[[], None]
) -> None:
    """Serve until SIGTERM or SIGINT; gunicorn finishes requests in flight, then exits."""
    _Gunicorn(
        load,
        {
            "bind": f"0.0.0.0:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": "-",
            "on_exit": lambda _server: on_exit(),
        },
    ).run()
