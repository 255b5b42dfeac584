"""Slack listeners: ack, parse, call a service, render. Nothing more."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Rapport
from handlers import errors, interactive, text


def register(app: App, rapport: Rapport) -> None:
    text.register(app, rapport)
    interactive.register(app, rapport)
    errors.register(app)
