"""Many workspaces by OAuth when the app's client id and secret are set and no single bot
token is; `run` then needs only the signing secret besides them."""

from __future__ import annotations

from bot.settings import Settings

OAUTH = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "secret"}


def test_client_id_and_secret_without_a_bot_token_install_by_oauth() -> None:
    settings = Settings.from_env(OAUTH | {"SLACK_SIGNING_SECRET": "s"})
    assert (settings.slack_client_id, settings.slack_client_secret) == ("1111.2222", "secret")
    assert settings.installs_by_oauth
    assert settings.missing_for_run() == []
    assert Settings.from_env(OAUTH).missing_for_run() == ["SLACK_SIGNING_SECRET"]


def test_a_bot_token_or_socket_mode_keeps_the_single_workspace() -> None:
    single = Settings.from_env(OAUTH | {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert not single.installs_by_oauth
    assert single.missing_for_run() == []
    socket = Settings.from_env(OAUTH | {"SLACK_APP_TOKEN": "xapp-1"})
    assert not socket.installs_by_oauth
    assert socket.missing_for_run() == ["SLACK_BOT_TOKEN"]
    assert not Settings.from_env({"SLACK_CLIENT_ID": "1111.2222"}).installs_by_oauth


def test_a_half_set_up_oauth_mode_is_told_what_it_lacks() -> None:
    half = Settings.from_env({"SLACK_CLIENT_ID": "1111.2222"})
    assert half.missing_for_run() == ["SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"]
    assert Settings.from_env({}).missing_for_run() == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
