"""One Rapport, many workspaces: each installed through the real OAuth redirect flow (the
WSGI app as gunicorn serves it, the fake Slack's consent page and ``oauth.v2.access``),
each request authorised with its own workspace's token, and no workspace seeing another's.

A database of the test's own that really commits: the installation and state stores write
in their own transactions, as in production.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from app import main as app_main
from bot.app_factory import create_app, nudge_installed_workspaces
from bot.background import DeferredBackground
from bot.clock import FixedClock
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.oauth import AUTHORIZE_URL, FakeOAuth
from bot.fakeslack.requests import SECRET
from bot.manifest import BOT_SCOPES
from bot.settings import Settings
from handlers.client import make_client
from handlers.web import WsgiApp, wsgi_app
from storage import migrate
from storage.database import create_database_engine
from storage.installations import slack_bots, slack_installations
from storage.models import AuditEventRow
from tests.conftest import BACKENDS
from tests.integration.conftest import Harness
from tests.scenario.conftest import NOW, Slack, slack_workspace

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret"
COOKIE = "slack-app-oauth-state"


@dataclass
class Page:
    status: int
    headers: dict[str, str]  # by lower-case name
    body: str


def browse(served: WsgiApp, path: str, *, query: str = "", cookie: str | None = None) -> Page:
    """A browser's GET to the app, as gunicorn hands it over."""
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(REQUEST_METHOD="GET", PATH_INFO=path, QUERY_STRING=query)
    if cookie is not None:
        environ["HTTP_COOKIE"] = cookie
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answered["status"] = int(status.split()[0])
        answered["headers"] = {name.lower(): value for name, value in headers}

    body = b"".join(served(environ, start_response)).decode()
    return Page(answered["status"], answered["headers"], body)


@dataclass
class World:
    fake: FakeSlack
    oauth: FakeOAuth
    served: WsgiApp
    slack: Slack
    engine: Engine
    db: Harness
    settings: Settings
    sessions: sessionmaker[Session]

    def install(self, team_id: str, *, user_id: str = "UINSTALLER") -> Page:
        """An installer's whole trip: the app's install link, Slack's consent page, back."""
        started = browse(self.served, "/slack/install")
        assert started.status == 302, started
        location = started.headers["location"]
        cookie = started.headers["set-cookie"].split(";", 1)[0]
        back = self.oauth.approve(location, team_id=team_id, user_id=user_id)
        return browse(self.served, "/slack/oauth_redirect", query=back, cookie=cookie)

    def tokens_of(self, method: str) -> list[str | None]:
        return [call.token for call in self.fake.calls_to(method)]

    def command(self, text: str, *, team: str, user: str, **kwargs: Any) -> str:
        url = self.fake.response_url(channel_id="C0001", user_id=user)
        request = r.command(text, team=team, user=user, response_url=url, **kwargs)
        return json.dumps(self.slack.answer(request))


