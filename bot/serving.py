"""`python app.py run`: the bot in Socket Mode or in HTTP mode, until SIGTERM."""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import threading
from types import FrameType
from wsgiref.simple_server import WSGIRequestHandler, make_server

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import (
    create_app,
    create_nudge_pass,
    nudge_installed_workspaces,
    units_of_work,
)
from bot.clock import SystemClock
from bot.scheduler import start_scheduler
from bot.services.housekeeping import forget_old_deliveries
from bot.settings import Settings
from handlers.floors import with_floors
from handlers.web import WsgiApp, health_check, serve, wsgi_app
from storage import migrate
from storage.database import answers, create_database_engine, create_session_factory
from storage.unit_of_work import team_ids

logger = logging.getLogger(__name__)
DEFAULT_HTTP_PORT = 3000


def _start_nudges(settings: Settings, sessions: sessionmaker[Session]) -> BackgroundScheduler:
    """Every process runs the scheduler; the ledger keeps each nudge single across them.
    Installed by OAuth, each installed workspace is nudged with its own bot token."""
    units = units_of_work(sessions)
    clock = SystemClock()
    if settings.installs_by_oauth:
        nudge_each = nudge_installed_workspaces(settings, sessions)

        def one_pass() -> object:
            now = clock.now()
            reports = nudge_each(now)
            forget_old_deliveries(units, team_ids(sessions), now)
            return reports

    else:
        nudges = create_nudge_pass(settings, session_factory=sessions)

        def one_pass() -> object:
            now, teams = clock.now(), team_ids(sessions)
            report = nudges.run(teams, now)
            forget_old_deliveries(units, teams, now)
            return report

    scheduler = start_scheduler(one_pass, settings.nudge_interval_seconds)
    atexit.register(_stop_scheduler, scheduler)
    return scheduler


def _stop_scheduler(scheduler: BackgroundScheduler) -> None:
    """Once: SIGTERM in Socket Mode stops it first, and exiting stops it again."""
    if scheduler.running:
        scheduler.shutdown(wait=False)


def _load_http_app(settings: Settings) -> WsgiApp:
    # Runs in each worker process: each has its own engine, connection pool and scheduler.
    engine = create_database_engine(settings.database_url)
    sessions = create_session_factory(engine)
    app = create_app(settings, session_factory=sessions)
    _start_nudges(settings, sessions)
    assert settings.slack_signing_secret is not None  # create_app refused to start without
    served = wsgi_app(app, settings.slack_signing_secret, lambda: answers(engine))
    if settings.bench_floors:  # `make bench` only: the floors from this same process
        client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        served = with_floors(served, client, settings.slack_signing_secret)
    return served


def run_http(settings: Settings) -> None:
    """Gunicorn on $PORT serving /slack/events and /healthz, WEB_CONCURRENCY workers."""
    migrate.prepare(settings.database_url)  # once, before the workers start
    port = settings.port or DEFAULT_HTTP_PORT
    logger.info("serving HTTP", extra={"port": port, "workers": settings.web_concurrency})
    serve(
        lambda: _load_http_app(settings),
        port=port,
        workers=settings.web_concurrency,
        on_exit=lambda: logger.info("stopped"),
    )


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        logger.debug(format, *args)


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """Slack's WebSocket for ``app``. ``apps.connections.open`` goes through the app's own
    WebClient, so ``SLACK_API_URL`` points both the Web API and Socket Mode at a fake Slack.

    slack_sdk's websocket-client based client rather than its builtin one (Bolt's default),
    which never sends a close frame when it leaves and, measured against the fake Slack, took
    30 s to notice a dropped connection (this one: under a second)."""
    return SocketModeHandler(app, app_token, web_client=app.client)


def leave_socket_mode(handler: SocketModeHandler) -> None:
    """Close the WebSocket with a close frame (1000), now, and do not connect again.

    ``handler.close()`` would then also wait for websocket-client's read loop, which notices
    only at its next 10 s tick; the caller exits right after, and that loop runs on daemon
    threads. An envelope still being handled then is never acknowledged: Slack retries an
    event (answered once, by its event_id); a command or a click shows the user a timeout."""
    handler.client.auto_reconnect_enabled = False
    handler.disconnect()  # type: ignore[no-untyped-call]


def run_socket_mode(settings: Settings) -> None:
    """A WebSocket to Slack (no public URL needed); /healthz on $PORT when PORT is set."""
    migrate.prepare(settings.database_url)
    engine = create_database_engine(settings.database_url)
    sessions = create_session_factory(engine)
    app = create_app(settings, session_factory=sessions, socket_mode=True)
    scheduler = _start_nudges(settings, sessions)
    if settings.port:
        health = make_server(
            "0.0.0.0",
            settings.port,
            health_check(lambda: answers(engine)),
            handler_class=_QuietHandler,
        )
        threading.Thread(target=health.serve_forever, daemon=True, name="healthz").start()
    assert settings.slack_app_token is not None  # the caller chose Socket Mode by it
    handler = socket_mode_handler(app, settings.slack_app_token)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stopping", extra={"signal": signal.Signals(signum).name})
        _stop_scheduler(scheduler)
        leave_socket_mode(handler)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("connected in Socket Mode")
    handler.start()  # type: ignore[no-untyped-call]
