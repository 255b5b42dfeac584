"""Accounts: add, rename, archive, status, tags, ownership, contacts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    Actor,
    Contact,
    Owner,
    name_key,
)
from bot.errors import AlreadyExists, InvalidInput, NothingToDo, PermissionDenied
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account
from bot.validation import (
    check_cadence,
    check_email,
    clean_name,
    clean_tag,
    clean_text,
    clean_tier,
    typed_tag,
)


@dataclass(frozen=True, slots=True)
class AccountChange:
    """An account before and after a change, for the reply to say what happened."""

    before: Account
    after: Account


def add_account(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    name: str,
    kind: AccountKind | None = None,
    owner: Owner | None = None,
    tier: str | None = None,
    cadence_days: int | None = None,
    tags: tuple[str, ...] = (),
    action: str = "account.create",
) -> Account:
    """A new account, owned by the caller unless another owner is given."""
    name = clean_name(name)
    kind = kind or AccountKind.CUSTOMER
    workspace = uow.workspaces.get_or_create(now)
    existing = uow.accounts.by_key(name_key(name))
    if existing is not None and existing.status is AccountStatus.ARCHIVED:
        raise AlreadyExists(
            f"There is already an account called “{existing.name}”; it is archived.",
            hint=f"Bring it back with `status {existing.name} active`.",
        )
    if existing is not None:
        raise AlreadyExists(
            f"There is already an account called “{existing.name}”.",
            hint=f"See it with `show {existing.name}`.",
        )
    account = uow.accounts.add(
        name=name,
        kind=kind,
        owner=owner or Owner(user_id=actor.user_id),
        tier=clean_tier(tier),
        cadence_days=check_cadence(cadence_days or workspace.cadence_rule(kind).ideal_days),
        cadence_own=cadence_days is not None,
        tags=_once_each(clean_tag(t) for t in tags),
        now=now,
    )
    audit.record(uow, actor, now, action, entity="account", entity_id=account.id, after=account)
    return account


def _change(
    uow: UnitOfWork, actor: Actor, now: datetime, action: str, before: Account, after: Account
) -> AccountChange:
    saved = uow.accounts.save(dataclasses.replace(after, updated_at=now))
    audit.record(
        uow, actor, now, action, entity="account", entity_id=saved.id, before=before, after=saved
    )
    return AccountChange(before=before, after=saved)


def rename_account(
    uow: UnitOfWork, actor: Actor, now: datetime, *, account: str, new_name: str
) -> AccountChange:
    current = resolve_account(uow, account)
    new_name = clean_name(new_name)
    clash = uow.accounts.by_key(name_key(new_name))
    if clash is not None and clash.id != current.id:
        raise AlreadyExists(f"There is already an account called “{clash.name}”.")
    return _change(
        uow, actor, now, "account.rename", current, dataclasses.replace(current, name=new_name)
    )


def set_status(
    uow: UnitOfWork, actor: Actor, now: datetime, *, account: str, status: AccountStatus
) -> AccountChange:
    current = resolve_account(uow, account)
    if current.status is status:
        raise NothingToDo(f"“{current.name}” is already {status.label}.")
    return _change(
        uow, actor, now, "account.status", current, dataclasses.replace(current, status=status)
    )


def set_account_field(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str,
    tier: str | None = None,
    kind: AccountKind | None = None,
    cadence_days: int | None = None,
) -> AccountChange:
    """Change an account's tier, kind or cadence after `add`. A new cadence counts from the
    last touch (or from when the account was added), as `add` counts it."""
    current = resolve_account(uow, account)
    changed = current
    if tier is not None:
        changed = dataclasses.replace(changed, tier=clean_tier(tier))
    if kind is not None:
        changed = dataclasses.replace(changed, kind=kind)
        if not current.cadence_own and cadence_days is None:
            # It follows its kind's cadence: now the new kind's.
            rule = uow.workspaces.get_or_create(now).cadence_rule(kind)
            changed = _with_cadence(changed, rule.ideal_days, own=False)
    if cadence_days is not None:
        changed = _with_cadence(changed, check_cadence(cadence_days), own=True)
    if changed == current:
        raise NothingToDo(f"“{current.name}” is like that already.")
    return _change(uow, actor, now, "account.update", current, changed)


def _with_cadence(account: Account, days: int, *, own: bool) -> Account:
    """``account`` on a cadence of ``days``, counted from its last touch (or from when it was
    added)."""
    since = account.last_touch_at or account.created_at
    return dataclasses.replace(
        account, cadence_days=days, cadence_own=own, next_touch_due=since + timedelta(days=days)
    )


def archive_account(uow: UnitOfWork, actor: Actor, now: datetime, *, account: str) -> AccountChange:
    """Archived accounts leave lists and nudges and stay findable with `find … archived`."""
    return set_status(uow, actor, now, account=account, status=AccountStatus.ARCHIVED)


def tag_account(
    uow: UnitOfWork, actor: Actor, now: datetime, *, account: str, tags: tuple[str, ...]
) -> AccountChange:
    current = resolve_account(uow, account)
    if not tags:
        raise InvalidInput("tag", "Which tags? For example: `tag Acme Corp emea enterprise`.")
    known = {name_key(t) for t in current.tags}
    added = [t for t in _once_each(clean_tag(t) for t in tags) if name_key(t) not in known]
    if not added:
        raise NothingToDo(f"“{current.name}” already has those tags.")
    return _change(
        uow,
        actor,
        now,
        "account.tag",
        current,
        dataclasses.replace(current, tags=(*current.tags, *added)),
    )


def _once_each(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in order, each once by its ``name_key`` ("Key Account" is "key  account"), as
    tags are unique by."""
    kept: dict[str, str] = {}
    for tag in tags:
        kept.setdefault(name_key(tag), tag)
    return tuple(kept.values())


