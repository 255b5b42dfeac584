"""The composition root: the one module that knows Slack, the handlers and the database.

``create_app`` builds everything and has no side effects at import time; tests pass their
own client (pointed at the fake Slack), clock and sessions.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers
from bot.background import Background, ThreadedBackground
from bot.clock import Clock, SystemClock
from bot.installations import Installations, oauth_settings
from bot.nudges.delivery import LEASE, NudgePass, PassReport
from bot.nudges.model import DeliveryFailed
from bot.pacing import Pacer, shared_pacer
from bot.ports import UnitOfWork
from bot.render.nudges import nudge_message
from bot.runtime import Rapport, UnitOfWorkFactory
from bot.settings import Settings, SettingsError
from handlers import installs
from handlers.client import make_client
from handlers.directory import SlackDirectory
from handlers.nudges import SlackNudgeSender
from handlers.paced import pace_listener_clients
from handlers.verification import SlackSignatureCheck
from handlers.weekly_report import SlackWeeklyReporter
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import team_ids, unit_of_work


def open_database(settings: Settings) -> sessionmaker[Session]:
    """Sessions for the configured database; SQLite is migrated on the way."""
    migrate.prepare(settings.database_url)
    return create_session_factory(create_database_engine(settings.database_url))


def units_of_work(sessions: sessionmaker[Session]) -> UnitOfWorkFactory:
    def units(
        team_id: str, *, dry_run: bool = False, read_only: bool = False
    ) -> AbstractContextManager[UnitOfWork]:
        return unit_of_work(sessions, team_id, dry_run=dry_run, read_only=read_only)

    return units


def worker_name() -> str:
    """Who holds a lease: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


# A post waits for its turn at most this long, well within the half lease the pass keeps
# before each post; a turn further away gives the rows back until then.
NUDGE_LONGEST_WAIT = LEASE.total_seconds() / 6


def _process_pacer(settings: Settings) -> Pacer | None:
    """The process's pacer, with its part of Slack's limits when HTTP mode runs several
    workers; None when pacing is off (a Slack without limits: the benchmark)."""
    return shared_pacer(settings.web_concurrency) if settings.slack_pacing else None


class _NoSlack:
    def send(self, recipient: str, text: str, blocks: list[dict[str, object]]) -> tuple[str, str]:
        raise DeliveryFailed("a preview sends nothing", retryable=False)


def create_nudge_pass(
    settings: Settings,
    *,
    client: WebClient | None = None,
    session_factory: sessionmaker[Session] | None = None,
    wall: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    worker: str | None = None,
    preview: bool = False,
    senders: int = 1,
    pacer: Pacer | None = None,
    token: str | None = None,
) -> NudgePass:
    """One scheduler pass's parts: the ledger's units of work, Slack, the real clock.
    A ``preview`` (``nudge --dry-run``) works without Slack: owners keep their cached zones.
    ``token``: the workspace's bot token (installed by OAuth), else SLACK_BOT_TOKEN's."""
    token = token or settings.slack_bot_token
    if preview and client is None and not token:
        return NudgePass(
            units=units_of_work(session_factory or open_database(settings)),
            wall=wall or SystemClock(),
            sender=_NoSlack(),
            render=nudge_message,
            worker=worker or worker_name(),
            admins=settings.admins,
        )
    if client is None:
        if not token:
            raise SettingsError("SLACK_BOT_TOKEN is not set; nudges go out through Slack.")
        client = make_client(
            token,
            settings.slack_api_url,
            sleep=sleep,
            wait_out_rate_limits=False,  # the ledger waits, with its lease given back
            pacer=pacer or _process_pacer(settings),
            longest_wait=NUDGE_LONGEST_WAIT,
        )
    sessions = session_factory or open_database(settings)
    sender = SlackNudgeSender(client)
    return NudgePass(
        units=units_of_work(sessions),
        wall=wall or SystemClock(),
        sender=sender,
        reporter=SlackWeeklyReporter(client, sender),
        render=nudge_message,
        worker=worker or worker_name(),
        admins=settings.admins,
        directory=SlackDirectory(client),
        senders=senders,
    )


