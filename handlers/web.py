"""HTTP mode: the WSGI application (Slack's endpoint and a health check) and its server.

Gunicorn serves it — a production server with worker processes (`WEB_CONCURRENCY`), not
Bolt's single-threaded development server.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

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


def wsgi_app(app: App, database_answers: Callable[[], bool]) -> WsgiApp:
    """`POST /slack/events` (every kind of Slack request) and `GET /healthz`."""
    slack = SlackRequestHandler(app)
    health = health_check(database_answers)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return health(environ, start_response)
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