def untag_account(
    uow: UnitOfWork, actor: Actor, now: datetime, *, account: str, tag: str
) -> AccountChange:
    current = resolve_account(uow, account)
    # Not clean_tag: a tag kept before the marks it holds were refused can still go.
    key = name_key(typed_tag(tag))
    if not key:
        clean_tag(tag)  # refuses it, saying why
    remaining = tuple(t for t in current.tags if name_key(t) != key)
    if remaining == current.tags:
        raise NothingToDo(f"“{current.name}” has no tag “{tag}”.")
    return _change(
        uow, actor, now, "account.untag", current, dataclasses.replace(current, tags=remaining)
    )


def assign_account(
    uow: UnitOfWork, actor: Actor, now: datetime, *, account: str, user_id: str
) -> AccountChange:
    """Reassigning is for the owner or an admin; an account nobody owns yet anyone may assign."""
    current = resolve_account(uow, account)
    owner = current.owner.user_id
    if owner is not None and owner != actor.user_id and not actor.is_admin:
        raise PermissionDenied(
            f"Only <@{owner}> (the owner) or an admin can reassign “{current.name}”.",
            hint=f"Ask <@{owner}> to run `assign {current.name} <@{user_id}>`.",
        )
    if owner == user_id:
        raise NothingToDo(f"<@{user_id}> already owns “{current.name}”.")
    return _change(
        uow,
        actor,
        now,
        "account.assign",
        current,
        dataclasses.replace(current, owner=Owner(user_id=user_id)),
    )


@dataclass(frozen=True, slots=True)
class ContactSaved:
    """A contact added, or (``before``) the account's contact who is that person, updated —
    found by the e-mail, or else by the name (``by_name``); and the account it belongs to, as
    resolved from what was typed."""

    contact: Contact
    account: Account
    before: Contact | None = None
    by_name: bool = False


def add_contact(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str | Account,
    name: str,
    title: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    slack_user_id: str | None = None,
) -> ContactSaved:
    """A new contact of the account; or, when the account already has this person, that
    contact updated: a person is one contact, however often they are added. The same person
    is the contact with this e-mail (in any case); else the one of this name (``name_key``),
    unless both have e-mails and they differ (two people of one name) — the rule an import
    matches contacts by. A part not given (a title, a phone, an e-mail) keeps what the
    contact had."""
    current = resolve_account(uow, account)
    name = clean_name(name, field="contact", what="A contact's name")
    title = clean_text(title, field="title", limit=200, what="A title") if title else None
    email = check_email(email)
    phone = clean_text(phone, field="phone", limit=64, what="A phone number") if phone else None
    known = _same_person(uow, current.id, name, email)
    if known is not None:
        by_name = not (email and (known.email or "").casefold() == email.casefold())
        changed = dataclasses.replace(
            known,
            name=known.name if by_name else name,  # found by name: the name as it was kept
            title=title or known.title,
            phone=phone or known.phone,
            email=email or known.email,
        )
        saved = uow.contacts.update(changed)
        audit.record(
            uow,
            actor,
            now,
            "contact.update",
            entity="contact",
            entity_id=saved.id,
            before=known,
            after=saved,
        )
        return ContactSaved(saved, current, before=known, by_name=by_name)
    contact = uow.contacts.add(
        account_id=current.id,
        name=name,
        title=title,
        email=email,
        phone=phone,
        slack_user_id=slack_user_id,
        now=now,
    )
    audit.record(
        uow, actor, now, "contact.create", entity="contact", entity_id=contact.id, after=contact
    )
    return ContactSaved(contact, current)


def _same_person(uow: UnitOfWork, account_id: int, name: str, email: str | None) -> Contact | None:
    contacts = uow.contacts.for_account(account_id)
    if email is not None:
        wanted = email.casefold()
        by_email = next((c for c in contacts if (c.email or "").casefold() == wanted), None)
        if by_email is not None:
            return by_email
    key = name_key(name)
    return next(
        (c for c in contacts if name_key(c.name) == key and not (email and c.email)),
        None,
    )