def nudge_installed_workspaces(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    installations: Installations | None = None,
    wall: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    worker: str | None = None,
    only: Collection[str] | None = None,
) -> Callable[[datetime], dict[str, PassReport]]:
    """Installed by OAuth: a pass over each installed workspace the database holds (those in
    ``only``, when given), with that workspace's own bot token, looked up in the installation
    store before its pass (never inside a unit of work). A workspace without an installation
    (uninstalled, its token revoked) is skipped: its nudges wait, its data stays."""
    installed = installations or installations_for(settings, sessions)
    pacer = _process_pacer(settings)

    def run(now: datetime) -> dict[str, PassReport]:
        known = set(team_ids(sessions))
        reports = {}
        for bot in installed.bots():
            if bot.team_id not in known or (only is not None and bot.team_id not in only):
                continue  # installed, never used: nothing to nudge about yet
            nudges = create_nudge_pass(
                settings,
                session_factory=sessions,
                wall=wall,
                sleep=sleep,
                worker=worker,
                pacer=pacer,
                token=bot.token,
            )
            reports[bot.team_id] = nudges.run([bot.team_id], now)
        return reports

    return run


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    clock: Clock | None = None,
    session_factory: sessionmaker[Session] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    socket_mode: bool = False,
    background: Background | None = None,
    pacer: Pacer | None = None,
    installations: Installations | None = None,
) -> App:
    """The Bolt app with every listener registered. Over HTTP every request's signature is
    checked first (``SlackSignatureCheck``); Socket Mode has no HTTP requests to sign. What
    follows an answer runs on ``background`` (a thread pool unless the caller brings one).
    Every Web API call waits for its turn in ``pacer`` (the process's, unless the caller brings
    its own client: then only when it brings a pacer too).

    Installed by OAuth (``settings.installs_by_oauth``), each request is authorised with its
    workspace's bot token from ``installations`` (by default on the sessions' database)."""
    if not socket_mode and not settings.slack_signing_secret:
        raise SettingsError("SLACK_SIGNING_SECRET is not set.")
    if settings.installs_by_oauth and not socket_mode:
        return _create_oauth_app(
            settings,
            client=client,
            clock=clock,
            sessions=session_factory or open_database(settings),
            sleep=sleep,
            background=background,
            pacer=pacer,
            installations=installations,
        )
    if client is None:
        if not settings.slack_bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is not set.")
        pacer = pacer or _process_pacer(settings)
        client = make_client(
            settings.slack_bot_token, settings.slack_api_url, sleep=sleep, pacer=pacer
        )
    sessions = session_factory or open_database(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Ours replaces Bolt's check (handlers/verification.py says why), first in the chain.
        request_verification_enabled=False,
        before_authorize=SlackSignatureCheck(settings.slack_signing_secret or "socket-mode"),
        # Listeners run before the HTTP answer, so the answer carries the reply itself; they
        # touch only the database, and everything that calls Slack runs after the answer.
        process_before_response=True,
    )
    if pacer is not None:
        app.use(pace_listener_clients(pacer))
    rapport = Rapport(units_of_work(sessions), clock or SystemClock(), settings.admins)
    handlers.register(app, rapport, background or ThreadedBackground())
    return app


def installations_for(settings: Settings, sessions: sessionmaker[Session]) -> Installations:
    """The app's installations, in the database the sessions use."""
    assert settings.slack_client_id is not None
    bind = sessions.kw.get("bind")
    engine = bind if isinstance(bind, Engine) else create_database_engine(settings.database_url)
    return Installations(engine, settings.slack_client_id)


def _create_oauth_app(
    settings: Settings,
    *,
    client: WebClient | None,
    clock: Clock | None,
    sessions: sessionmaker[Session],
    sleep: Callable[[float], None],
    background: Background | None,
    pacer: Pacer | None,
    installations: Installations | None,
) -> App:
    """``create_app`` for many workspaces: Bolt's OAuth flow and installation store. The
    app's client has no token of its own; each request's comes from its installation."""
    assert settings.slack_client_id and settings.slack_client_secret
    if client is None:
        pacer = pacer or _process_pacer(settings)
        client = make_client(None, settings.slack_api_url, sleep=sleep, pacer=pacer)
    installed = installations or installations_for(settings, sessions)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=False,
        before_authorize=SlackSignatureCheck(settings.slack_signing_secret or ""),
        process_before_response=True,
        oauth_settings=oauth_settings(
            settings.slack_client_id, settings.slack_client_secret, installed
        ),
    )
    if pacer is not None:
        app.use(pace_listener_clients(pacer))
    units = units_of_work(sessions)
    rapport = Rapport(units, clock or SystemClock(), settings.admins)
    handlers.register(app, rapport, background or ThreadedBackground())
    installs.register(app, lambda revoked: installed.revoke(revoked, units, rapport.clock.now()))
    return app
