"""One Rapport for many workspaces (HTTP mode): each installed through Slack's OAuth flow,
its bot token kept in Rapport's own database by slack_sdk's SQLAlchemy installation store,
the flow's states by its state store (tables by Alembic: storage/installations.py).

An edge module like ``app_factory``: it joins slack_sdk, Bolt and storage. Token look-ups
and deletions run in the stores' own short transactions, never inside a unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.domain import Actor, Revocation
from bot.manifest import BOT_SCOPES
from bot.runtime import UnitOfWorkFactory
from bot.services import audit
from storage.installations import installed_teams

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# How long an installer has from /slack/install to Slack's redirect back (Bolt's default).
STATE_SECONDS = 600
# Who the audit trail names for what Slack did on its own (an uninstall, a revocation).
SLACK_ACTOR = "slack"


@dataclass(frozen=True, slots=True)
class WorkspaceBot:
    """An installed workspace and its bot token."""

    team_id: str
    enterprise_id: str | None
    token: str


class Installations:
    """The installations of one Slack app (``client_id``) in Rapport's database."""

    def __init__(self, engine: Engine, client_id: str) -> None:
        self.engine = engine
        self.client_id = client_id
        self.store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self.states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine)

    def bots(self) -> list[WorkspaceBot]:
        """Every installed workspace with its latest bot token, ordered by team id."""
        found = []
        for enterprise_id, team_id in installed_teams(self.engine, self.client_id):
            bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
            if bot is not None and bot.bot_token:
                found.append(WorkspaceBot(team_id, enterprise_id, bot.bot_token))
        return found

    def revoke(self, revocation: Revocation, units: UnitOfWorkFactory, now: datetime) -> None:
        """Forget the tokens Slack took back (the workspace's nudges stop with its bot
        token), then audit it; the workspace's CRM data stays. A retried event deletes
        nothing more and is audited once."""
        where = {"enterprise_id": revocation.enterprise_id, "team_id": revocation.team_id}
        if revocation.event == "app_uninstalled":
            self.store.delete_all(**where)
        else:
            for user_id in revocation.user_ids:
                self.store.delete_installation(**where, user_id=user_id)
            if revocation.bot:
                self.store.delete_bot(**where)
                self.store.delete_installation(**where)
        with units(revocation.team_id) as uow:
            uow.workspaces.get_or_create(now)
            once = revocation.event_id
            if once is not None and not uow.events.remember(once, now):
                return
            actor = Actor(team_id=revocation.team_id, user_id=SLACK_ACTOR)
            audit.record(
                uow,
                actor,
                now,
                revocation.event,
                entity="installation",
                entity_id=revocation.team_id,
                after=revocation,
            )
        logger.info(
            "tokens revoked",
            extra={
                "team_id": revocation.team_id,
                "event": revocation.event,
                "bot": revocation.bot,
                "users": len(revocation.user_ids),
            },
        )


def oauth_settings(
    client_id: str,
    client_secret: str,
    installations: Installations,
    *,
    scopes: Sequence[str] = tuple(sorted(BOT_SCOPES)),
) -> OAuthSettings:
    """Bolt's OAuth flow: ``GET /slack/install`` sets the state cookie and sends the
    installer to Slack; Slack sends them back to ``GET /slack/oauth_redirect``. The bot
    scopes of the manifest, no user scopes."""
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(scopes),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # Straight to Slack's consent page, rather than a page with a button to it.
        install_page_rendering_enabled=False,
        installation_store=installations.store,
        state_store=installations.states,
        state_expiration_seconds=STATE_SECONDS,
        logger=logging.getLogger("bot.installations.oauth"),
    )
    # Bolt's own, but remembering each token's auth.test: only a workspace's first request
    # asks Slack before its answer. A token deleted (uninstalled, revoked) is never found
    # again, so its remembered answer is never used; a reinstall brings a new token.
    settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("bot.installations.authorize"),
        installation_store=installations.store,
        client_id=client_id,
        client_secret=client_secret,
        cache_enabled=True,
    )
    return settings
