"""The shipped method facts: loaded from package data, tiers, required and allowed args."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.fakeslack import FakeSlack, RateTier, method_spec, method_tier
from bot.slackapi import method_specs


def test_all_current_methods_ship_with_the_package() -> None:
    specs = method_specs()

    assert len(specs) == 322
    assert "chat.postMessage" in specs and "channels.history" not in specs


def test_the_licence_note_ships_beside_the_data() -> None:
    note = resources.files("bot.slackapi").joinpath("LICENSE.methods.md").read_text("utf-8")

    assert "MIT License" in note and "slack-ruby/slack-api-ref" in note


@pytest.mark.parametrize(
    ("method", "tier"),
    [
        ("chat.postMessage", RateTier.SPECIAL),
        ("chat.update", RateTier.TIER_3),
        ("chat.postEphemeral", RateTier.TIER_4),
        ("users.info", RateTier.TIER_4),
        ("users.list", RateTier.TIER_2),
        ("users.lookupByEmail", RateTier.TIER_3),
        ("views.publish", RateTier.TIER_4),
        ("auth.test", RateTier.SPECIAL),
        ("admin.analytics.messages.metadata", RateTier.SPECIAL),  # described in prose
        ("no.such.method", None),
    ],
)
def test_method_tier(method: str, tier: RateTier | None) -> None:
    assert method_tier(method) is tier
    assert FakeSlack.method_tier(method) is tier


def test_required_args_come_from_the_current_docs() -> None:
    users_info = method_spec("users.info")
    views_open = method_spec("views.open")

    assert users_info is not None and users_info.required == {"token", "user"}
    assert users_info.http_method == "GET" and not users_info.accepts_json_body
    assert views_open is not None and "trigger_id" not in views_open.required


def test_allowed_args_are_the_union_of_both_sources_plus_team_id() -> None:
    api_test = method_spec("api.test")
    post = method_spec("chat.postMessage")

    assert api_test is not None and "foo" in api_test.allowed_args  # only in the OpenAPI spec
    assert post is not None
    assert {"markdown_text", "team_id", "token", "channel"} <= post.allowed_args
    assert post.accepts_json_body
