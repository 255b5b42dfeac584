"""Configuration from the environment (and a `.env` file), checked once at start-up.

A missing or malformed setting is one clear line naming it; the command line turns it into
exit code 2.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

DEFAULT_DATABASE_URL = "sqlite:///rapport.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


T = TypeVar("T", int, None)


class SettingsError(Exception):
    """One setting is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    # HTTP mode for many workspaces (README: Run it for many workspaces): installed through
    # Slack's OAuth flow, each workspace's bot token kept in the database.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int | None = None  # HTTP mode defaults to 3000; Socket Mode serves /healthz only if set
    web_concurrency: int = 1
    nudge_interval_seconds: int = 60
    admins: frozenset[str] = field(default_factory=frozenset)
    log_level: str = "INFO"
    # Off in production: `make bench` turns it on so that the served process also answers the
    # benchmark's floors (handlers/floors.py) and every figure comes from one process.
    bench_floors: bool = False
    # Web API calls wait their turn within Slack's rate limits (bot/pacing.py). Off only
    # against a Slack without limits: the benchmark's fake, measuring the app's own speed.
    slack_pacing: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], dotenv: Mapping[str, str | None] | None = None
    ) -> Settings:
        """Read settings; the process environment wins over the `.env` file."""
        values = {k: v for k, v in (dotenv or {}).items() if v is not None} | dict(environ)

        def text(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        return cls(
            database_url=text("DATABASE_URL") or DEFAULT_DATABASE_URL,
            slack_bot_token=text("SLACK_BOT_TOKEN"),
            slack_signing_secret=text("SLACK_SIGNING_SECRET"),
            slack_app_token=text("SLACK_APP_TOKEN"),
            slack_client_id=text("SLACK_CLIENT_ID"),
            slack_client_secret=text("SLACK_CLIENT_SECRET"),
            slack_api_url=_api_url(text("SLACK_API_URL")),
            port=_integer("PORT", text("PORT"), None, low=1, high=65535),
            web_concurrency=_integer("WEB_CONCURRENCY", text("WEB_CONCURRENCY"), 1, low=1, high=64),
            nudge_interval_seconds=_integer(
                "RAPPORT_NUDGE_INTERVAL", text("RAPPORT_NUDGE_INTERVAL"), 60, low=1, high=86400
            ),
            admins=_admins(text("RAPPORT_ADMINS")),
            log_level=_log_level(text("LOG_LEVEL")),
            bench_floors=_switch("RAPPORT_BENCH_FLOORS", text("RAPPORT_BENCH_FLOORS")),
            slack_pacing=_switch("RAPPORT_SLACK_PACING", text("RAPPORT_SLACK_PACING") or "on"),
        )

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    @property
    def installs_by_oauth(self) -> bool:
        """Many workspaces, each installed through Slack's OAuth flow (HTTP mode): the app's
        client id and secret are set and no single bot token is."""
        return bool(
            self.slack_client_id
            and self.slack_client_secret
            and not self.slack_bot_token
            and not self.slack_app_token
        )

    def missing_for_run(self) -> list[str]:
        """The settings `run` needs and does not have: Socket Mode needs the bot and app
        tokens; HTTP mode the bot token (or, installed by OAuth, the client id and secret)
        and the signing secret."""
        if self.installs_by_oauth or (
            (self.slack_client_id or self.slack_client_secret)
            and not (self.slack_bot_token or self.slack_app_token)
        ):  # many workspaces, or half set up for them: say what the OAuth mode lacks
            needed = {
                "SLACK_CLIENT_ID": self.slack_client_id,
                "SLACK_CLIENT_SECRET": self.slack_client_secret,
                "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            }
            return [name for name, value in needed.items() if not value]
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if self.slack_app_token:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if not value]


def read_dotenv(directory: Path) -> dict[str, str | None]:
    """The `.env` file in ``directory``, if there is one."""
    path = directory / ".env"
    return dict(dotenv_values(path)) if path.is_file() else {}


def _integer(name: str, raw: str | None, default: T, *, low: int, high: int) -> int | T:
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not “{raw}”.")
    return int(raw)


def _switch(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    value = raw.casefold()
    if value not in ("1", "on", "true", "yes", "0", "off", "false", "no"):
        raise SettingsError(f"{name} must be on or off, not “{raw}”.")
    return value in ("1", "on", "true", "yes")


def _api_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_SLACK_API_URL
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL, not “{raw}”.")
    return raw if raw.endswith("/") else raw + "/"


def _admins(raw: str | None) -> frozenset[str]:
    if raw is None:
        return frozenset()
    ids = [part.strip() for part in re.split(r"[,\s]+", raw) if part.strip()]
    bad = [i for i in ids if not _USER_ID.match(i)]
    if bad:
        raise SettingsError(
            f"RAPPORT_ADMINS must list Slack user ids like U012ABCDEF, not “{', '.join(bad)}”."
        )
    return frozenset(ids)


def _log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not “{raw}”.")
    return level
