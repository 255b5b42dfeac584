"""The console's Slack: the real Bolt app, its WebClient pointed at an in-process FakeSlack.

Every line the user types becomes a request signed the way Slack signs it
(``bot.fakeslack.requests``) and goes through ``app.dispatch``, exactly as a request from
Slack would. The app answers in the HTTP body (slash commands, options, view submissions)
or by calling the Web API (DMs, updates, modals, the Home tab); the fake records those calls
and tells this session, which hands both back as an ``Outcome`` for the shell to print.
"""

from __future__ import annotations

import json
import os
import queue
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_app, open_database
from bot.background import DeferredBackground
from bot.clock import Clock, SystemClock
from bot.dates import is_known_zone
from bot.fakeslack import Call, FakeSlack, FakeUser, Workspace
from bot.fakeslack import requests as slack
from bot.fakeslack.requests import SignedRequest
from bot.settings import Settings
from handlers.client import make_client
from handlers.directory import SlackDirectory
from storage.unit_of_work import unit_of_work

BOT_TOKEN = "xoxb-console"
TEAM_NAME = "Rapport Console"
COMMAND_CHANNEL = "C0001"  # where slash commands are typed (#general)
DEFAULT_USER_ID = "UYOU"
DEFAULT_USER_NAME = "you"
TEAMMATES = (
    ("UALICE", "alice", "Alice Adams", "Europe/Berlin"),
    ("UBOB", "bob", "Bob Brown", "America/New_York"),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,20}$")
