"""Text in, database out: the command language through parser, services and storage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.domain import Actor, InteractionKind
from bot.errors import RapportError
from bot.execute import Executed, NotUnderstood, run_text
from bot.services.queries import AccountCard
from bot.services.settings import SettingsView
from storage import models
from tests.integration.conftest import ADMIN, ALICE, BOB, NOW, Harness


def say(app: Harness, text: str, actor: Actor = ALICE, now: datetime = NOW) -> Executed:
    with_result = app.read(actor.team_id, lambda w: run_text(w, actor, now, text))
    assert isinstance(with_result, Executed), with_result
    return with_result


def test_the_examples_of_the_product_contract(app: Harness) -> None:
    say(app, "/crm add Acme Corp as customer owner <@U02BOB> tier gold every 2 weeks")
    say(app, "/crm add Globex", actor=BOB)
    say(app, "/crm contract Acme Corp: 24000 EUR renews 2027-03-31 notice 60 days")
    logged = say(
        app,
        "/crm log call with Acme Corp: discussed Q3 pricing. follow up next friday: "
        "send the proposal",
    ).value
    say(app, "/crm log meeting with Acme Corp yesterday: QBR, they want SSO")
    say(app, "/crm follow up Globex in 3 days: check the pilot numbers")
    say(app, "/crm snooze 1 until monday")
    card = say(app, "/crm show acme corp").value

    assert isinstance(card, AccountCard)
    assert card.account.owner.user_id == "U02BOB"
    assert (card.account.tier, card.account.cadence_days) == ("gold", 14)
    assert card.contract is not None
    assert (card.contract.value, card.contract.renewal_date, card.contract.notice_days) == (
        Decimal("24000.00"),
        date(2027, 3, 31),
        60,
    )
    assert [i.kind for i in card.interactions] == [InteractionKind.CALL, InteractionKind.MEETING]
    assert card.interactions[0].summary == "discussed Q3 pricing."
    assert card.interactions[1].summary == "QBR, they want SSO"
    # Yesterday (Tuesday 5 January), logged at noon Berlin.
    assert card.interactions[1].occurred_at == datetime(2027, 1, 5, 11, 0, tzinfo=UTC)
    [follow_up] = card.follow_ups
    assert follow_up.text == "send the proposal"
    assert follow_up.due_at == datetime(2027, 1, 8, 8, 0, tzinfo=UTC)  # next friday, 09:00
    assert follow_up.snoozed_until == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # monday, 09:00
    assert logged.follow_up is not None  # type: ignore[attr-defined]
    globex = say(app, "show globex").value
    assert isinstance(globex, AccountCard)
    assert [f.due_at for f in globex.follow_ups] == [datetime(2027, 1, 9, 8, 0, tzinfo=UTC)]


def test_a_workspace_made_by_its_first_command_stores_the_default_ladder(app: Harness) -> None:
    """The first command creates the workspace; read back from the database (not from the
    object the command returned), its renewal ladder is 90, 60, 30, 14, 7, 1."""
    assert app.count(models.WorkspaceRow, "T1") == 0
    say(app, "add Acme Corp")
    with app.sessions() as session:
        stored = session.get(models.WorkspaceRow, "T1")
        assert stored is not None
        assert stored.renewal_ladder == "90,60,30,14,7,1"
    shown = say(app, "settings").value
    assert isinstance(shown, SettingsView)
    assert shown.workspace.renewal_ladder == (90, 60, 30, 14, 7, 1)


@pytest.fixture
def acme(app: Harness) -> Harness:
    say(app, "add Acme Corp")
    say(app, "log call with Acme Corp: first call follow up tomorrow")
    return app


REFUSED = [
    "add",
    "add    ",
    "log call with Acme Corp: " + "x" * 10_001,
    "log lunch with Acme Corp: tasty",
    "add <>&🚀 as alien",
    "follow up Acme Corp 31.02.2027: impossible",
    "follow up Acme Corp next blursday: impossible",
    "follow up Acme Corp 42: a bare number",
    "contract Acme Corp: -5 EUR renews 2027-03-31",
    "contract Acme Corp: 99999999999999 EUR renews 2027-03-31",
    "contract Acme Corp: 100 EUR renews 2026-01-01",
    "show Acme Crop",
    "log call with Acme Crop: typo",
    "done 999",
    "snooze 1 until yesterday",
    "assign Acme Corp <@UBOB>",  # Bob may not take Alice's account
    "settings workspace dayfirst on",  # Bob is not an admin
    "settings timezone Mars/Olympus",
    "history Acme Corp 1000",
    "rename Acme Corp to    ",
    "blursday",
    "log call with Acme Corp tomorrow: the future",
]


@pytest.mark.parametrize("text", REFUSED)
def test_bad_input_is_refused_clearly_and_changes_nothing(acme: Harness, text: str) -> None:
    before = acme.snapshot()
    with pytest.raises(RapportError) as refused:
        acme.read("T1", lambda w: run_text(w, BOB, NOW, text))
    assert refused.value.message
    if isinstance(refused.value, NotUnderstood):
        not_understood = refused.value.parse_error
        assert not_understood.usage or not_understood.example or "help" in refused.value.message
    assert acme.snapshot() == before


def test_did_you_mean(acme: Harness) -> None:
    with pytest.raises(RapportError) as refused:
        acme.read("T1", lambda w: run_text(w, ALICE, NOW, "show acme crop"))
    assert refused.value.hint == "Did you mean “Acme Corp”?"
    found = say(acme, "find acmee").value
    assert found.suggestions == ["Acme Corp"]  # type: ignore[attr-defined]


WRITES = [
    ("add Globex as partner", "account.create"),
    ("rename Acme Corp to Acme Corporation", "account.rename"),
    ("archive Acme Corp", "account.status"),
    ("status Acme Corp at risk", "account.status"),
    ("tag Acme Corp emea", "account.tag"),
    ("assign Acme Corp <@UBOB>", "account.assign"),
    ("contact Acme Corp: Jane Doe, CTO, jane@acme.example", "contact.create"),
    ("contract Acme Corp: 100 EUR renews 2027-06-30", "contract.create"),
    ("log note with Acme Corp: a note", "interaction.create"),
    ("follow up Acme Corp friday: call", "follow_up.create"),
    ("done 1", "follow_up.done"),
    ("snooze 1 for 3 days", "follow_up.snooze"),
    ("cancel 1", "follow_up.cancel"),
    ("settings digest 08:30", "user.settings"),
    ("settings workspace escalation <#C123|crm>", "workspace.settings"),
]


@pytest.mark.parametrize(("text", "action"), WRITES)
def test_every_write_leaves_an_audit_event(acme: Harness, text: str, action: str) -> None:
    before = acme.count(models.AuditEventRow)
    actor = ADMIN if "workspace" in text else ALICE
    say(acme, text, actor=Actor("T1", actor.user_id, actor.timezone, actor.is_admin or False))
    events = acme.read("T1", lambda w: w.audit.all())[before:]
    assert action in [e.action for e in events]
    assert all(e.at == NOW and e.team_id == "T1" for e in events)
