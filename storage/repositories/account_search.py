"""``find``: the accounts that best match a text, read tier by tier and only as far as shown.

``bot.matching`` ranks a match: the name itself 0, the start of the name 1, the start of one
of its words 2, anywhere in it 3; a tag itself 4, part of a tag 5; part of a contact's name 6;
within a rank, the shorter name first, then the name in code-point order. An account counts at
its best rank.

A word many names share ("Nordwind", "GmbH") matches thousands of rows, and ranking all of
them before keeping the best ``limit`` made ``find`` grow with the workspace. Here each tier
is its own part of one statement (a common table expression), in rank order, and takes only
the rows still missing: ``limit`` minus what the tiers before it found. A tier with nothing
left to find is never read (a LIMIT of 0 ends a query before its first row, on both
databases), so a common word is answered from the start of the names alone, through an
index in key order, and the trigram indexes of names, tags and contacts are not touched.

A tier that runs had ``limit`` minus the earlier tiers' rows to fill, so every earlier tier
found fewer rows than it was allowed: all of its matches. Leaving out the accounts an earlier
tier found is then exactly "counts at its best rank".

A text shorter than a trigram is matched at the start of names, tags and contacts only
(``name_search.Typed.contained``), as it always was.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from bot.domain import AccountStatus, name_key, words_key
from storage import models
from storage.repositories import name_search
from storage.repositories.base import TEAM

_ACCOUNT, _TAG, _CONTACT = models.AccountRow, models.AccountTagRow, models.ContactRow
_TEAM = bindparam(TEAM, type_=String())
_LIMIT = bindparam("limit", type_=Integer())
AnySelect = Select[*tuple[Any, ...]]

ACCOUNT_NAMES = name_search.Searched("accounts", _ACCOUNT.name_key, _ACCOUNT.id, _ACCOUNT.team_id)
TAGS = name_search.Searched("account_tags", _TAG.tag_key, _TAG.id, _TAG.team_id)
CONTACT_NAMES = name_search.Searched("contacts", _CONTACT.name_key, _CONTACT.id, _CONTACT.team_id)


def best_matching_ids(
    session: Session, team_id: str, key: str, *, include_archived: bool, limit: int
) -> list[int]:
    """Ids of the ``limit`` accounts of the workspace that best match ``key`` (a name key,
    not empty), best first, ranked as ``bot.matching`` ranks them."""
    statement = _best_matching(
        session.get_bind().dialect.name,
        short=len(key) < name_search.TRIGRAM,
        include_archived=include_archived,
    )
    values = name_search.Typed.values(key) | {TEAM: team_id, "limit": limit}
    return list(session.scalars(statement, values))


@cache
def _best_matching(dialect: str, *, short: bool, include_archived: bool) -> AnySelect:
    """The statement, built once for each shape (building it costs more than running it)."""
    typed = name_search.Typed(dialect)
    in_order = typed.bytewise(_ACCOUNT.name_key)
    tiers: list[CTE] = []

    def earlier() -> AnySelect:
        return union_all(*(select(t.c.id) for t in tiers))  # type: ignore[return-value]

    def ranked(rank: ColumnElement[int]) -> AnySelect:
        return select(_ACCOUNT.id, _ACCOUNT.name_key, rank.label("rank"))

    def tier(name: str, query: AnySelect, *order: ColumnElement[Any]) -> None:
        """``query`` (ranked accounts, narrowed to the tier's matches) as the next tier: its
        accounts not found before, best first, as many as are still missing."""
        missing: ColumnElement[int] = _LIMIT
        if tiers:
            query = query.where(_ACCOUNT.id.not_in(earlier()))
            found = select(func.count()).select_from(earlier().subquery()).scalar_subquery()
            missing = missing - found
        if not include_archived:
            query = query.where(_ACCOUNT.status != AccountStatus.ARCHIVED.value)
        query = query.order_by(*order, func.length(_ACCOUNT.name_key), in_order).limit(missing)
        tiers.append(query.cte(name).prefix_with("MATERIALIZED"))

    # The name itself is the shortest name that starts with it: one range, in length order.
    tier(
        "name_start",
        ranked(case((_ACCOUNT.name_key == typed.key, 0), else_=1)).where(
            _ACCOUNT.team_id == _TEAM, typed.starts(_ACCOUNT.name_key)
        ),
    )
    if not short:
        inside = case((typed.has_word_starting(_ACCOUNT.name_key), 2), else_=3)
        tier(
            "name_inside",
            typed.contained(ACCOUNT_NAMES, _TEAM, ranked(inside), short=short),
            inside,
        )
    tagged = ranked(literal(4)).join(_TAG, _TAG.account_id == _ACCOUNT.id)
    tier("tag_exact", tagged.where(_TAG.team_id == _TEAM, _TAG.tag_key == typed.key))
    part_of_tag = ranked(literal(5)).join(_TAG, _TAG.account_id == _ACCOUNT.id)
    tier(
        "tag_part",
        typed.contained(TAGS, _TEAM, part_of_tag, short=short)
        .where(_TAG.tag_key != typed.key)
        .group_by(_ACCOUNT.id, _ACCOUNT.name_key),
    )
    of_contact = ranked(literal(6)).join(_CONTACT, _CONTACT.account_id == _ACCOUNT.id)
    tier(
        "contact",
        typed.contained(CONTACT_NAMES, _TEAM, of_contact, short=short).group_by(
            _ACCOUNT.id, _ACCOUNT.name_key
        ),
    )
    found = union_all(*(select(t.c.id, t.c.name_key, t.c.rank) for t in tiers)).subquery()
    return select(found.c.id).order_by(
        found.c.rank, func.length(found.c.name_key), typed.bytewise(found.c.name_key)
    )


def fitting_ids(session: Session, team_id: str, typed: str, *, limit: int) -> list[int]:
    """Ids of up to ``limit`` accounts that ``typed`` names without being a name itself, live
    ones first: those with exactly its words (``bot.domain.words_key``: "muller" for
    "Müller", "hooli inc" for "Hooli, Inc."); else those whose words start with its words or
    hold them as whole words ("acme" for "Acme Corp" and "Big Acme", never "Acmex").

    The start is a range of the words index; whole words inside a name are found through
    the names' trigram index, as ``find`` finds text inside a name, then kept only where
    they stand as words."""
    words = words_key(typed)
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    values: dict[str, object] = {TEAM: team_id, "limit": limit, "words": words}
    same = list(session.scalars(_same_words(dialect), values))
    if same:
        return same
    key = name_key(typed)
    short = len(key) < name_search.TRIGRAM
    escaped = name_search.like_escaped(words)
    values |= name_search.Typed.values(key) | {
        "words_start": words + " ",
        "words_start_end": words + " " + name_search.LAST_CHARACTER,
        "words_last": f"% {escaped}",
        "words_inside": f"% {escaped} %",
    }
    return list(session.scalars(_whole_words(dialect, short=short), values))


def _fitting_in_order(dialect: str, ids: AnySelect | CompoundSelect[int]) -> AnySelect:
    """The accounts of ``ids``, live ones first, then the shorter name, then code-point order."""
    typed = name_search.Typed(dialect)
    archived = case((_ACCOUNT.status == AccountStatus.ARCHIVED.value, 1), else_=0)
    return (
        select(_ACCOUNT.id)
        .where(_ACCOUNT.id.in_(ids))
        .order_by(archived, func.length(_ACCOUNT.name_key), typed.bytewise(_ACCOUNT.name_key))
        .limit(_LIMIT)
    )


@cache
def _same_words(dialect: str) -> AnySelect:
    words = bindparam("words", type_=String())
    same = select(_ACCOUNT.id).where(
        _ACCOUNT.team_id == _TEAM, name_search.Typed(dialect).bytewise(_ACCOUNT.words_key) == words
    )
    return _fitting_in_order(dialect, same)


@cache
def _whole_words(dialect: str, *, short: bool) -> AnySelect:
    typed = name_search.Typed(dialect)
    in_order = typed.bytewise(_ACCOUNT.words_key)
    leading = select(_ACCOUNT.id).where(
        _ACCOUNT.team_id == _TEAM,
        in_order >= bindparam("words_start", type_=String()),
        in_order < bindparam("words_start_end", type_=String()),
    )
    if short:  # too short for the trigram index: a name's first words only
        return _fitting_in_order(dialect, leading)
    inside = typed.contained(ACCOUNT_NAMES, _TEAM, select(_ACCOUNT.id), short=False).where(
        or_(
            _ACCOUNT.words_key.like(bindparam("words_last", type_=String()), escape="\\"),
            _ACCOUNT.words_key.like(bindparam("words_inside", type_=String()), escape="\\"),
        )
    )
    return _fitting_in_order(dialect, union(leading, inside))
