"""Calls Slack would reject are answered `ok: false` and listed in `fake.violations`."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.fakeslack import FakeSlack


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def button(label: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": label}}
        ],
    }


def modal(**overrides: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Log a touch"},
        "blocks": [section("Hello")],
    }
    view.update(overrides)
    return view


def rejected(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as excinfo:
        call()
    data: dict[str, Any] = excinfo.value.response.data
    assert data["ok"] is False
    return data


def raw_post(
    fake: FakeSlack, method: str, body: bytes, content_type: str, token: bool = True
) -> Any:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = "Bearer xoxb-test"
    request = urllib.request.Request(fake.api_url + method, data=body, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_unknown_method(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.api_call("chat.postMessages", json={"channel": "C0001"}))

    assert data["error"] == "unknown_method"
    assert fake.violations == ["chat.postMessages: unknown method (not in the current method docs)"]


def test_missing_required_channel(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.api_call("chat.postMessage", json={"text": "hi"}))

    assert data["error"] == "invalid_arguments"
    assert fake.violations == ["chat.postMessage argument `channel`: missing required argument"]
    assert fake.messages("C0001") == []


def test_views_open_without_trigger_id(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.api_call("views.open", json={"view": modal()}))

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "views.open argument `trigger_id`: needs `trigger_id` or `interactivity_pointer`"
    ]


def test_views_open_with_interactivity_pointer_is_fine(client: WebClient, fake: FakeSlack) -> None:
    client.api_call("views.open", json={"interactivity_pointer": "1.2.3", "view": modal()})

    assert fake.violations == []


def test_unknown_argument(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.chat_postMessage(channel="C0001", text="hi", colour="red"))

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "chat.postMessage argument `colour`: unknown argument for this method"
    ]


def test_old_openapi_argument_is_accepted(client: WebClient, fake: FakeSlack) -> None:
    # api.test's `foo` is only in the 2021 OpenAPI spec.
    client.api_call("api.test", params={"foo": "bar"})

    assert fake.violations == []


def test_no_token(fake: FakeSlack) -> None:
    data = raw_post(fake, "auth.test", b"", "application/x-www-form-urlencoded", token=False)

    assert data["error"] == "not_authed"
    assert fake.last("auth.test").token is None
    assert fake.violations == [
        "auth.test argument `token`: no token: "
        "send `Authorization: Bearer xox…` or a `token` argument"
    ]


def test_token_as_form_argument(fake: FakeSlack) -> None:
    data = raw_post(
        fake, "auth.test", b"token=xoxb-form", "application/x-www-form-urlencoded", token=False
    )

    assert data["ok"] is True
    assert fake.last("auth.test").token == "xoxb-form"


def test_only_accepted_tokens(workspace: Any) -> None:
    with FakeSlack(workspace, accepted_tokens={"xoxb-right"}) as fake:
        client = WebClient(token="xoxb-wrong", base_url=fake.api_url)
        data = rejected(client.auth_test)

        assert data["error"] == "invalid_auth"
        assert WebClient(token="xoxb-right", base_url=fake.api_url).auth_test()["ok"]


def test_json_body_to_a_get_method(fake: FakeSlack) -> None:
    data = raw_post(fake, "users.info", b'{"user": "U0001"}', "application/json")

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "users.info: JSON bodies are not read for this GET method; "
        "send the arguments form-encoded or in the query string"
    ]


def test_malformed_json_body(fake: FakeSlack) -> None:
    data = raw_post(fake, "chat.postMessage", b"{not json", "application/json")

    assert data["error"] == "invalid_json"
    assert len(fake.violations) == 1


def test_fifty_one_blocks(client: WebClient, fake: FakeSlack) -> None:
    blocks = [section(f"line {n}") for n in range(51)]

    data = rejected(lambda: client.chat_postMessage(channel="C0001", text="many", blocks=blocks))

    assert data["error"] == "invalid_blocks"
    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks: blocks of a message must have at most "
        "50 items (got 51)"
    ]


def test_fifty_blocks_are_fine(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postMessage(channel="C0001", text="many", blocks=[section("x")] * 50)

    assert fake.violations == []


def test_button_label_of_76_characters(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(
        lambda: client.chat_postMessage(channel="C0001", text="x", blocks=[button("b" * 76)])
    )

    assert data["error"] == "invalid_blocks"
    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks/0/elements/0/text/text: button text must be "
        "at most 75 characters (got 76)"
    ]


def test_section_of_3001_characters(client: WebClient, fake: FakeSlack) -> None:
    rejected(
        lambda: client.chat_postMessage(channel="C0001", text="x", blocks=[section("s" * 3001)])
    )

    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks/0/text/text: section text must be at most "
        "3000 characters (got 3001)"
    ]


def test_duplicate_block_ids(client: WebClient, fake: FakeSlack) -> None:
    blocks = [section("a", block_id="row"), section("b", block_id="row")]

    rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=blocks))

    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks/1/block_id: duplicate block_id 'row'"
    ]


def test_modal_title_of_25_characters(client: WebClient, fake: FakeSlack) -> None:
    title = {"type": "plain_text", "text": "t" * 25}

    data = rejected(
        lambda: client.views_open(trigger_id=fake.trigger_id(), view=modal(title=title))
    )

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "views.open argument `view`: /view/title/text: modal title must be at most 24 "
        "characters (got 25)"
    ]
    assert fake.modal_views() == []


def test_empty_text_object(client: WebClient, fake: FakeSlack) -> None:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": ""}}]

    rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=blocks))

    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks/0/text/text: header text must not be empty "
        "(empty text object)"
    ]


def test_home_view_with_submit(client: WebClient, fake: FakeSlack) -> None:
    view = {
        "type": "home",
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [section("Home")],
    }

    data = rejected(lambda: client.views_publish(user_id="U0001", view=view))

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "views.publish argument `view`: /view/submit: a Home tab view cannot have `submit`"
    ]
    assert fake.home_view("U0001") is None


def test_modal_with_input_needs_submit(client: WebClient, fake: FakeSlack) -> None:
    blocks = [
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Note"},
            "element": {"type": "plain_text_input", "action_id": "note"},
        }
    ]

    rejected(lambda: client.views_open(trigger_id=fake.trigger_id(), view=modal(blocks=blocks)))

    assert fake.violations == [
        "views.open argument `view`: /view/submit: a modal with input blocks needs a submit button"
    ]


def test_message_text_over_40000(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.chat_postMessage(channel="C0001", text="x" * 40_001))

    assert data["error"] == "msg_too_long"
    assert fake.violations == [
        "chat.postMessage argument `text`: must be at most 40000 characters (got 40001)"
    ]


def test_message_without_content(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(lambda: client.api_call("chat.postMessage", json={"channel": "C0001"}))

    assert data["error"] == "no_text"


def test_blocks_in_a_form_post_are_decoded_for_checks_but_kept_as_sent(fake: FakeSlack) -> None:
    blocks = json.dumps([section("s" * 3001)])
    body = urllib.parse.urlencode({"channel": "C0001", "text": "x", "blocks": blocks}).encode()

    data = raw_post(fake, "chat.postMessage", body, "application/x-www-form-urlencoded")

    assert data["error"] == "invalid_blocks"
    assert fake.last("chat.postMessage").args["blocks"] == blocks
    assert "section text must be at most 3000" in fake.violations[0]


def test_blocks_that_are_not_json(fake: FakeSlack) -> None:
    body = urllib.parse.urlencode({"channel": "C0001", "blocks": "[{"}).encode()

    data = raw_post(fake, "chat.postMessage", body, "application/x-www-form-urlencoded")

    assert data["error"] == "invalid_blocks_format"
    assert fake.violations[0].startswith("chat.postMessage argument `blocks`: is not valid JSON")


def test_all_problems_are_listed_in_the_response(client: WebClient, fake: FakeSlack) -> None:
    blocks = [button("b" * 76), section("s" * 3001)]

    data = rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=blocks))

    assert len(data["response_metadata"]["messages"]) == 2
    assert len(fake.violations) == 2
    assert fake.last("chat.postMessage").violations == tuple(fake.violations)
