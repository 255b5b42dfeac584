"""Lines as people really type them in Slack: links Slack made of what they typed, entities,
punctuation after a name, questions and a line that is only a name."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.clock import FixedClock
from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def text_of(answer: dict[str, object]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _summaries(app_db: Harness) -> list[str]:
    with app_db.sessions() as session:
        return [row.summary for row in session.query(models.InteractionRow).all()]


def test_a_linked_name_is_stored_as_typed_and_found_by_it(slack: Slack, app_db: Harness) -> None:
    # Slack's client sends "add Monday.com" like this.
    added = slack.answer(slack.command("add <http://Monday.com|Monday.com>"))
    assert "Monday.com" in text_of(added) and "http://" not in text_of(added)
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["Monday.com"]
    shown = slack.answer(slack.command("show monday.com"))
    assert "Monday.com" in text_of(shown) and "don't know" not in text_of(shown)
    # …and a later mention of it comes as a link again.
    logged = slack.answer(
        slack.command(
            "log email with <http://monday.com|monday.com>: wrote to "
            "<mailto:a@b.example|a@b.example> &amp; asked for &lt;3 seats&gt;"
        )
    )
    assert "⚠️" not in text_of(logged)
    assert _summaries(app_db) == ["wrote to a@b.example & asked for <3 seats>"]


def test_entities_are_stored_as_the_characters_typed(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add AT&amp;T"))
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["AT&T"]
    shown = slack.answer(slack.command("who owns AT&amp;T?"))
    assert "AT&amp;T" in text_of(shown)  # escaped once, for Slack to show "AT&T"
    assert "&amp;amp;" not in text_of(shown)


def test_questions_and_a_bare_name(slack: Slack, app_db: Harness, clock: FixedClock) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("follow up Acme Corp tomorrow: send the quote"))
    clock.advance(timedelta(days=3))
    overdue = slack.answer(slack.command("overdue"))
    assert "send the quote" in text_of(overdue)
    for asked in ("what's overdue?", "What’s overdue?", "overdue?", "what is overdue"):
        assert slack.answer(slack.command(asked)) == overdue, asked
    card = slack.answer(slack.command("show Acme Corp"))
    assert slack.answer(slack.command("Acme Corp")) == card
    assert slack.answer(slack.command("show Acme Corp.")) == card
    assert slack.answer(slack.command("acme corp?")) == card
    # Neither a command nor a name: today's answer, with the usage of the closest command.
    unknown = slack.answer(slack.command("Acme Corpse"))
    assert "I don't understand “Acme”" in text_of(unknown) and "Usage:" in text_of(unknown)


def test_the_same_through_a_mention(slack: Slack, app_db: Harness) -> None:
    slack.send(r.mention("add <http://Monday.com|Monday.com> as supplier, tier low"))
    slack.send(r.mention("who owns Monday.com??", channel="C0001"))
    [added, owner] = slack.posted()
    assert "Monday.com" in added["text"] and "supplier" in json.dumps(added)
    assert "Monday.com" in json.dumps(owner) and "don't know" not in json.dumps(owner)
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["Monday.com"]
