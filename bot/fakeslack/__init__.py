"""A fake Slack Web API over real HTTP, used by the test suite and the local console.

    with FakeSlack(Workspace()) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        ...
        assert fake.violations == []

Standard library and Pillow only (no slack_sdk, no slack_bolt, no pytest); Pillow checks
that uploaded PNGs are real ones (see `images`). The method facts it
validates against ship as `bot/slackapi/methods.json` (see `bot.slackapi` for where they came from).
"""

from bot.fakeslack.records import Call, StoredFile, StoredMessage, StoredView
from bot.fakeslack.server import FakeSlack
from bot.fakeslack.workspace import FakeChannel, FakeUser, Workspace
from bot.slackapi import MethodSpec, RateTier, method_spec, method_tier

__all__ = [
    "Call",
    "FakeChannel",
    "FakeSlack",
    "FakeUser",
    "MethodSpec",
    "RateTier",
    "StoredFile",
    "StoredMessage",
    "StoredView",
    "Workspace",
    "method_spec",
    "method_tier",
]
