"""Slack's side of installing an app into many workspaces (OAuth v2), on a `FakeSlack`.

    oauth = FakeOAuth(fake, client_id="1.2", client_secret="s")
    oauth.add_team("T1", "Acme")
    query = oauth.approve(authorize_url, team_id="T1", user_id="UINSTALLER")
    # the app's redirect URL gets `query` (code and state); the app calls oauth.v2.access

`approve` stands for the installer's click on Slack's consent page: it checks the authorize
URL the app sent them to and hands out a code, good once, for that workspace.
`oauth.v2.access` swaps it (with the app's client id and secret) for the workspace's bot
token; `auth.test` answers for each token with its own workspace. Tokens of a workspace
that uninstalled the app (`uninstall`) answer `token_revoked`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bot.fakeslack.server import FakeSlack
from bot.fakeslack.webapi import ApiError

AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"


@dataclass(frozen=True, slots=True)
class FakeTeam:
    """A workspace the app can be installed into (in an Enterprise Grid org, or not)."""

    team_id: str
    name: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0001"

    @property
    def domain(self) -> str:
        return self.name.lower().replace(" ", "-")


@dataclass(frozen=True, slots=True)
class _Grant:
    team: FakeTeam
    user_id: str
    scopes: str
    redirect_uri: str | None


class FakeOAuth:
    """OAuth v2 on a running or not yet started `FakeSlack` (it answers two methods)."""

    def __init__(
        self, fake: FakeSlack, *, client_id: str, client_secret: str, app_id: str = "A0001"
    ) -> None:
        self.fake = fake
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_id = app_id
        self.teams: dict[str, FakeTeam] = {}
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, FakeTeam] = {}
        self._revoked: set[str] = set()
        self._numbers = itertools.count(1)
        fake.answer_method("oauth.v2.access", self._access)
        fake.answer_method("auth.test", self._auth_test)

    def add_team(
        self,
        team_id: str,
        name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        bot_user_id: str = "U0BOT",
    ) -> FakeTeam:
        team = FakeTeam(
            team_id,
            name,
            enterprise_id,
            enterprise_name,
            bot_user_id=bot_user_id,
            bot_id=f"B{team_id}",
        )
        self.teams[team_id] = team
        return team

    def approve(self, authorize_url: str, *, team_id: str, user_id: str) -> str:
        """The installer allows the app into ``team_id`` on the page ``authorize_url``
        opens: the query string Slack redirects back with (``code`` and ``state``).
        ValueError for a URL Slack would show an error page for."""
        parts = urlsplit(authorize_url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != AUTHORIZE_URL:
            raise ValueError(f"not Slack's authorize page: {authorize_url}")
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if query.get("client_id") != self.client_id:
            raise ValueError(f"unknown client_id {query.get('client_id')!r}")
        if not query.get("scope"):
            raise ValueError("no bot scopes asked for")
        team = self.teams[team_id]
        code = f"{team_id}.{next(self._numbers)}.code"
        self._codes[code] = _Grant(team, user_id, query["scope"], query.get("redirect_uri"))
        return urlencode({"code": code, "state": query.get("state", "")})

    def token_of(self, team_id: str) -> str:
        """The bot token the workspace's installation was given last."""
        tokens = [token for token, team in self._tokens.items() if team.team_id == team_id]
        if not tokens:
            raise LookupError(f"{team_id} has not installed the app")
        return tokens[-1]

    def uninstall(self, team_id: str) -> None:
        """The workspace removed the app: its tokens stop working."""
        self._revoked |= {t for t, team in self._tokens.items() if team.team_id == team_id}

    # -- methods (called under the fake's lock) -----------------------------------------

    def _access(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if args.get("client_id") != self.client_id:
            raise ApiError("invalid_client_id")
        if args.get("client_secret") != self.client_secret:
            raise ApiError("bad_client_secret")
        grant = self._codes.pop(str(args.get("code") or ""), None)
        if grant is None:
            raise ApiError("invalid_code")
        if grant.redirect_uri is not None and args.get("redirect_uri") != grant.redirect_uri:
            raise ApiError("bad_redirect_uri")
        team = grant.team
        issued = f"xoxb-{team.team_id}-{next(self._numbers)}"
        self._tokens[issued] = team
        enterprise = (
            {"id": team.enterprise_id, "name": team.enterprise_name or team.enterprise_id}
            if team.enterprise_id
            else None
        )
        return {
            "access_token": issued,
            "token_type": "bot",
            "scope": grant.scopes,
            "bot_user_id": team.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team.team_id, "name": team.name},
            "enterprise": enterprise,
            "authed_user": {"id": grant.user_id},
            "is_enterprise_install": False,
        }

    def _auth_test(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token in self._revoked:
            raise ApiError("token_revoked")
        team = self._tokens.get(token or "")
        if team is None:  # the fake's own workspace's token (single-workspace tests)
            ws = self.fake.workspace
            return {
                "url": ws.url,
                "team": ws.team_name,
                "user": ws.users[ws.bot_user_id].name,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "bot_id": ws.bot_id,
                "is_enterprise_install": False,
            }
        answer = {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "rapport",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }
        if team.enterprise_id:
            answer["enterprise_id"] = team.enterprise_id
        return answer
