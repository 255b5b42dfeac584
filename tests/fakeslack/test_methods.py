"""The fake answers the methods Rapport calls as Slack does, through a real slack_sdk client."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.fakeslack import FakeSlack

SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Acme* renews soon"}}]
MODAL = {
    "type": "modal",
    "callback_id": "log_touch",
    "title": {"type": "plain_text", "text": "Log a touch"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "note",
            "label": {"type": "plain_text", "text": "Note"},
            "element": {"type": "plain_text_input", "action_id": "note"},
        }
    ],
}
HOME = {"type": "home", "blocks": SECTION}


def error_of(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


def test_auth_test_names_the_bot_and_team(client: WebClient, fake: FakeSlack) -> None:
    response = client.auth_test()

    assert response["user_id"] == "U0BOT"
    assert response["bot_id"] == "B0001"
    assert response["team_id"] == "T0001"
    assert response["url"] == "https://rapport-test.slack.com/"
    assert fake.violations == []


def test_users_info_gives_time_zone_for_now(client: WebClient) -> None:
    ada = client.users_info(user="U0001")["user"]
    grace = client.users_info(user="U0002")["user"]

    assert ada["tz"] == "Europe/Berlin"
    assert ada["tz_offset"] == 7200
    assert ada["tz_label"] == "Central European Summer Time"
    assert ada["profile"]["email"] == "ada@example.com"
    assert ada["profile"]["real_name"] == "Ada Lovelace"
    assert ada["profile"]["display_name"] == "ada"
    assert ada["deleted"] is False and ada["is_bot"] is False
    assert (grace["tz_offset"], grace["tz_label"]) == (-25200, "Pacific Daylight Time")


def test_users_info_unknown_user(client: WebClient, fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U9999")

    assert error_of(excinfo) == "user_not_found"
    assert fake.violations == []  # a legitimate answer, not a misuse


def test_users_info_bot_user_is_a_bot(client: WebClient) -> None:
    bot = client.users_info(user="U0BOT")["user"]

    assert bot["is_bot"] is True
    assert "email" not in bot["profile"]


def test_lookup_by_email_found_case_insensitively(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="Ada@Example.com")["user"]["id"] == "U0001"


def test_lookup_by_email_not_found_and_deleted_users_hidden(client: WebClient) -> None:
    for email in ("nobody@example.com", "gone@example.com"):
        with pytest.raises(SlackApiError) as excinfo:
            client.users_lookupByEmail(email=email)
        assert error_of(excinfo) == "users_not_found"


def test_users_list_pages_with_cursor(client: WebClient) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        response = client.users_list(limit=2, cursor=cursor)
        pages += 1
        seen += [member["id"] for member in response["members"]]
        cursor = response["response_metadata"]["next_cursor"]
        if not cursor:
            break

    assert seen == ["U0BOT", "U0001", "U0002", "U0003"]
    assert pages == 2


def test_users_list_rejects_a_made_up_cursor(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.users_list(cursor="not-a-cursor")

    assert error_of(excinfo) == "invalid_cursor"


def test_conversations_open_gives_a_stable_dm_id(client: WebClient) -> None:
    first = client.conversations_open(users="U0001")
    second = client.conversations_open(users=["U0001"])

    assert first["channel"] == {"id": "DU0001"}
    assert second["channel"]["id"] == "DU0001"
    assert second["already_open"] is True


def test_conversations_open_unknown_user(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_open(users="U9999")

    assert error_of(excinfo) == "user_not_found"


def test_conversations_info_and_join(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C0002", "renewals", is_member=False)

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0002", text="hello")
    assert error_of(excinfo) == "not_in_channel"

    joined = client.conversations_join(channel="C0002")
    info = client.conversations_info(channel="C0002")["channel"]
    again = client.conversations_join(channel="C0002")

    assert joined["channel"]["is_member"] is True
    assert info["name"] == "renewals" and info["is_member"] is True
    assert again["warning"] == "already_in_channel"
    assert client.chat_postMessage(channel="C0002", text="hello")["ok"]
    assert client.conversations_info(channel="DU0001")["channel"]["is_im"] is True


def test_post_update_permalink(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0001", text="Acme renews soon", blocks=SECTION)
    second = client.chat_postMessage(channel="C0001", text="second")
    updated = client.chat_update(channel="C0001", ts=posted["ts"], text="Acme renewed")
    permalink = client.chat_getPermalink(channel="C0001", message_ts=posted["ts"])

    assert posted["ts"] == "1751371200.000000"  # the clock's time, as Slack stamps it
    assert second["ts"] == "1751371200.000100"  # the same instant: still a new ts
    assert posted["message"]["blocks"] == SECTION
    assert updated["text"] == "Acme renewed"
    assert permalink["permalink"] == (
        "https://rapport-test.slack.com/archives/C0001/p1751371200000000"
    )
    message = fake.message("C0001", posted["ts"])
    assert message is not None
    assert (message.text, message.blocks, message.version) == ("Acme renewed", SECTION, 2)
    versions = fake.message_versions("C0001", posted["ts"])
    assert [v.text for v in versions] == ["Acme renews soon", "Acme renewed"]
    assert [m.text for m in fake.messages("C0001")] == ["Acme renewed", "second"]
    assert fake.violations == []


def test_post_to_a_user_id_lands_in_the_dm(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="U0001", text="Your nudges for today")

    assert posted["channel"] == "DU0001"
    assert [m.text for m in fake.messages("DU0001")] == ["Your nudges for today"]


def test_update_and_delete_need_an_existing_message(client: WebClient, fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="C0001", ts="1.000000", text="x")
    assert error_of(excinfo) == "message_not_found"

    posted = client.chat_postMessage(channel="C0001", text="bye")
    client.chat_delete(channel="C0001", ts=posted["ts"])

    assert fake.messages("C0001") == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_getPermalink(channel="C0001", message_ts=posted["ts"])
    assert error_of(excinfo) == "message_not_found"


def test_post_to_unknown_channel(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C9999", text="x")

    assert error_of(excinfo) == "channel_not_found"


def test_ephemeral_message_is_stored_for_one_user(client: WebClient, fake: FakeSlack) -> None:
    response = client.chat_postEphemeral(channel="C0001", user="U0001", text="Only you")

    (message,) = fake.messages("C0001")
    assert response["message_ts"] == message.ts
    assert message.ephemeral and message.visible_to == "U0001"
    assert fake.messages("C0001", include_ephemeral=False) == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="C0001", ts=message.ts, text="edit")
    assert error_of(excinfo) == "message_not_found"


def test_views_publish_stores_the_home_tab(client: WebClient, fake: FakeSlack) -> None:
    first = client.views_publish(user_id="U0001", view=HOME)["view"]
    second = client.views_publish(user_id="U0001", view={**HOME, "private_metadata": "v2"})

    home = fake.home_view("U0001")
    assert home is not None
    assert home.view["private_metadata"] == "v2"
    assert home.id == first["id"] == second["view"]["id"]
    assert second["view"]["type"] == "home" and second["view"]["team_id"] == "T0001"
    assert fake.home_view("U0002") is None
    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id="U0001", view=HOME, hash=first["hash"])
    assert error_of(excinfo) == "hash_conflict"


def test_views_open_push_update(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id=fake.trigger_id(), view=MODAL)["view"]
    pushed = client.views_push(trigger_id=fake.trigger_id(), view=MODAL)["view"]
    title = {"type": "plain_text", "text": "Saved"}
    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view={**MODAL, "title": title}
    )

    assert opened["id"].startswith("V") and opened["root_view_id"] == opened["id"]
    assert pushed["root_view_id"] == opened["id"]
    assert pushed["previous_view_id"] == opened["id"]
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["title"]["text"] == "Saved"
    assert [v.id for v in fake.modal_views()] == [opened["id"], pushed["id"]]
    assert fake.violations == []


def test_views_update_by_external_id_and_unknown_view(client: WebClient, fake: FakeSlack) -> None:
    client.views_open(trigger_id=fake.trigger_id(), view={**MODAL, "external_id": "touch-1"})
    updated = client.views_update(external_id="touch-1", view={**MODAL, "external_id": "touch-1"})

    assert updated["view"]["external_id"] == "touch-1"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id="V404", view=MODAL)
    assert error_of(excinfo) == "not_found"


def test_a_trigger_id_works_once(client: WebClient, fake: FakeSlack) -> None:
    trigger = fake.trigger_id()
    client.views_open(trigger_id=trigger, view=MODAL)

    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=trigger, view=MODAL)

    assert error_of(excinfo) == "exchanged_trigger_id"
    assert fake.violations == [
        f"views.open: trigger_id {trigger!r} was already used (a trigger_id works once)"
    ]


def test_other_documented_methods_answer_ok(client: WebClient, fake: FakeSlack) -> None:
    assert client.api_call("dnd.info", params={"user": "U0001"})["ok"] is True
    assert client.team_info()["team"]["domain"] == "rapport-test"
    assert fake.violations == []


def test_reactions_add(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0001", text="done")
    client.reactions_add(channel="C0001", timestamp=posted["ts"], name="white_check_mark")

    message = fake.message("C0001", posted["ts"])
    assert message is not None and message.reactions == ("white_check_mark",)
    with pytest.raises(SlackApiError) as excinfo:
        client.reactions_add(channel="C0001", timestamp=posted["ts"], name="white_check_mark")
    assert error_of(excinfo) == "already_reacted"


def test_conversations_history_newest_first(client: WebClient) -> None:
    for text in ("one", "two", "three"):
        client.chat_postMessage(channel="C0001", text=text)

    history = client.conversations_history(channel="C0001", limit=2)

    assert [m["text"] for m in history["messages"]] == ["three", "two"]
    assert history["has_more"] is True


def test_team_id_extra_argument_is_accepted(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postMessage(channel="C0001", text="hi")

    assert fake.last("chat.postMessage").args["team_id"] == "T0001"
    assert fake.violations == []


def test_form_post_and_get_for_a_get_method(fake: FakeSlack) -> None:
    form = urllib.request.Request(
        fake.api_url + "users.info",
        data=b"user=U0001",
        headers={"Authorization": "Bearer xoxb-test"},
        method="POST",
    )
    query = urllib.request.Request(fake.api_url + "users.info?user=U0002&token=xoxb-test")

    with urllib.request.urlopen(form) as response:
        by_form = json.load(response)
    with urllib.request.urlopen(query) as response:
        by_query = json.load(response)

    assert by_form["user"]["id"] == "U0001"
    assert by_query["user"]["id"] == "U0002"
    assert [(c.http_method, c.token) for c in fake.calls] == [
        ("POST", "xoxb-test"),
        ("GET", "xoxb-test"),
    ]
    assert fake.violations == []


def test_a_message_a_person_wrote_has_a_permalink(fake: FakeSlack, client: WebClient) -> None:
    written = fake.add_user_message("C0001", "U0001", "hello from a person")
    answer = client.chat_getPermalink(channel="C0001", message_ts=written.ts)
    assert answer["permalink"].endswith("/archives/C0001/p" + written.ts.replace(".", ""))
    assert fake.message("C0001", written.ts) == written
    assert written.user == "U0001" and written.bot_id is None
