"""`python app.py manifest --url …`: the HTTP-mode manifest names the OAuth redirect URL, so
the app can be installed into many workspaces; the Socket Mode manifest stays as it was."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from slack_bolt.oauth.oauth_settings import OAuthSettings

import app
from bot.manifest import EVENTS_PATH, OAUTH_REDIRECT_PATH, manifest
from handlers.web import SLACK_PATH

# The keys Slack's manifest schema has, where this app's manifest writes them (the schema as
# slackapi/node-slack-sdk types it: packages/web-api/src/types/request/manifest.ts).
SCHEMA_KEYS = {
    "": {"_metadata", "display_information", "features", "oauth_config", "settings", "functions"},
    "oauth_config": {"redirect_urls", "scopes", "token_management_enabled"},
    "settings": {
        "allowed_ip_address_ranges",
        "event_subscriptions",
        "incoming_webhooks",
        "interactivity",
        "org_deploy_enabled",
        "socket_mode_enabled",
        "token_rotation_enabled",
        "function_runtime",
    },
    "settings.event_subscriptions": {"request_url", "bot_events", "user_events"},
    "settings.interactivity": {"is_enabled", "request_url", "message_menu_options_url"},
}


def _printed(*argv: str) -> dict[str, Any]:
    out = io.StringIO()
    assert app.main(["manifest", *argv], out=out) == 0
    printed: dict[str, Any] = yaml.safe_load(out.getvalue())
    return printed


def _at(document: dict[str, Any], path: str) -> dict[str, Any]:
    for key in filter(None, path.split(".")):
        document = document[key]
    return document


@pytest.mark.parametrize(
    "given",
    [
        "https://rapport.example.com",
        "https://rapport.example.com/",
        "https://rapport.example.com/slack/events",  # the Request URL, as `--url` used to want
    ],
)
def test_http_mode_names_the_redirect_url_beside_the_request_url(given: str) -> None:
    http = _printed("--url", given)
    assert http["oauth_config"]["redirect_urls"] == [
        "https://rapport.example.com/slack/oauth_redirect"
    ]
    request_url = "https://rapport.example.com/slack/events"
    settings = http["settings"]
    assert settings["event_subscriptions"]["request_url"] == request_url
    assert settings["interactivity"]["request_url"] == request_url
    assert settings["interactivity"]["message_menu_options_url"] == request_url
    assert http["features"]["slash_commands"][0]["url"] == request_url
    assert settings["socket_mode_enabled"] is False
    # Each workspace of an Enterprise Grid org installs on its own; no org-wide install.
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert http["oauth_config"]["scopes"] == manifest()["oauth_config"]["scopes"]


def test_an_app_behind_a_path_keeps_its_prefix() -> None:
    http = manifest("https://example.com/rapport/")
    assert http["oauth_config"]["redirect_urls"] == [
        "https://example.com/rapport/slack/oauth_redirect"
    ]
    assert http["settings"]["event_subscriptions"]["request_url"] == (
        "https://example.com/rapport/slack/events"
    )


def test_socket_mode_has_no_redirect_url_and_no_request_url() -> None:
    socket = _printed()
    assert socket["oauth_config"] == {"scopes": manifest()["oauth_config"]["scopes"]}
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert "url" not in socket["features"]["slash_commands"][0]


@pytest.mark.parametrize("public_url", [None, "https://rapport.example.com"])
def test_every_key_written_is_one_slacks_manifest_schema_has(public_url: str | None) -> None:
    written = manifest(public_url)
    for path, allowed in SCHEMA_KEYS.items():
        assert set(_at(written, path)) <= allowed, path


def test_the_paths_are_the_ones_the_app_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    assert EVENTS_PATH == SLACK_PATH
    monkeypatch.delenv("SLACK_REDIRECT_URI_PATH", raising=False)
    bolt = OAuthSettings(client_id="111.222", client_secret="secret")
    assert bolt.redirect_uri_path == OAUTH_REDIRECT_PATH


@pytest.mark.parametrize(
    "given", ["rapport.example.com", "ftp://rapport.example.com", "https://x.example/?a=1"]
)
def test_a_url_that_is_not_a_public_address_is_refused(
    given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        app.main(["manifest", "--url", given], out=io.StringIO())
    assert stopped.value.code == 2
    assert "is not a public URL of the app, e.g. https://rapport.example.com" in (
        capsys.readouterr().err
    )
