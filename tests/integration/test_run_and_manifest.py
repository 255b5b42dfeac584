"""`python app.py manifest` and `run`'s refusal to start without what it needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

import app
from bot.manifest import BOT_EVENTS, manifest
from bot.render import ids

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_manifest_is_what_the_command_prints() -> None:
    out = io.StringIO()
    assert app.main(["manifest"], out=out) == 0
    assert (ROOT / "manifest.yml").read_text(encoding="utf-8") == out.getvalue()


def test_the_manifest_declares_every_surface_the_app_listens_to() -> None:
    socket = yaml.safe_load(app.manifest_yaml())
    assert socket["settings"]["socket_mode_enabled"] is True
    assert socket["features"]["slash_commands"][0]["command"] == "/crm"
    assert {s["callback_id"] for s in socket["features"]["shortcuts"]} == {
        ids.MESSAGE_SHORTCUT,
        ids.GLOBAL_SHORTCUT,
    }
    assert socket["features"]["app_home"]["home_tab_enabled"] is True
    assert socket["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert socket["settings"]["interactivity"]["is_enabled"] is True
    http = manifest("https://rapport.example.com/slack/events")
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["interactivity"]["message_menu_options_url"].endswith("/slack/events")


def test_least_privilege_scopes() -> None:
    assert manifest()["oauth_config"]["scopes"]["bot"] == [
        "app_mentions:read",
        "channels:join",
        "chat:write",
        "commands",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
    ]


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({}, "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is not set"),
        (
            {"SLACK_CLIENT_ID": "1111.2222"},
            "SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET are not set",
        ),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_run_without_tokens_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    environment: dict[str, str],
    named: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert app.main(["run"]) == 2
    error = capsys.readouterr().err
    assert named in error
    assert error.count("\n") == 1
