"""The fake's OAuth v2: a code for the workspace the installer chose, good once, swapped
only with the app's credentials for that workspace's bot token; auth.test per token."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.fakeslack import FakeSlack, Workspace
from bot.fakeslack.oauth import AUTHORIZE_URL, FakeOAuth

URL = AUTHORIZE_URL + "?" + urlencode({"client_id": "1.2", "scope": "chat:write", "state": "s1"})


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(Workspace()) as running:
        yield running


@pytest.fixture
def oauth(fake: FakeSlack) -> FakeOAuth:
    oauth = FakeOAuth(fake, client_id="1.2", client_secret="secret")
    oauth.add_team("T1", "Acme")
    oauth.add_team("T2", "Beta", enterprise_id="E1", enterprise_name="Org")
    return oauth


def _code(oauth: FakeOAuth, team_id: str) -> str:
    back = parse_qs(oauth.approve(URL, team_id=team_id, user_id="UINSTALLER"))
    assert back["state"] == ["s1"]
    return back["code"][0]


def test_a_code_becomes_that_workspaces_token_once(fake: FakeSlack, oauth: FakeOAuth) -> None:
    client = WebClient(base_url=fake.api_url)
    code = _code(oauth, "T2")
    answer = client.oauth_v2_access(client_id="1.2", client_secret="secret", code=code)
    assert answer["team"] == {"id": "T2", "name": "Beta"}
    assert answer["enterprise"] == {"id": "E1", "name": "Org"}
    assert answer["authed_user"] == {"id": "UINSTALLER"}
    assert answer["scope"] == "chat:write"
    assert answer["access_token"] == oauth.token_of("T2")
    with pytest.raises(SlackApiError, match="invalid_code"):
        client.oauth_v2_access(client_id="1.2", client_secret="secret", code=code)
    tested = client.auth_test(token=oauth.token_of("T2"))
    assert (tested["team_id"], tested["enterprise_id"]) == ("T2", "E1")
    assert fake.violations == []


def test_the_apps_credentials_are_checked(fake: FakeSlack, oauth: FakeOAuth) -> None:
    client = WebClient(base_url=fake.api_url)
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        client.oauth_v2_access(client_id="1.2", client_secret="wrong", code=_code(oauth, "T1"))
    with pytest.raises(SlackApiError, match="invalid_client_id"):
        client.oauth_v2_access(client_id="9.9", client_secret="secret", code=_code(oauth, "T1"))


def test_tokens_answer_for_their_own_workspace_until_it_uninstalls(
    fake: FakeSlack, oauth: FakeOAuth
) -> None:
    client = WebClient(base_url=fake.api_url)
    for team in ("T1", "T2"):
        client.oauth_v2_access(client_id="1.2", client_secret="secret", code=_code(oauth, team))
    assert client.auth_test(token=oauth.token_of("T1"))["team_id"] == "T1"
    assert client.auth_test(token=oauth.token_of("T2"))["team_id"] == "T2"
    assert client.auth_test(token="xoxb-test")["team_id"] == "T0001"  # the fake's own
    oauth.uninstall("T1")
    with pytest.raises(SlackApiError, match="token_revoked"):
        client.auth_test(token=oauth.token_of("T1"))


def test_slacks_page_refuses_a_wrong_authorize_url(oauth: FakeOAuth) -> None:
    with pytest.raises(ValueError, match="client_id"):
        oauth.approve(URL.replace("1.2", "9.9"), team_id="T1", user_id="U1")
    with pytest.raises(ValueError, match="authorize page"):
        oauth.approve("https://example.com/oauth/v2/authorize", team_id="T1", user_id="U1")
