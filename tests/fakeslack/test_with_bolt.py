"""The fake accepts what Bolt really sends: app start-up, listener clients, respond()."""

from __future__ import annotations

import threading

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.fakeslack import FakeSlack


def test_bolt_app_starts_against_the_fake(fake: FakeSlack) -> None:
    App(client=WebClient(token="xoxb-test", base_url=fake.api_url), signing_secret="secret")

    assert fake.last("auth.test").token == "xoxb-test"
    assert fake.violations == []


def test_bolt_respond_is_recorded(fake: FakeSlack) -> None:
    respond = Respond(response_url=fake.response_url(channel_id="C0001", user_id="U0001"))

    respond(
        text="Logged", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Logged*"}}]
    )
    respond(text="Shared", response_type="in_channel")

    first, second = fake.calls_to("response_url")
    assert first.args["text"] == "Logged" and first.args["blocks"][0]["type"] == "section"
    assert second.args["response_type"] == "in_channel"
    assert [(m.text, m.ephemeral) for m in fake.messages("C0001")] == [
        ("Logged", True),
        ("Shared", False),
    ]
    assert fake.violations == []


def test_concurrent_posts_get_distinct_increasing_ts(client: WebClient, fake: FakeSlack) -> None:
    def post_ten(worker: int) -> None:
        for n in range(10):
            client.chat_postMessage(channel="C0001", text=f"{worker}-{n}")

    threads = [threading.Thread(target=post_ten, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stamps = [m.ts for m in fake.messages("C0001")]
    assert len(stamps) == len(set(stamps)) == 80
    assert stamps == sorted(stamps, key=float)
    assert len(fake.calls_to("chat.postMessage")) == 80
