"""Finding accounts by what people type: best match first, and "did you mean" for near misses."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from bot.domain import Account, name_key


def match_rank(query: str, account: Account, contact_keys: Iterable[str] = ()) -> int | None:
    """How well ``account`` answers ``query``: 0 is an exact name, higher weaker, None no match."""
    key = name_key(query)
    if not key:
        return None
    name = account.key
    if name == key:
        return 0
    if name.startswith(key):
        return 1
    if any(word.startswith(key) for word in name.split()):
        return 2
    if key in name:
        return 3
    tag_keys = [name_key(t) for t in account.tags]
    if key in tag_keys:
        return 4
    if any(key in t for t in tag_keys):
        return 5
    if any(key in c for c in contact_keys):
        return 6
    return None


def rank_accounts(
    query: str,
    accounts: Iterable[Account],
    contact_keys: Mapping[int, Sequence[str]] | None = None,
) -> list[Account]:
    """The accounts that match ``query``, best first; ties go to the shorter, then earlier name."""
    contacts = contact_keys or {}
    ranked: list[tuple[int, int, str, Account]] = []
    for account in accounts:
        rank = match_rank(query, account, contacts.get(account.id, ()))
        if rank is not None:
            ranked.append((rank, len(account.key), account.key, account))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]


def suggest(query: str, names: Iterable[str], limit: int = 3, cutoff: float = 0.75) -> list[str]:
    """Names close to ``query`` for a "did you mean": typos of the whole name or of its start."""
    key = name_key(query)
    if not key:
        return []
    scored: list[tuple[float, str, str]] = []
    for name in names:
        candidate = name_key(name)
        score = max(_similarity(key, candidate), _similarity(key, candidate[: len(key)]))
        if key in candidate or candidate in key:
            score = max(score, cutoff)
        if score >= cutoff:
            scored.append((-score, candidate, name))
    scored.sort()
    return list(dict.fromkeys(name for _score, _key, name in scored))[:limit]


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()
