"""The Slack app manifest: everything Slack needs to know to create the app.

Scopes are the least this app uses, each with the methods that need it.
"""

from __future__ import annotations

from typing import Any

from bot.render import ids

BOT_SCOPES = {
    "app_mentions:read": "app_mention events",
    "channels:join": "conversations.join: the escalation channel, when the bot is not in it",
    "chat:write": "chat.postMessage, chat.postEphemeral, chat.update",
    "commands": "the /crm command and the shortcuts",
    "im:history": "message.im events: commands sent in a DM",
    "im:write": "conversations.open for a DM to a user",
    "users:read": "users.info and user_change events: each person's time zone",
    "users:read.email": "users.lookupByEmail: import owners given as e-mails",
}
# user_change: a changed profile (a new zone, a deactivation) refreshes the cached one.
BOT_EVENTS = ("app_home_opened", "app_mention", "message.im", "user_change")

# Where HTTP mode serves Slack: every request (handlers.web), and the end of an install's
# OAuth flow (Bolt's default redirect path; the flow starts at /slack/install).
EVENTS_PATH = "/slack/events"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


def public_base(url: str) -> str:
    """The app's public address without a trailing slash: ``https://host[/prefix]`` as
    given, or taken from its Request URL (``…/slack/events``, what `--url` used to want)."""
    base = url.rstrip("/")
    return base.removesuffix(EVENTS_PATH)


def manifest(public_url: str | None = None) -> dict[str, Any]:
    """The manifest for Socket Mode, or for HTTP mode when ``public_url`` is given.

    HTTP mode is also the mode for installing into many workspaces, so its manifest names
    the OAuth redirect URL. The rest of what distribution needs is not in Slack's manifest
    schema: public distribution is switched on in the app's settings (Manage Distribution).
    Org-wide deployment on Enterprise Grid (``org_deploy_enabled``) stays off: each
    workspace of an org installs Rapport on its own, and its data stays its own."""
    command: dict[str, Any] = {
        "command": "/crm",
        "description": "Log touches, follow-ups and renewals; ask who owns what",
        "usage_hint": "log call with Acme: … · show Acme · mine · help",
        "should_escape": True,  # users arrive as <@U…>, channels as <#C…>
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    oauth: dict[str, Any] = {}
    if public_url:
        base = public_base(public_url)
        request_url = base + EVENTS_PATH
        oauth["redirect_urls"] = [base + OAUTH_REDIRECT_PATH]
        command["url"] = request_url
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
        interactivity["message_menu_options_url"] = request_url
    return {
        "display_information": {
            "name": "Rapport",
            "description": "Relationship management in Slack: no follow-up slips, "
            "no renewal surprises.",
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Rapport", "always_online": True},
            "slash_commands": [command],
            "shortcuts": [
                {
                    "name": "Log to Rapport",
                    "type": "message",
                    "callback_id": ids.MESSAGE_SHORTCUT,
                    "description": "Log this message as a touch with an account",
                },
                {
                    "name": "Log an interaction",
                    "type": "global",
                    "callback_id": ids.GLOBAL_SHORTCUT,
                    "description": "Log a call, meeting or note with an account",
                },
            ],
        },
        "oauth_config": oauth | {"scopes": {"bot": sorted(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": not public_url,
            "token_rotation_enabled": False,
        },
    }
