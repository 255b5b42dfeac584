"""Slack takes a workspace's tokens back: ``app_uninstalled`` (all of them) and
``tokens_revoked`` (the bot's, or some users'). Installed by OAuth only; Bolt lets these
two events through without a token (there is none left to check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.domain import Revocation


def register(app: App, revoke: Callable[[Revocation], None]) -> None:
    @app.event("app_uninstalled")
    def on_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
        revoke(_revocation("app_uninstalled", body, context, bot=True))

    @app.event("tokens_revoked")
    def on_tokens_revoked(
        body: dict[str, Any], event: dict[str, Any], context: BoltContext
    ) -> None:
        tokens = event.get("tokens") or {}
        users = tuple(str(user) for user in tokens.get("oauth") or ())
        revoke(
            _revocation("tokens_revoked", body, context, bot=bool(tokens.get("bot")), users=users)
        )


def _revocation(
    kind: str, body: dict[str, Any], context: BoltContext, *, bot: bool, users: tuple[str, ...] = ()
) -> Revocation:
    team_id = context.team_id or str(body.get("team_id") or "")
    event_id = body.get("event_id")
    return Revocation(
        event=kind,
        team_id=team_id,
        enterprise_id=context.enterprise_id,
        bot=bot,
        user_ids=users,
        event_id=str(event_id) if event_id else None,
    )
