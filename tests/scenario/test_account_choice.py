"""A name several accounts fit is a question, answered with a button per account that runs
the same line for it; a name one account fits is that account (issue 9, point 1)."""

from __future__ import annotations

import json
from typing import Any

from bot.fakeslack import requests as r
from bot.render import ids
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def _text(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _choices(answer: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each offered account's name → (action_id, value) of its button."""
    found = {}
    for block in answer.get("blocks", []):
        if block.get("block_id") == ids.CHOOSE_ACCOUNT_BLOCK:
            for element in block["elements"]:
                found[element["text"]["text"]] = (element["action_id"], element["value"])
    return found


def _pick(slack: Slack, answer: dict[str, Any], name: str, **kwargs: Any) -> dict[str, Any]:
    """Press the button of ``name`` under an ephemeral answer; what replaced it."""
    action_id, value = _choices(answer)[name]
    url = slack.fake.response_url(channel_id="C0001", user_id="UALICE")
    posted = len(slack.fake.calls_to("response_url"))
    click = r.button(
        action_id,
        value,
        block_id=ids.CHOOSE_ACCOUNT_BLOCK,
        ephemeral=True,
        channel="C0001",
        message={"ts": "1700000000.000001", "blocks": answer["blocks"]},
        response_url=url,
        **kwargs,
    )
    assert slack.send(click).status == 200
    replies = slack.fake.calls_to("response_url")[posted:]
    assert len(replies) <= 1
    return dict(replies[0].args) if replies else {}


def _interactions(app_db: Harness) -> list[tuple[str, str]]:
    with app_db.sessions() as session:
        rows = session.query(models.InteractionRow, models.AccountRow).join(
            models.AccountRow, models.AccountRow.id == models.InteractionRow.account_id
        )
        return [(account.name, row.summary) for row, account in rows]


def test_the_one_account_a_name_fits_is_answered(slack: Slack, app_db: Harness) -> None:
    for name in ("Acme Corp", "Hooli, Inc.", "Müller GmbH", "Stark Industries"):
        slack.answer(slack.command(f"add {name}"))
    assert "Acme Corp" in _text(slack.answer(slack.command("show acme")))
    assert "<@UALICE>" in _text(slack.answer(slack.command("who owns stark?")))
    logged = slack.answer(slack.command("log call with Hooli: they want a discount"))
    assert "Hooli, Inc." in _text(logged)  # the reply names what it resolved
    assert "Müller GmbH" in _text(slack.answer(slack.command("show muller.")))
    assert _interactions(app_db) == [("Hooli, Inc.", "they want a discount")]


def test_several_that_fit_are_offered_and_the_pick_runs_the_line(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Acme Labs"))
    question = slack.answer(slack.command("log call with acme: pricing. follow up friday: quote"))
    assert "More than one account fits “acme”" in _text(question)
    assert question["response_type"] == "ephemeral"
    assert set(_choices(question)) == {"Acme Corp", "Acme Labs"}
    assert _interactions(app_db) == []  # nothing guessed, nothing stored

    answer = _pick(slack, question, "Acme Labs")
    assert answer["replace_original"] in (True, "true")  # the question goes, no stale choice
    assert "Acme Labs" in _text(answer) and "quote" in _text(answer)
    assert _interactions(app_db) == [("Acme Labs", "pricing.")]
    assert app_db.count(models.FollowUpRow) == 1


def test_the_same_click_delivered_twice_runs_once(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Acme Labs"))
    question = slack.answer(slack.command("log note with acme: one note"))
    action_id, value = _choices(question)["Acme Corp"]
    click = r.button(action_id, value, block_id=ids.CHOOSE_ACCOUNT_BLOCK, channel="C0001")
    assert slack.send(click).status == 200
    assert slack.send(click).status == 200  # Slack's retry of the same delivery
    assert _interactions(app_db) == [("Acme Corp", "one note")]


def test_a_bare_name_and_a_question_offer_the_same_choice(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Big Acme"))
    for line in ("show acme", "who owns acme?", "history acme 3"):
        question = slack.answer(slack.command(line))
        assert set(_choices(question)) == {"Acme Corp", "Big Acme"}, line
    card = _pick(slack, slack.answer(slack.command("show acme")), "Big Acme")
    assert card["blocks"] == slack.answer(slack.command("show Big Acme"))["blocks"]


def test_the_picked_account_is_the_one_by_id_even_renamed_since(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Acme Labs"))
    question = slack.answer(slack.command("tag acme emea"))
    slack.answer(slack.command("rename Acme Labs to Initech"))
    answer = _pick(slack, question, "Acme Labs")
    assert "Initech" in _text(answer)
    tags = app_db.read(r.TEAM, lambda w: {a.name: a.tags for a in w.accounts.all()})
    assert tags == {"Acme Corp": (), "Initech": ("emea",)}


def test_many_that_fit_say_so(slack: Slack, app_db: Harness) -> None:
    for n in range(7):
        slack.answer(slack.command(f"add Nordwind {n}"))
    question = slack.answer(slack.command("show nordwind"))
    assert len(_choices(question)) == 5
    assert "and more" in _text(question) and "Type more of the name" in _text(question)


def test_a_line_too_long_for_a_button_names_the_accounts_to_type(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Acme Labs"))
    question = slack.answer(slack.command("log note with acme: " + "words " * 400))
    assert _choices(question) == {}
    assert "Acme Corp" in _text(question) and "Acme Labs" in _text(question)
    assert "full name" in _text(question)


def test_a_forged_choice_does_nothing_and_says_so(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    before, posted = app_db.snapshot(), len(slack.fake.calls_to("response_url"))
    for value in ("nonsense", "1\n", "99999\nshow acme", "1\nmine"):
        url = slack.fake.response_url(channel_id="C0001", user_id="UALICE")
        click = r.button(
            f"{ids.CHOOSE_ACCOUNT_PREFIX}1",
            value,
            block_id=ids.CHOOSE_ACCOUNT_BLOCK,
            ephemeral=True,
            channel="C0001",
            response_url=url,
        )
        assert slack.send(click).status == 200
    assert app_db.snapshot() == before
    answers = [call.args for call in slack.fake.calls_to("response_url")[posted:]]
    assert len(answers) == 4 and all("⚠️" in _text(a) or "warning" in _text(a) for a in answers)


def test_a_choice_through_a_direct_message(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("add Acme Labs"))
    slack.send(r.direct_message("show acme"))
    [question] = slack.posted()
    assert set(_choices(question)) == {"Acme Corp", "Acme Labs"}
    action_id, value = _choices(question)["Acme Corp"]
    click = r.button(
        action_id,
        value,
        block_id=ids.CHOOSE_ACCOUNT_BLOCK,
        message={"ts": "1700000000.000002", "blocks": question["blocks"]},
    )
    assert slack.send(click).status == 200
    [update] = [call.args for call in slack.fake.calls_to("chat.update")]
    assert update["ts"] == "1700000000.000002" and "Acme Corp" in _text(update)
