"""Slack listeners: ack, parse, call a service, render. Nothing more."""

from __future__ import annotations

from slack_bolt import App

from bot.background import Background
from bot.runtime import Rapport
from handlers import errors, interactive, people, text


def register(app: App, rapport: Rapport, later: Background) -> None:
    text.register(app, rapport, later)
    interactive.register(app, rapport, later)
    people.register(app, rapport)
    errors.register(app, later)
