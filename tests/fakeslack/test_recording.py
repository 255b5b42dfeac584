"""Recording: calls, response URLs, subscribers, waiting for calls from other threads."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.fakeslack import Call, FakeSlack, Workspace
from tests.fakeslack.conftest import NOW


def test_calls_record_method_args_transport_and_time(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postMessage(channel="C0001", text="hi")
    client.users_info(user="U0001")

    post, info = fake.calls
    assert post.method == "chat.postMessage"
    assert post.args == {"channel": "C0001", "text": "hi", "team_id": "T0001"}
    assert post.content_type == "application/json;charset=utf-8"
    assert post.token == "xoxb-test"
    assert post.at == NOW
    assert post.http_method == "POST"
    assert post.response is not None and post.response["ts"] == "1751371200.000000"
    assert info.content_type == "application/x-www-form-urlencoded"
    assert fake.calls_to("users.info") == [info]
    assert fake.last("users.info") is info


def test_last_names_what_was_called_instead(client: WebClient, fake: FakeSlack) -> None:
    client.auth_test()

    with pytest.raises(LookupError, match=r"no call to views\.open; called: auth\.test"):
        fake.last("views.open")


def test_multipart_form_is_read(client: WebClient, fake: FakeSlack) -> None:
    # users.setPhoto: a method still read as multipart (files.upload is retired).
    client.api_call("users.setPhoto", data={"crop_w": "100"}, files={"image": b"hello"})

    call = fake.last("users.setPhoto")
    assert call.args["crop_w"] == "100"
    assert call.args["image"] == b"hello"
    assert (call.content_type or "").startswith("multipart/form-data")
    assert fake.violations == []


def test_response_url_ephemeral_by_default(fake: FakeSlack) -> None:
    url = fake.response_url(channel_id="C0001", user_id="U0001")

    response = WebhookClient(url).send(text="Logged a touch with Acme")

    assert response.status_code == 200
    call = fake.last("response_url")
    assert call.args == {"text": "Logged a touch with Acme"}
    assert call.content_type == "application/json;charset=utf-8"
    (message,) = fake.messages("C0001")
    assert message.ephemeral and message.visible_to == "U0001"
    assert message.via == "response_url"


def test_response_url_in_channel_then_replace_then_delete(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url(channel_id="C0001", user_id="U0001"))

    webhook.send(text="Renewal due", response_type="in_channel")
    webhook.send(text="Renewal done", replace_original=True)
    (message,) = fake.messages("C0001")
    assert (message.text, message.ephemeral, message.version) == ("Renewal done", False, 2)

    webhook.send_dict({"delete_original": True})
    assert fake.messages("C0001") == []


def test_response_url_replaces_the_interaction_message(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0001", text="Snooze?")
    url = fake.response_url(channel_id="C0001", user_id="U0001", message_ts=posted["ts"])

    WebhookClient(url).send(text="Snoozed for a week", replace_original=True)

    assert [m.text for m in fake.messages("C0001")] == ["Snoozed for a week"]


def test_response_url_works_five_times(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url())

    statuses = [webhook.send(text=f"{n}").status_code for n in range(6)]

    assert statuses == [200] * 5 + [404]
    assert fake.violations == ["response_url: response_url used more than 5 times"]


def test_response_url_violations(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url())
    too_many = [{"type": "divider"}] * 51

    assert webhook.send_dict({"blocks": too_many, "text": "x"}).status_code == 400
    assert webhook.send_dict({"response_type": "everyone", "text": "x"}).status_code == 400
    assert webhook.send_dict({"response_type": "in_channel"}).status_code == 400

    assert fake.violations == [
        "response_url argument `blocks`: /blocks: blocks of a message must have at most "
        "50 items (got 51)",
        "response_url argument `response_type`: must be ephemeral or in_channel",
        "response_url argument `text`: a message needs `text`, `blocks` or `attachments`",
    ]
    assert fake.messages("C0001") == []


def test_unknown_response_url(fake: FakeSlack) -> None:
    response = WebhookClient(fake.base_url + "respond/R404").send(text="x")

    assert response.status_code == 404
    assert fake.violations == ["response_url: unknown response URL 'R404'"]


def test_subscribers_get_each_call_and_can_unsubscribe(client: WebClient, fake: FakeSlack) -> None:
    seen: list[Call] = []
    unsubscribe = fake.subscribe(seen.append)

    client.chat_postMessage(channel="C0001", text="hello")
    WebhookClient(fake.response_url()).send(text="later")
    unsubscribe()
    client.auth_test()

    assert [c.method for c in seen] == ["chat.postMessage", "response_url"]
    assert seen[0].args["text"] == "hello"


def test_a_failing_subscriber_does_not_break_the_call(client: WebClient, fake: FakeSlack) -> None:
    def broken(call: Call) -> None:
        raise RuntimeError("console crashed")

    fake.subscribe(broken)

    assert client.auth_test()["ok"] is True


def test_wait_for_a_call_from_another_thread(client: WebClient, fake: FakeSlack) -> None:
    worker = threading.Thread(target=lambda: client.chat_postMessage(channel="C0001", text="async"))
    worker.start()

    call = fake.wait_for("chat.postMessage", timeout=5)
    worker.join()

    assert call.args["text"] == "async"


def test_wait_for_times_out(fake: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match=r"views\.open called 0 time\(s\)"):
        fake.wait_for("views.open", timeout=0.01)


def test_wait_until_a_matching_call_later_than_those_seen(
    client: WebClient, fake: FakeSlack
) -> None:
    client.chat_postMessage(channel="C0001", text="old news")
    worker = threading.Thread(
        target=lambda: [
            client.chat_postMessage(channel="C0001", text=text) for text in ("other", "news")
        ]
    )
    worker.start()

    call = fake.wait_until("chat.postMessage", lambda c: "news" in c.args["text"], after=1)
    worker.join()

    assert call.args["text"] == "news"
    with pytest.raises(TimeoutError, match=r"no matching chat\.postMessage .*\(0 other"):
        fake.wait_until("chat.postMessage", lambda c: True, after=3, timeout=0.01)


def test_clear_forgets_everything_but_the_workspace(client: WebClient, fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0001", text="x" * 40_001)
    client.chat_postMessage(channel="C0001", text="kept?")
    client.views_publish(user_id="U0001", view={"type": "home", "blocks": []})
    fake.fail_next("auth.test")

    fake.clear()

    assert fake.calls == [] and fake.violations == []
    assert fake.messages("C0001") == [] and fake.home_view("U0001") is None
    assert client.auth_test()["ok"] is True
    assert client.users_info(user="U0001")["ok"] is True


def test_clear_calls_forgets_only_the_calls(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0001", text="kept")
    fake.clear_calls()
    assert fake.calls == []
    assert [m.text for m in fake.messages("C0001")] == ["kept"]
    client.chat_update(channel="C0001", ts=posted["ts"], text="still there")
    assert [c.method for c in fake.calls] == ["chat.update"]


def test_add_user_while_running(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U0042", "linus", tz="Asia/Kolkata")

    user = client.users_info(user="U0042")["user"]

    assert (user["tz_offset"], user["tz_label"]) == (19800, "India Standard Time")
    assert user["profile"]["email"] == "linus@rapport-test.example.com"


def test_not_running_has_no_url() -> None:
    fake = FakeSlack(Workspace())

    with pytest.raises(RuntimeError, match="start"):
        _ = fake.api_url


def test_stop_frees_and_restart_binds_again() -> None:
    fake = FakeSlack(Workspace())
    fake.start()
    first = fake.api_url
    fake.stop()
    fake.stop()  # stopping twice is harmless

    with fake:
        assert WebClient(token="xoxb-test", base_url=fake.api_url).auth_test()["ok"]
    assert first.startswith("http://127.0.0.1:") and first.endswith("/api/")
