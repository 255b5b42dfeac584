"""`undo` and `reopen` through signed requests: what the app answered, what Slack was asked
to do, and what the database (its audit trail included) holds afterwards."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.clock import FixedClock
from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def text_of(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _audit(app_db: Harness) -> list[models.AuditEventRow]:
    with app_db.sessions() as session:
        return session.query(models.AuditEventRow).order_by(models.AuditEventRow.id).all()


def _follow_up_status(app_db: Harness, number: int) -> str:
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(number))
    assert follow_up is not None
    return follow_up.status.value


def _home_refreshes(slack: Slack) -> int:
    return len(slack.fake.calls_to("views.publish"))


def test_undo_says_what_it_took_back_and_again_goes_further_back(
    slack: Slack, app_db: Harness, clock: FixedClock
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("tag Acme Corp emea"))
    clock.advance(timedelta(minutes=1))
    slack.answer(slack.command("rename Acme Corp to Acme Inc"))
    clock.advance(timedelta(minutes=2))
    refreshes = _home_refreshes(slack)

    took = text_of(slack.answer(slack.command("undo")))
    assert "Took back: renamed *Acme Corp* to *Acme Inc* (2 minutes ago)" in took
    assert _home_refreshes(slack) > refreshes  # a change: the Home tab is drawn again
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["Acme Corp"]
    rename = next(row for row in _audit(app_db) if row.action == "account.rename")
    undo_row = _audit(app_db)[-1]
    assert (undo_row.action, undo_row.actor, undo_row.undoes) == (
        "account.undo",
        "UALICE",
        rename.id,
    )
    assert undo_row.before is not None and undo_row.before["name"] == "Acme Inc"
    assert undo_row.after is not None and undo_row.after["name"] == "Acme Corp"

    took = text_of(slack.answer(slack.command("undo")))
    assert "Took back: tagged *Acme Corp* `emea` (3 minutes ago)" in took
    took = text_of(slack.answer(slack.command("undo")))
    assert "Took back: added *Acme Corp*" in took
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == []
    nothing = text_of(slack.answer(slack.command("undo")))
    assert "Nothing of yours to undo from the last hour." in nothing
    assert [row.action for row in _audit(app_db)].count("account.undo") == 3


def test_an_hour_later_there_is_nothing_to_undo(
    slack: Slack, app_db: Harness, clock: FixedClock
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    clock.advance(timedelta(hours=1, minutes=1))
    answer = text_of(slack.answer(slack.command("undo")))
    assert "Nothing of yours to undo from the last hour." in answer
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["Acme Corp"]
    assert not any(row.action.endswith(".undo") for row in _audit(app_db))


def test_undo_leaves_a_change_someone_else_made_since(
    slack: Slack, app_db: Harness, clock: FixedClock
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("status Acme Corp at risk"))
    clock.advance(timedelta(minutes=5))
    slack.answer(slack.command("rename Acme Corp to Acme Inc", user="UBOB"))
    rows = len(_audit(app_db))
    answer = text_of(slack.answer(slack.command("undo")))
    assert "was changed since by <@UBOB>" in answer and "Took back" not in answer
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == ["Acme Inc"]
    assert len(_audit(app_db)) == rows  # nothing written, not even an undo row
    # Bob's own undo takes back his rename; Alice's change stays hers.
    answer = text_of(slack.answer(slack.command("undo", user="UBOB")))
    assert "renamed *Acme Corp* to *Acme Inc*" in answer


def test_undo_of_a_log_takes_back_the_touch_and_its_follow_up(
    slack: Slack, app_db: Harness, clock: FixedClock
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    clock.advance(timedelta(minutes=1))
    slack.answer(slack.command("log call with Acme Corp: pricing. follow up friday: send it"))
    answer = text_of(slack.answer(slack.command("undo")))
    assert "Took back: logged a call with *Acme Corp*; added follow-up *#1* on *Acme Corp*" in (
        answer
    )
    assert app_db.count(models.InteractionRow) == 0
    assert _follow_up_status(app_db, 1) == "cancelled"
    undone = [row for row in _audit(app_db) if row.undoes is not None]
    assert {row.action for row in undone} == {
        "interaction.undo",
        "account.undo",
        "follow_up.undo",
    }


def test_reopen_and_its_refusals(slack: Slack, app_db: Harness, clock: FixedClock) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("follow up Acme Corp friday: send the quote"))
    slack.answer(slack.command("follow up Acme Corp friday: call back"))
    slack.answer(slack.command("done 1"))
    slack.answer(slack.command("cancel 2"))
    refreshes = _home_refreshes(slack)

    answer = text_of(slack.answer(slack.command("reopen #1")))
    assert "Reopened *#1* send the quote (*Acme Corp*)" in answer
    assert _home_refreshes(slack) > refreshes
    assert _follow_up_status(app_db, 1) == "open"
    reopened = _audit(app_db)[-1]
    assert (reopened.action, reopened.entity_id, reopened.actor) == (
        "follow_up.reopen",
        "1",
        "UALICE",
    )
    assert reopened.before is not None and reopened.before["status"] == "done"

    assert "#1 is already open" in text_of(slack.answer(slack.command("reopen 1")))
    assert "I don't know a follow-up numbered “99”" in text_of(
        slack.answer(slack.command("reopen 99"))
    )
    assert _follow_up_status(app_db, 2) == "cancelled"
    answer = text_of(slack.answer(slack.command("reopen 2")))
    assert "Reopened *#2* call back" in answer
    assert _follow_up_status(app_db, 2) == "open"

    answer = text_of(slack.answer(slack.command("undo")))
    assert "Took back: reopened follow-up *#2*" in answer
    assert _follow_up_status(app_db, 2) == "cancelled"


def test_help_names_both(slack: Slack) -> None:
    overview = text_of(slack.answer(slack.command("help")))
    assert "`undo`" in overview and "`reopen &lt;id&gt; [&lt;id&gt; …]`" in overview
    assert "further back" in text_of(slack.answer(slack.command("help undo")))
