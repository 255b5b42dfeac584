"""The audit trail: who changed what, when, before and after — for every write."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

from bot.domain import Actor, AuditEvent
from bot.ports import UnitOfWork

Snapshot = dict[str, object]
T = typing.TypeVar("T")


def snapshot(value: object) -> Snapshot:
    """A JSON-safe copy of a domain dataclass's fields."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"cannot snapshot {value!r}")
    return {name: _json_safe(getattr(value, name)) for name in _field_names(type(value))}


@functools.cache  # an import snapshots every row it writes: look the fields up once a class
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_PLAIN = (str, int, float, bool, type(None))


def _json_safe(value: object) -> object:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list | frozenset | set):
        items = [_json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return snapshot(value)
    return value


def record(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    action: str,
    *,
    entity: str,
    entity_id: int | str | None,
    before: object | None = None,
    after: object | None = None,
    undoes: int | None = None,
) -> None:
    uow.audit.record(
        AuditEvent(
            team_id=uow.team_id,
            actor=actor.user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            at=now,
            before=snapshot(before) if before is not None else None,
            after=snapshot(after) if after is not None else None,
            undoes=undoes,
        )
    )


def revive(cls: type[T], data: Snapshot) -> T:
    """The domain value a snapshot was taken of (``snapshot``'s inverse), for `undo`."""
    hints = _hints(cast(type, cls))
    return cls(**{name: _revived(hints[name], data[name]) for name in hints if name in data})


@functools.cache
def _hints(cls: type) -> dict[str, object]:
    hints = typing.get_type_hints(cls)
    return {name: hints[name] for name in _field_names(cls)}


def _revived(hint: object, raw: object) -> object:
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        [hint] = [arg for arg in args if arg is not type(None)]
        return _revived(hint, raw)
    if origin in (tuple, frozenset) and isinstance(raw, list):
        return origin(_revived(args[0], item) for item in raw)
    if hint in (datetime, date, time) and isinstance(raw, str):
        return hint.fromisoformat(raw)
    if hint is Decimal:
        return Decimal(str(raw))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and isinstance(raw, dict):
        return revive(hint, raw)
    return raw
