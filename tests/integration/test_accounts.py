"""Accounts, contacts and ownership through the services, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import AccountKind, AccountStatus, Owner
from bot.errors import (
    AccountNotFound,
    AlreadyExists,
    InvalidInput,
    NothingToDo,
    PermissionDenied,
)
from bot.render.confirmations import contact_added
from bot.services import accounts, queries
from tests.integration.conftest import ADMIN, ALICE, BOB, NOW, Harness


def test_add_account_defaults_owner_kind_and_cadence(app: Harness) -> None:
    account = app.run(ALICE, accounts.add_account, NOW, name="  Acme   Corp ")
    assert account.name == "Acme Corp"
    assert account.owner == Owner(user_id="UALICE")
    assert account.kind is AccountKind.CUSTOMER
    assert account.cadence_days == 30
    assert account.next_touch_due == NOW + timedelta(days=30)
    assert account.status is AccountStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "cadence"),
    [
        (AccountKind.CUSTOMER, 30),
        (AccountKind.PROSPECT, 14),
        (AccountKind.PARTNER, 90),
        (AccountKind.VENDOR, 90),
        (AccountKind.SUPPLIER, 90),
        (AccountKind.DISTRIBUTOR, 90),
        (AccountKind.RESELLER, 90),
    ],
)
def test_default_cadence_by_kind(app: Harness, kind: AccountKind, cadence: int) -> None:
    account = app.run(ALICE, accounts.add_account, NOW, name=f"Some {kind}", kind=kind)
    assert account.cadence_days == cadence


def test_names_are_unique_per_workspace_whatever_the_case(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    before = app.snapshot()
    with pytest.raises(AlreadyExists):
        app.run(BOB, accounts.add_account, NOW, name="ACME  corp")
    assert app.snapshot() == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_names_are_refused_and_nothing_changes(app: Harness, name: str) -> None:
    before = app.snapshot()
    with pytest.raises(InvalidInput):
        app.run(ALICE, accounts.add_account, NOW, name=name)
    assert app.snapshot() == before


def test_names_full_of_markup_and_emoji_are_kept_as_typed(app: Harness) -> None:
    name = "<!channel> & <@U999> 🚀 Ünïcode"
    account = app.run(ALICE, accounts.add_account, NOW, name=name)
    assert account.name == name
    assert app.read("T1", lambda w: w.accounts.get(account.id)).name == name  # type: ignore[union-attr]


def test_rename_archive_status_and_tags_are_audited(app: Harness) -> None:
    account = app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.run(ALICE, accounts.rename_account, NOW, account="acme", new_name="Acme Corp")
    app.run(ALICE, accounts.tag_account, NOW, account="acme corp", tags=("emea", "Gold"))
    app.run(ALICE, accounts.untag_account, NOW, account="Acme Corp", tag="gold")
    app.run(ALICE, accounts.set_status, NOW, account="Acme Corp", status=AccountStatus.AT_RISK)
    change = app.run(ALICE, accounts.archive_account, NOW, account="Acme Corp")
    assert change.after.status is AccountStatus.ARCHIVED
    assert change.after.tags == ("emea",)
    events = app.read("T1", lambda w: w.audit.for_entity("account", account.id))
    assert [e.action for e in events] == [
        "account.create",
        "account.rename",
        "account.tag",
        "account.untag",
        "account.status",
        "account.status",
    ]
    rename = events[1]
    assert rename.actor == "UALICE"
    assert rename.before is not None and rename.before["name"] == "Acme"
    assert rename.after is not None and rename.after["name"] == "Acme Corp"


def test_rename_to_a_taken_name_is_refused(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.run(ALICE, accounts.add_account, NOW, name="Globex")
    with pytest.raises(AlreadyExists):
        app.run(ALICE, accounts.rename_account, NOW, account="Acme", new_name="GLOBEX")


def test_unknown_account_suggests_close_names(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    app.run(ALICE, accounts.add_account, NOW, name="Globex")
    with pytest.raises(AccountNotFound) as refused:
        app.run(ALICE, accounts.archive_account, NOW, account="Acme Crop")
    assert refused.value.suggestions == ("Acme Corp",)
    assert "Did you mean “Acme Corp”?" in (refused.value.hint or "")


def test_only_owner_or_admin_may_reassign(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    before = app.snapshot()
    with pytest.raises(PermissionDenied) as refused:
        app.run(BOB, accounts.assign_account, NOW, account="Acme", user_id="UBOB")
    assert "UALICE" in refused.value.message
    assert app.snapshot() == before
    change = app.run(ALICE, accounts.assign_account, NOW, account="Acme", user_id="UBOB")
    assert change.after.owner == Owner(user_id="UBOB")
    change = app.run(ADMIN, accounts.assign_account, NOW, account="Acme", user_id="UCAROL")
    assert change.after.owner == Owner(user_id="UCAROL")
    assert app.read("T1", lambda w: queries.who_owns(w, "acme")).owner.user_id == "UCAROL"


def test_an_account_with_an_unresolved_owner_can_be_claimed_by_anyone(app: Harness) -> None:
    app.run(
        ALICE, accounts.add_account, NOW, name="Imported", owner=Owner(unresolved="maria@x.example")
    )
    found = app.read("T1", lambda w: queries.find_accounts(w, "owner:unresolved").accounts)
    assert [a.name for a in found] == ["Imported"]
    change = app.run(BOB, accounts.assign_account, NOW, account="Imported", user_id="UBOB")
    assert change.after.owner == Owner(user_id="UBOB")


def test_tagging_nothing_new_and_untagging_a_missing_tag_say_so(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme", tags=("emea",))
    with pytest.raises(NothingToDo):
        app.run(ALICE, accounts.tag_account, NOW, account="Acme", tags=("EMEA",))
    with pytest.raises(NothingToDo):
        app.run(ALICE, accounts.untag_account, NOW, account="Acme", tag="apac")
    with pytest.raises(InvalidInput):
        app.run(ALICE, accounts.tag_account, NOW, account="Acme", tags=("two; tags",))


def test_set_changes_one_field_audited_and_a_cadence_counts_from_the_last_touch(
    app: Harness,
) -> None:
    added = app.run(ALICE, accounts.add_account, NOW, name="Acme", tier="silver")
    tiered = app.run(ALICE, accounts.set_account_field, NOW, account="acme", tier="gold").after
    assert (tiered.tier, tiered.kind, tiered.cadence_days) == ("gold", added.kind, 30)
    kinded = app.run(
        ALICE, accounts.set_account_field, NOW, account="Acme", kind=AccountKind.SUPPLIER
    ).after
    assert (kinded.kind, kinded.tier) == (AccountKind.SUPPLIER, "gold")
    later = NOW + timedelta(days=3)
    paced = app.run(ALICE, accounts.set_account_field, later, account="Acme", cadence_days=14)
    # Never touched: the new cadence counts from when the account was added.
    assert paced.after.cadence_days == 14
    assert paced.after.next_touch_due == added.created_at + timedelta(days=14)
    with pytest.raises(NothingToDo):
        app.run(ALICE, accounts.set_account_field, NOW, account="Acme", tier="gold")
    with pytest.raises(InvalidInput):
        app.run(ALICE, accounts.set_account_field, NOW, account="Acme", cadence_days=0)
    events = app.read("T1", lambda w: w.audit.for_entity("account", added.id))
    assert [e.action for e in events] == [
        "account.create",
        "account.update",
        "account.update",
        "account.update",
    ]


def test_contacts_are_added_validated_and_audited(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    contact = app.run(
        ALICE,
        accounts.add_contact,
        NOW,
        account="acme",
        name="Jane Doe",
        title="CTO",
        email="jane@acme.example",
        phone="+49 30 1234",
    ).contact
    assert contact.title == "CTO"
    with pytest.raises(InvalidInput):
        app.run(ALICE, accounts.add_contact, NOW, account="Acme", name="X", email="not-an-email")
    events = app.read("T1", lambda w: w.audit.for_entity("contact", contact.id))
    assert [e.action for e in events] == ["contact.create"]


def test_a_contact_added_again_with_a_known_email_is_updated_not_doubled(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.run(ALICE, accounts.add_account, NOW, name="Globex")
    first = app.run(
        ALICE,
        accounts.add_contact,
        NOW,
        account="Acme",
        name="Jane",
        title="CTO",
        email="jane@acme.example",
        phone="+49 30 1234",
    ).contact
    again = app.run(
        ALICE,
        accounts.add_contact,
        NOW,
        account="Acme",
        name="Jane Doe",
        email="JANE@acme.example",
    )
    assert again.before == first
    assert (again.contact.id, again.contact.name) == (first.id, "Jane Doe")
    # What the second line did not say stays as it was.
    assert (again.contact.title, again.contact.phone) == ("CTO", "+49 30 1234")
    assert [c.name for c in app.read("T1", lambda w: w.contacts.for_account(first.account_id))] == [
        "Jane Doe"
    ]
    events = app.read("T1", lambda w: w.audit.for_entity("contact", first.id))
    assert [e.action for e in events] == ["contact.create", "contact.update"]
    # Another account, or the same name with another e-mail: a contact of its own.
    other = app.run(
        ALICE, accounts.add_contact, NOW, account="Globex", name="Jane", email="jane@acme.example"
    )
    namesake = app.run(
        ALICE, accounts.add_contact, NOW, account="Acme", name="Jane Doe", email="jd@x.example"
    )
    assert other.before is None and namesake.before is None
    assert len({first.id, other.contact.id, namesake.contact.id}) == 3


def test_a_contact_added_again_by_name_without_an_e_mail_is_the_same_person(
    app: Harness,
) -> None:
    """As an import matches contacts: by e-mail, else by name unless both have e-mails."""
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    first = app.run(ALICE, accounts.add_contact, NOW, account="Acme", name="Ann Lee", title="CTO")
    again = app.run(ALICE, accounts.add_contact, NOW, account="acme", name="ann  lee", phone="+1")
    assert (again.before, again.contact.id) == (first.contact, first.contact.id)
    assert (again.contact.title, again.contact.phone) == ("CTO", "+1")
    assert (again.contact.name, again.by_name) == ("Ann Lee", True)  # the name as kept
    assert "had that name already" in str(contact_added(again).blocks)
    with_email = app.run(
        ALICE, accounts.add_contact, NOW, account="Acme", name="Ann Lee", email="ann@acme.example"
    )
    assert with_email.contact.id == first.contact.id  # the e-mail is added to her
    assert (with_email.contact.email, with_email.by_name) == ("ann@acme.example", True)
    assert len(app.read("T1", lambda w: w.contacts.for_account(first.contact.account_id))) == 1


def test_adding_an_archived_accounts_name_says_how_to_bring_it_back(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Soylent")
    app.run(ALICE, accounts.archive_account, NOW, account="Soylent")
    with pytest.raises(AlreadyExists) as refused:
        app.run(ALICE, accounts.add_account, NOW, name="soylent")
    assert "archived" in refused.value.message
    assert refused.value.hint == "Bring it back with `status Soylent active`."