_MENTION = re.compile(r"(?<![\w@<])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
# Markup typed by hand in the console, kept as Slack's client would have made it: mentions,
# channels, links. Everything else of ``< > &`` is text, escaped as Slack escapes it.
_MARKUP = re.compile(r"(<(?:[@#][A-Z0-9]+|https?://|mailto:)[^<>\s]*(?:\|[^<>]*)?>)")
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def local_zone_name(
    environ: Mapping[str, str] | None = None,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> str:
    """This machine's IANA zone (``$TZ``, the /etc/localtime link, /etc/timezone), else UTC."""
    env = os.environ if environ is None else environ
    candidates = [env.get("TZ", "").lstrip(":")]
    try:
        target = str(localtime.readlink()) if localtime.is_symlink() else ""
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    with suppress(OSError):
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and is_known_zone(name):
            return name
    return "UTC"


def console_workspace(zone: str) -> Workspace:
    """The fake team: you (an admin of the bot, in ``zone``) and two teammates in offices of
    their own, so nudges and dates show how zones play out."""
    workspace = Workspace(team_id=slack.TEAM, team_name=TEAM_NAME, domain="rapport-console")
    workspace.add_user(DEFAULT_USER_ID, DEFAULT_USER_NAME, real_name="You", tz=zone)
    for user_id, name, real_name, teammate_zone in TEAMMATES:
        workspace.add_user(user_id, name, real_name=real_name, tz=teammate_zone)
    return workspace


class UnknownZone(ValueError):
    """A zone name the tz database does not know."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request did: the app's HTTP answer and the Web API calls it made meanwhile."""

    status: int
    body: dict[str, Any]
    calls: tuple[Call, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    """An option of a select menu: what it shows and what it sends."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where a message with buttons lives, so a click can name it as Slack would."""

    kind: str  # "reply" (a slash command's ephemeral answer), "message" (posted), "home"
    blocks: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    channel: str = COMMAND_CHANNEL
    ts: str = ""


class ConsoleSession:
    """One user at a time talks to the app; ``as_user`` switches who."""

    def __init__(
        self,
        app: App,
        fake: FakeSlack,
        client: WebClient,
        sessions: sessionmaker[Session],
        clock: Clock,
        background: DeferredBackground,
    ) -> None:
        self.app = app
        self.background = background
        self.fake = fake
        self.client = client
        self.sessions = sessions
        self.clock = clock
        self.user = fake.workspace.users[DEFAULT_USER_ID]
        self.default_zone = self.user.tz  # newcomers join in this machine's zone
        self._calls: queue.SimpleQueue[Call] = queue.SimpleQueue()
        self._unsubscribe = fake.subscribe(self._calls.put)
        self._reply_ts = 0

    @classmethod
    @contextmanager
    def open(
        cls, database_url: str, *, clock: Clock | None = None, zone: str | None = None
    ) -> Iterator[ConsoleSession]:
        """Start the fake, build the app on ``database_url`` (SQLite is migrated), and stop
        everything afterwards."""
        ticking = clock or SystemClock()
        workspace = console_workspace(zone or local_zone_name())
        with FakeSlack(workspace, clock=ticking.now, accepted_tokens={BOT_TOKEN}) as fake:
            settings = Settings(
                database_url=database_url,
                slack_bot_token=BOT_TOKEN,
                slack_signing_secret=slack.SECRET,
                slack_api_url=fake.api_url,
                admins=frozenset({DEFAULT_USER_ID}),
            )
            sessions = open_database(settings)
            client = make_client(BOT_TOKEN, fake.api_url)
            background = DeferredBackground()
            app = create_app(
                settings,
                client=client,
                clock=ticking,
                session_factory=sessions,
                background=background,
            )
            session = cls(app, fake, client, sessions, ticking, background)
            # You are known from the first line on (Slack would tell the app your zone); the
            # teammates only once the app has met them.
            session.refresh_profiles([DEFAULT_USER_ID], known_only=False)
            session.refresh_profiles([u.id for u in session.members()], known_only=True)
            try:
                yield session
            finally:
                session.close()

    def close(self) -> None:
        self._unsubscribe()
        engine = self.sessions.kw.get("bind")
        if isinstance(engine, Engine):
            engine.dispose()

    # -- people --------------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """User id → name, for showing mentions as @name."""
        return {user.id: user.name for user in self.fake.workspace.users.values()}

    def members(self) -> list[FakeUser]:
        return [u for u in self.fake.workspace.users.values() if not u.is_bot and not u.deleted]

    def find_user(self, reference: str) -> FakeUser | None:
        """``@bob``, ``bob``, ``<@UBOB>`` or ``UBOB``."""
        wanted = reference.strip().removeprefix("<").removesuffix(">").lstrip("@")
        wanted = wanted.partition("|")[0]
        for user in self.members():
            if wanted.lower() in (user.name.lower(), user.id.lower()):
                return user
        return None

    def as_user(self, reference: str) -> tuple[FakeUser, bool]:
        """Act as this member, adding them to the workspace if the name is new."""
        found = self.find_user(reference)
        if found is not None:
            self.user = found
            return found, False
        name = reference.strip().lstrip("@").lower()
        if not _NAME.match(name):
            raise ValueError(f"“{reference.strip()}” is not a user name (letters and digits)")
        user_id = "U" + re.sub(r"[^A-Z0-9]", "", name.upper())
        while user_id in self.fake.workspace.users:
            user_id += "X"
        self.user = self.fake.add_user(user_id, name, tz=self.default_zone)
        return self.user, True

    def set_zone(self, zone: str) -> str | None:
        """Move the current user to ``zone`` in the fake workspace and refresh the profile the
        app keeps for a day (as if the day had passed); returns their `/crm settings timezone`
        if one is set, since that still wins over Slack's zone."""
        if not is_known_zone(zone):
            raise UnknownZone(zone)
        user = self.user
        self.user = self.fake.add_user(
            user.id,
            user.name,
            real_name=user.real_name,
            email=user.email,
            tz=zone,
            is_admin=user.is_admin,
        )
        self.refresh_profiles([user.id], known_only=False)
        with unit_of_work(self.sessions, slack.TEAM) as work:
            preferences = work.users.preferences(user.id)
        return preferences.timezone if preferences else None

    def refresh_profiles(self, user_ids: Sequence[str], *, known_only: bool) -> None:
        """Fetch these users from the fake (users.info) into the app's profile cache, which
        would otherwise keep an older answer for a day. The fake workspace is rebuilt at each
        start, so the console refreshes the profiles the app already knows, and nobody else."""
        now = self.clock.now()
        directory = SlackDirectory(self.client)
        with unit_of_work(self.sessions, slack.TEAM) as work:
            work.workspaces.get_or_create(now)
            wanted = [
                user_id
                for user_id in user_ids
                if not known_only or work.users.cached_profile(user_id, _EPOCH) is not None
            ]
        fetched = [p for user_id in wanted if (p := directory.profile(user_id)) is not None]
        with unit_of_work(self.sessions, slack.TEAM) as work:
            for profile in fetched:
                work.users.save_profile(profile, now)
        self.take_calls()  # these users.info calls are the console's, not the app's

    def as_sent(self, text: str) -> str:
        """A line as Slack's client sends what was typed: ``&``, ``<`` and ``>`` escaped
        (``AT&T`` arrives as ``AT&amp;T``), markup typed by hand kept, ``@bob`` a mention."""
        pieces = _MARKUP.split(text)
        # re.split with one group: the markup is at the odd indexes.
        sent = "".join(
            piece if i % 2 else piece.translate(_SLACK_ESCAPES) for i, piece in enumerate(pieces)
        )
        return self.with_mentions(sent)

    def with_mentions(self, text: str) -> str:
        """``@bob`` as Slack's client sends a picked mention: ``<@UBOB>``."""

        def replace(found: re.Match[str]) -> str:
            user = self.find_user(found[1])
            return f"<@{user.id}>" if user else found[0]

        return _MENTION.sub(replace, text)

    # -- requests ------------------------------------------------------------------------

    def command(self, text: str) -> Outcome:
        """``/crm <text>``; the answer is the HTTP body."""
        url = self.fake.response_url(channel_id=COMMAND_CHANNEL, user_id=self.user.id)
        return self._send(
            slack.command(
                self.as_sent(text),
                user=self.user.id,
                channel=COMMAND_CHANNEL,
                response_url=url,
            )
        )

    def direct_message(self, text: str) -> Outcome:
        """A DM to the bot; it answers with chat.postMessage."""
        return self._send(
            slack.direct_message(self.as_sent(text), user=self.user.id, channel=self.dm_channel())
        )

    def dm_channel(self) -> str:
        return "D" + self.user.id

    def open_home(self) -> Outcome:
        return self._send(slack.home_opened(user=self.user.id))

    def global_shortcut(self) -> Outcome:
        return self._send(slack.global_shortcut(user=self.user.id))

    def click(self, where: MessageRef, action_id: str, value: str, block_id: str) -> Outcome:
        """Press a button of a message or the Home tab."""
        if where.kind == "home":
            request = slack.button(
                action_id, value, user=self.user.id, block_id=block_id, in_home=True
            )
        else:
            message = {"ts": where.ts, "text": where.text, "blocks": where.blocks}
            url = self.fake.response_url(
                channel_id=where.channel,
                user_id=self.user.id,
                message_ts=None if where.kind == "reply" else where.ts,
            )
            request = slack.button(
                action_id,
                value,
                user=self.user.id,
                block_id=block_id,
                message=message,
                channel=where.channel,
                ephemeral=where.kind == "reply",
                response_url=url,
            )
        return self._send(request)

    def options(self, action_id: str, query: str) -> list[Choice]:
        """The choices an external select offers for ``query``."""
        body = self._send(slack.options(action_id, query, user=self.user.id)).body
        found = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            found += group.get("options") or []
        return [
            Choice(str(o.get("text", {}).get("text", "")), str(o.get("value", ""))) for o in found
        ]

    def submit(self, view: Mapping[str, Any], values: dict[str, Any]) -> Outcome:
        """A view_submission with ``values`` in Slack's ``view.state.values`` shape."""
        return self._send(
            slack.view_submission(
                values,
                private_metadata=str(view.get("private_metadata") or ""),
                user=self.user.id,
                callback_id=str(view.get("callback_id") or ""),
            )
        )

    def next_reply_ts(self) -> str:
        """A ts for a slash command's ephemeral answer (Slack gives those one too)."""
        self._reply_ts += 1
        return f"{int(self.clock.now().timestamp())}.{self._reply_ts:06d}"

    def take_calls(self) -> list[Call]:
        """The Web API calls recorded since last asked."""
        taken: list[Call] = []
        while True:
            try:
                taken.append(self._calls.get_nowait())
            except queue.Empty:
                return taken

    def _send(self, request: SignedRequest) -> Outcome:
        # The answer comes back from dispatch; what the app does after answering (posts,
        # the Home tab, profile look-ups) runs next, so its calls are all recorded here too.
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        response = self.app.dispatch(BoltRequest(body=request.body, headers=headers))
        self.background.run_pending()
        body: dict[str, Any] = {}
        if response.body and response.body.lstrip().startswith("{"):
            decoded = json.loads(response.body)
            body = decoded if isinstance(decoded, dict) else {}
        return Outcome(response.status, body, tuple(self.take_calls()))
