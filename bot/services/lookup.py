"""Finding the thing a command names, or refusing with a helpful "did you mean"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain import Account, AccountStatus, Actor, FollowUp, name_key
from bot.errors import AccountNotFound, AmbiguousAccount, FollowUpNotFound
from bot.matching import suggest
from bot.ports import UnitOfWork

CHOICES = 5  # accounts offered when several fit what was typed


def resolve_account(uow: UnitOfWork, text: str | Account) -> Account:
    """The account ``text`` names, archived ones included; an account already found (a
    button's, a picker's) passes through.

    First the name itself (any case or spacing); else the one account that fits the typed
    words (``fitting``: without accents or marks, the start of a name or a whole word of it),
    a live one before an archived one. Several fit: ``AmbiguousAccount``, never a guess.
    None fits: ``AccountNotFound`` with "did you mean" names."""
    if isinstance(text, Account):
        return text
    account = uow.accounts.by_key(name_key(text))
    if account is not None:
        return account
    fitting = uow.accounts.fitting(text, limit=CHOICES + 1)
    live = [a for a in fitting if a.status is not AccountStatus.ARCHIVED]
    candidates = live or fitting
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        shown = [(a.id, a.name) for a in candidates[:CHOICES]]
        raise AmbiguousAccount(text.strip(), shown, more=len(candidates) > CHOICES)
    raise AccountNotFound(text.strip(), suggestions(uow, text, include_archived=True))


SUGGESTION_CANDIDATES = 50  # names spelt alike, fetched by the index, then ranked here


def suggestions(uow: UnitOfWork, text: str, *, include_archived: bool) -> list[str]:
    """ "Did you mean" names for ``text``: the closest of the names the index finds alike."""
    alike = uow.accounts.similar_names(
        text, include_archived=include_archived, limit=SUGGESTION_CANDIDATES
    )
    return suggest(text, alike)


def account_by_id(uow: UnitOfWork, account_id: int) -> Account:
    """The account a button or a picker names by id: only in this workspace."""
    account = uow.accounts.get(account_id)
    if account is None:
        raise AccountNotFound(f"#{account_id}")
    return account


def resolve_follow_up(uow: UnitOfWork, number: int) -> FollowUp:
    follow_up = uow.follow_ups.by_number(number)
    if follow_up is None:
        raise FollowUpNotFound(number)
    return follow_up


def user_zone(uow: UnitOfWork, actor: Actor, user_id: str) -> ZoneInfo:
    """The zone a user's dates are read in: their setting, their Slack profile, else the actor's."""
    if user_id == actor.user_id:
        return ZoneInfo(actor.timezone)
    preferences = uow.users.preferences(user_id)
    if preferences is None:
        return ZoneInfo(actor.timezone)
    return ZoneInfo(preferences.zone_name(actor.timezone))