@pytest.fixture(params=BACKENDS)
def world(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[World]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    engine = create_database_engine(url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    workspace = slack_workspace()
    workspace.add_user("UCAROL", "carol", email="carol@beta.example", tz="Europe/Paris")
    workspace.add_user("UDAN", "dan", email="dan@grid.example", tz="Asia/Tokyo")
    with FakeSlack(workspace, clock=lambda: NOW) as fake:
        oauth = FakeOAuth(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        oauth.add_team("T1", "Acme")
        oauth.add_team("T2", "Beta")
        oauth.add_team("T3", "Grid Sales", enterprise_id="E1", enterprise_name="Grid Corp")
        settings = Settings(
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
            slack_pacing=False,  # pacing has tests of its own; these post a few messages
        )
        background = DeferredBackground()
        app = create_app(
            settings,
            client=make_client(None, fake.api_url, sleep=lambda _: None),
            clock=FixedClock(NOW),
            session_factory=sessions,
            background=background,
        )
        served = wsgi_app(app, SECRET, lambda: True)
        slack = Slack(app, fake, background)
        yield World(fake, oauth, served, slack, engine, Harness(sessions), settings, sessions)
        assert fake.violations == [], fake.violations
    engine.dispose()


def test_install_sends_the_installer_to_slack_with_a_state_in_a_cookie(world: World) -> None:
    started = browse(world.served, "/slack/install")
    assert started.status == 302
    location = urlsplit(started.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["scope"].split(",") == sorted(BOT_SCOPES)
    assert not query.get("user_scope")  # no user scopes
    assert started.headers["set-cookie"].startswith(f"{COOKIE}={query['state']};")


def test_two_workspaces_installed_each_request_uses_its_own_token_and_sees_its_own_data(
    world: World,
) -> None:
    assert world.install("T1").status == 200
    assert world.install("T2", user_id="UCAROL").status == 200
    t1, t2 = world.oauth.token_of("T1"), world.oauth.token_of("T2")
    assert t1 != t2
    # oauth.v2.access with the app's credentials (no token), auth.test with each new token
    assert world.tokens_of("oauth.v2.access") == [None, None]
    assert world.tokens_of("auth.test") == [t1, t2]

    world.fake.clear_calls()
    assert "Acme Corp" in world.command("add Acme Corp", team="T1", user="UALICE")
    assert "Acme Corp" in world.command("show Acme Corp", team="T1", user="UALICE")
    assert world.tokens_of("auth.test") == [t1]  # the first request only: then remembered
    assert set(world.tokens_of("users.info")) == {t1}  # a newcomer's zone, asked with T1's

    world.fake.clear_calls()
    assert "don't know" in world.command("show Acme Corp", team="T2", user="UCAROL")
    assert "Beta Ltd" in world.command("add Beta Ltd", team="T2", user="UCAROL")
    assert world.tokens_of("auth.test") == [t2]
    assert set(world.tokens_of("users.info")) == {t2}
    assert world.db.read("T1", lambda w: w.accounts.names()) == ["Acme Corp"]
    assert world.db.read("T2", lambda w: w.accounts.names()) == ["Beta Ltd"]

    with world.engine.connect() as connection:
        rows = connection.execute(
            select(slack_installations.c.team_id, slack_installations.c.user_id).order_by(
                slack_installations.c.team_id
            )
        ).all()
    assert [tuple(row) for row in rows] == [("T1", "UINSTALLER"), ("T2", "UCAROL")]


def test_a_workspace_of_an_enterprise_grid_org_is_kept_with_its_org(world: World) -> None:
    assert world.install("T3").status == 200
    with world.engine.connect() as connection:
        stored = connection.execute(
            select(slack_bots.c.enterprise_id, slack_bots.c.team_id, slack_bots.c.bot_token)
        ).one()
    assert tuple(stored) == ("E1", "T3", world.oauth.token_of("T3"))
    world.fake.clear_calls()
    answer = world.command("add Grid Deal", team="T3", user="UDAN", enterprise="E1")
    assert "Grid Deal" in answer
    assert set(world.tokens_of("auth.test")) == {world.oauth.token_of("T3")}
    # The same team id without its org is another installation: none.
    assert "reinstall" in world.command("help", team="T3", user="UDAN")


def test_a_workspace_that_never_installed_is_not_served(world: World) -> None:
    world.install("T1")
    world.fake.clear_calls()
    answer = world.command("add Acme Corp", team="T9", user="UALICE")
    assert "reinstall" in answer  # Bolt's answer, through the response URL
    assert [call.method for call in world.fake.calls] == ["response_url"]  # no Web API call
    assert world.db.read("T9", lambda w: w.accounts.names()) == []


def test_no_installation_without_the_browsers_state(world: World) -> None:
    started = browse(world.served, "/slack/install")
    cookie = started.headers["set-cookie"].split(";", 1)[0]
    back = world.oauth.approve(started.headers["location"], team_id="T1", user_id="UALICE")
    # Another browser (no cookie) coming back with the code installs nothing.
    assert browse(world.served, "/slack/oauth_redirect", query=back).status == 400
    # The right browser, once; the state is used up after that.
    assert browse(world.served, "/slack/oauth_redirect", query=back, cookie=cookie).status == 200
    again = world.oauth.approve(started.headers["location"], team_id="T2", user_id="UALICE")
    assert browse(world.served, "/slack/oauth_redirect", query=again, cookie=cookie).status == 401
    with world.engine.connect() as connection:
        teams = connection.execute(select(slack_bots.c.team_id)).scalars().all()
    assert teams == ["T1"]


def _installed(world: World) -> list[str]:
    with world.engine.connect() as connection:
        bots = connection.execute(select(slack_bots.c.team_id)).scalars().all()
        installs = connection.execute(select(slack_installations.c.team_id)).scalars().all()
    return sorted(set(bots) | set(installs))


def _audited(world: World, team_id: str) -> list[tuple[str, str, str | None]]:
    rows = select(AuditEventRow.actor, AuditEventRow.action, AuditEventRow.entity_id).where(
        AuditEventRow.team_id == team_id, AuditEventRow.entity == "installation"
    )
    with world.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(rows)]  # type: ignore[misc]


def test_an_uninstall_forgets_that_workspaces_tokens_once_audited_and_keeps_its_data(
    world: World,
) -> None:
    world.install("T1")
    world.install("T2", user_id="UCAROL")
    world.command("add Beta Ltd", team="T2", user="UCAROL")
    uninstalled = r.app_uninstalled(team="T2", event_id="EvUNINSTALL")
    assert world.slack.send(uninstalled).status == 200
    assert world.slack.send(r.app_uninstalled(team="T2", event_id="EvUNINSTALL")).status == 200
    assert _installed(world) == ["T1"]
    assert _audited(world, "T2") == [("slack", "app_uninstalled", "T2")]  # once
    assert world.db.read("T2", lambda w: w.accounts.names()) == ["Beta Ltd"]  # data stays
    assert "reinstall" in world.command("show Beta Ltd", team="T2", user="UCAROL")
    assert "Acme" in world.command("add Acme", team="T1", user="UALICE")  # T1 goes on


def test_a_revoked_bot_token_is_forgotten_and_a_users_alone_leaves_the_bot(world: World) -> None:
    world.install("T1")
    world.install("T2", user_id="UCAROL")
    world.slack.send(r.tokens_revoked(bot=False, users=("UCAROL",), team="T2"))
    assert _installed(world) == ["T1", "T2"]  # no user tokens were kept: the bot's stays
    world.slack.send(r.tokens_revoked(bot=True, team="T1"))
    assert _installed(world) == ["T2"]
    assert _audited(world, "T1") == [("slack", "tokens_revoked", "T1")]
    assert "reinstall" in world.command("help", team="T1", user="UALICE")


def test_the_scheduler_nudges_each_installed_workspace_with_its_own_token(world: World) -> None:
    world.install("T1")
    world.install("T2", user_id="UCAROL")
    for team, user, account in (("T1", "UALICE", "Acme Corp"), ("T2", "UCAROL", "Beta Ltd")):
        world.command(f"add {account}", team=team, user=user)
        world.command(f"follow up {account} tomorrow: call", team=team, user=user)
    t1, t2 = world.oauth.token_of("T1"), world.oauth.token_of("T2")

    wall = FixedClock(NOW)
    # One for the process, as the scheduler keeps it: each pass looks the tokens up afresh.
    run = nudge_installed_workspaces(world.settings, world.sessions, wall=wall, worker="test")

    def nudge_pass(days: int) -> dict[str, int]:
        wall.advance(NOW + timedelta(days=days, minutes=5) - wall.now())
        world.fake.clear_calls()
        return {team: report.messages for team, report in run(wall.now()).items()}

    assert nudge_pass(2) == {"T1": 1, "T2": 1}
    posted = {call.args["channel"]: call.token for call in world.fake.calls_to("chat.postMessage")}
    assert posted == {"UALICE": t1, "UCAROL": t2}
    assert {call.token for call in world.fake.calls} <= {t1, t2}

    world.slack.send(r.app_uninstalled(team="T2"))
    # T2's data stays (its follow-up still overdue); T2 is not nudged, T1 still is.
    assert world.db.read("T2", lambda w: w.accounts.names()) == ["Beta Ltd"]
    assert nudge_pass(9) == {"T1": 1}
    assert {call.token for call in world.fake.calls} == {t1}


def test_the_nudge_command_nudges_an_installed_workspace_with_its_own_token(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.install("T1")
    world.install("T2", user_id="UCAROL")
    for team, user, account in (("T1", "UALICE", "Acme Corp"), ("T2", "UCAROL", "Beta Ltd")):
        world.command(f"add {account}", team=team, user=user)
        world.command(f"follow up {account} tomorrow: call", team=team, user=user)
    environment = {
        "DATABASE_URL": world.engine.url.render_as_string(hide_password=False),
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": world.fake.api_url,
        "RAPPORT_SLACK_PACING": "off",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    world.fake.clear_calls()
    out = io.StringIO()
    later = (NOW + timedelta(days=2, minutes=5)).isoformat()
    assert app_main(["nudge", "--team", "T2", "--now", later], out=out) == 0
    assert "sent 1 messages" in out.getvalue()
    posted = world.fake.calls_to("chat.postMessage")
    assert [(call.args["channel"], call.token) for call in posted] == [
        ("UCAROL", world.oauth.token_of("T2"))
    ]
