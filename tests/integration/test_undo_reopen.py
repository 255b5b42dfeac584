"""`undo` (the caller's own last change of the last hour, through the audit trail) and
`reopen` (a follow-up closed by mistake), on every database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.domain import AccountStatus, AuditEvent, FollowUpStatus, InteractionKind
from bot.errors import FollowUpNotFound, NotFound, NothingToDo
from bot.services import accounts, contracts, follow_ups, interactions, settings, undo
from bot.services.undo import CannotUndo
from tests.integration.conftest import ALICE, BOB, NOW, Harness, when

LATER = NOW + timedelta(minutes=2)


def _undo(app: Harness, at: object = None) -> undo.Undone:
    return app.run(ALICE, undo.undo_last_change, at or LATER + timedelta(minutes=1))


def _audit(app: Harness) -> list[AuditEvent]:
    return app.read("T1", lambda w: w.audit.all())


def _account(app: Harness, account_id: int) -> accounts.Account | None:
    return app.read("T1", lambda w: w.accounts.get(account_id))


def test_undo_takes_back_a_rename_and_audits_what_it_took_back(app: Harness) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id
    app.run(ALICE, accounts.rename_account, LATER, account="Acme Corp", new_name="Acme Inc")
    undone = _undo(app)
    assert [e.action for e in undone.events] == ["account.rename"]
    assert undone.at == LATER
    assert undone.account_names == {acme: "Acme Inc"}
    account = _account(app, acme)
    assert account is not None and account.name == "Acme Corp"
    *_, renamed, taken_back = _audit(app)
    assert (taken_back.action, taken_back.entity, taken_back.entity_id) == (
        "account.undo",
        "account",
        str(acme),
    )
    assert taken_back.undoes == renamed.id and taken_back.actor == ALICE.user_id
    assert taken_back.before is not None and taken_back.before["name"] == "Acme Inc"
    assert taken_back.after is not None and taken_back.after["name"] == "Acme Corp"


def test_undo_again_goes_one_further_back_and_an_untouched_new_account_goes(
    app: Harness,
) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id
    app.run(ALICE, accounts.tag_account, NOW, account="Acme Corp", tags=("emea",))
    app.run(ALICE, accounts.rename_account, LATER, account="Acme Corp", new_name="Acme Inc")
    assert [e.action for e in _undo(app).events] == ["account.rename"]
    assert [e.action for e in _undo(app).events] == ["account.tag"]
    account = _account(app, acme)
    assert account is not None and account.tags == () and account.name == "Acme Corp"
    assert [e.action for e in _undo(app).events] == ["account.create"]
    assert _account(app, acme) is None
    with pytest.raises(NothingToDo, match="Nothing of yours to undo from the last hour"):
        _undo(app)


def test_only_the_last_hour_and_only_the_callers_own(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    with pytest.raises(NothingToDo, match="Nothing of yours to undo from the last hour"):
        _undo(app, NOW + timedelta(hours=1, seconds=1))
    with pytest.raises(NothingToDo, match="Nothing of yours"):
        app.run(BOB, undo.undo_last_change, LATER)
    assert app.read("T1", lambda w: w.accounts.names()) == ["Acme Corp"]


def test_a_change_someone_made_since_is_not_overwritten(app: Harness) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id
    app.run(ALICE, accounts.set_status, NOW, account="Acme Corp", status=AccountStatus.AT_RISK)
    app.run(BOB, accounts.rename_account, LATER, account="Acme Corp", new_name="Acme Inc")
    before = app.snapshot()
    with pytest.raises(CannotUndo, match="changed since by <@UBOB>"):
        _undo(app)
    assert app.snapshot() == before
    account = _account(app, acme)
    assert account is not None and account.status is AccountStatus.AT_RISK


def test_a_log_goes_whole_its_follow_up_cancelled(app: Harness) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id
    logged = app.run(
        ALICE,
        interactions.log_interaction,
        LATER,
        account="Acme Corp",
        kind=InteractionKind.CALL,
        summary="Pricing.",
        follow_up_when=when("friday"),
    )
    assert logged.follow_up is not None
    number = logged.follow_up.follow_up.number
    undone = _undo(app)
    assert [e.action for e in undone.events] == [
        "interaction.create",
        "account.touch",
        "follow_up.create",
    ]
    assert app.read("T1", lambda w: w.interactions.all()) == []
    account = _account(app, acme)
    assert account is not None and account.last_touch_at is None
    assert account.next_touch_due == NOW + timedelta(days=30)
    follow_up = app.read("T1", lambda w: w.follow_ups.by_number(number))
    assert follow_up is not None and follow_up.status is FollowUpStatus.CANCELLED
    undos = [e for e in _audit(app) if e.action.endswith(".undo")]
    assert [e.action for e in undos] == ["follow_up.undo", "account.undo", "interaction.undo"]
    assert undos[-1].after is None  # the interaction is deleted


def test_an_added_account_with_things_on_it_is_archived_not_deleted(app: Harness) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id
    app.run(
        ALICE, follow_ups.create_follow_up, NOW, account="Acme Corp", when=when("friday"), text="x"
    )
    _undo(app)  # the follow-up: cancelled, and still there
    undone = _undo(app)
    assert undone.archived == frozenset({acme})
    account = _account(app, acme)
    assert account is not None and account.status is AccountStatus.ARCHIVED


def test_follow_up_done_and_snooze_are_taken_back(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    made = app.run(
        ALICE, follow_ups.create_follow_up, NOW, account="Acme Corp", when=when("friday"), text="x"
    )
    number = made.follow_up.number
    app.run(ALICE, follow_ups.snooze_follow_ups, NOW, [number], when("monday"))
    app.run(ALICE, follow_ups.complete_follow_ups, LATER, [number])
    _undo(app)
    follow_up = app.read("T1", lambda w: w.follow_ups.by_number(number))
    assert follow_up is not None and follow_up.status is FollowUpStatus.OPEN
    assert follow_up.completed_by is None and follow_up.snoozed_until is not None
    _undo(app)
    follow_up = app.read("T1", lambda w: w.follow_ups.by_number(number))
    assert follow_up is not None and follow_up.snoozed_until is None


def test_contracts_set_replaced_and_renewed_are_taken_back(app: Harness) -> None:
    acme = app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id

    def contract_values() -> list[tuple[Decimal, object]]:
        return [
            (c.value, c.outcome) for c in app.read("T1", lambda w: w.contracts.for_account(acme))
        ]

    terms = {"currency": "EUR", "renews": when("2027-06-30")}
    app.run(ALICE, contracts.set_contract, NOW, account="Acme Corp", value=Decimal(100), **terms)
    app.run(ALICE, contracts.set_contract, NOW, account="Acme Corp", value=Decimal(200), **terms)
    app.run(ALICE, contracts.record_outcome, LATER, account="Acme Corp", renewed=True)
    assert len(contract_values()) == 2
    assert [e.action for e in _undo(app).events] == ["contract.renewed", "contract.create"]
    assert contract_values() == [(Decimal(200), None)]
    _undo(app)
    assert contract_values() == [(Decimal(100), None)]
    _undo(app)
    assert contract_values() == []


def test_settings_are_taken_back(app: Harness) -> None:
    app.run(ALICE, settings.update_preferences, NOW, timezone="Asia/Tokyo")
    app.run(ALICE, settings.update_preferences, LATER, timezone="America/New_York")
    _undo(app)
    preferences = app.read("T1", lambda w: w.users.preferences("UALICE"))
    assert preferences is not None and preferences.timezone == "Asia/Tokyo"


def _record(app: Harness, action: str) -> None:
    event = AuditEvent(
        team_id="T1",
        actor="UALICE",
        action=action,
        entity="account",
        entity_id=1,
        at=LATER,
        before={"name": "Acme"},  # an import that updated an account
        after={"name": "Acme Corp"},
    )
    app.read("T1", lambda w: w.audit.record(event))


def test_an_import_is_refused_not_skipped(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    _record(app, "account.import")
    with pytest.raises(CannotUndo, match="doesn't take back imports"):
        _undo(app)
    assert app.read("T1", lambda w: w.accounts.names()) == ["Acme Corp"]


def test_a_change_undo_does_not_know_is_refused_by_name(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    _record(app, "account.merge")
    with pytest.raises(CannotUndo, match=r"account\.merge"):
        _undo(app)


# --- reopen ---------------------------------------------------------------------------------


def _follow_up(app: Harness, text: str = "send the quote") -> int:
    made = app.run(
        ALICE, follow_ups.create_follow_up, NOW, account="Acme Corp", when=when("friday"), text=text
    )
    return made.follow_up.number


def test_reopen_opens_done_and_cancelled_follow_ups_and_is_audited(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    done, cancelled = _follow_up(app), _follow_up(app)
    app.run(ALICE, follow_ups.complete_follow_ups, NOW, [done])
    app.run(BOB, follow_ups.cancel_follow_ups, NOW, [cancelled])
    changes = app.run(BOB, follow_ups.reopen_follow_ups, LATER, [done, cancelled])
    assert [c.follow_up.status for c in changes.changes] == [FollowUpStatus.OPEN] * 2
    for number in (done, cancelled):
        follow_up = app.read("T1", lambda w, n=number: w.follow_ups.by_number(n))
        assert follow_up is not None and follow_up.status is FollowUpStatus.OPEN
        assert follow_up.completed_at is None and follow_up.completed_by is None
    reopened = [e for e in _audit(app) if e.action == "follow_up.reopen"]
    assert [(e.entity_id, e.actor) for e in reopened] == [
        (str(done), "UBOB"),
        (str(cancelled), "UBOB"),
    ]


def test_reopen_refuses_an_open_one_and_unknown_ones(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    open_one, done = _follow_up(app), _follow_up(app)
    app.run(ALICE, follow_ups.complete_follow_ups, NOW, [done])
    before = app.snapshot()
    with pytest.raises(NothingToDo, match=f"#{open_one} is already open"):
        app.run(ALICE, follow_ups.reopen_follow_ups, LATER, [open_one])
    with pytest.raises(NothingToDo, match=f"#{open_one} is already open"):
        app.run(ALICE, follow_ups.reopen_follow_ups, LATER, [done, open_one])
    with pytest.raises(FollowUpNotFound):
        app.run(ALICE, follow_ups.reopen_follow_ups, LATER, [999])
    with pytest.raises(NotFound, match="#998, #999"):
        app.run(ALICE, follow_ups.reopen_follow_ups, LATER, [998, 999, done])
    assert app.snapshot() == before


def test_a_reopen_is_itself_undone(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    number = _follow_up(app)
    app.run(ALICE, follow_ups.complete_follow_ups, NOW, [number])
    app.run(ALICE, follow_ups.reopen_follow_ups, LATER, [number])
    assert [e.action for e in _undo(app).events] == ["follow_up.reopen"]
    follow_up = app.read("T1", lambda w: w.follow_ups.by_number(number))
    assert follow_up is not None and follow_up.status is FollowUpStatus.DONE


def test_an_old_name_taken_since_is_not_given_back(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    app.run(ALICE, accounts.rename_account, LATER, account="Acme Corp", new_name="Acme Inc")
    app.run(BOB, accounts.add_account, LATER, name="Acme Corp")
    with pytest.raises(CannotUndo, match="Another account is called “Acme Corp” now"):
        _undo(app)
    assert sorted(app.read("T1", lambda w: w.accounts.names())) == ["Acme Corp", "Acme Inc"]
