"""`python app.py run` installed by OAuth, as in production: gunicorn on a real port serves
the install link, Slack's redirect back and a workspace's signed command, Slack faked."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.oauth import FakeOAuth
from storage import migrate
from tests.conftest import BACKENDS
from tests.scenario.conftest import slack_workspace
from tests.serving import running


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a browser would follow it to slack.com: the test plays that part


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_workspace_installs_and_is_served_over_real_http(
    backend: str, fresh_database_url: Callable[[str], URL], tmp_path: Path
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url)
    with FakeSlack(slack_workspace()) as fake:
        oauth = FakeOAuth(fake, client_id="1111.2222", client_secret="secret")
        oauth.add_team("T1", "Acme")
        oauth_env = {
            "SLACK_BOT_TOKEN": "",
            "SLACK_CLIENT_ID": "1111.2222",
            "SLACK_CLIENT_SECRET": "secret",
        }
        with running(url, fake, tmp_path, **oauth_env) as http:
            status, headers = _get(http.url + "/slack/install")
            assert status == 302
            cookie = headers["set-cookie"].split(";", 1)[0]
            back = oauth.approve(headers["location"], team_id="T1", user_id="UALICE")
            status, _ = _get(f"{http.url}/slack/oauth_redirect?{back}", cookie)
            assert status == 200

            response_url = fake.response_url(channel_id="C0001", user_id="UALICE")
            answer = http.post(r.command("add Acme Corp", team="T1", response_url=response_url))
            assert answer.status == 200
            assert "Added" in str(fake.wait_for("response_url").args["text"])
            assert {call.token for call in fake.calls_to("users.info")} == {oauth.token_of("T1")}
            elsewhere = fake.response_url(channel_id="C0001", user_id="UALICE")
            assert http.post(r.command("help", team="T2", response_url=elsewhere)).status == 200
            assert "reinstall" in str(fake.wait_for("response_url", count=2).args["text"])
        assert fake.violations == []
