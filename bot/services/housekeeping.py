"""What the scheduler tidies after each nudge pass, so that requests never have to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.runtime import UnitOfWorkFactory


def forget_old_deliveries(units: UnitOfWorkFactory, team_ids: Iterable[str], now: datetime) -> int:
    """Drop the replay keys (Slack event ids, request signatures) older than a day, each
    workspace in its own short transaction; how many. A request only writes its own key:
    pruning there cost every answer a statement and a write."""
    removed = 0
    for team_id in team_ids:
        with units(team_id) as uow:
            removed += uow.events.forget_old(now)
    return removed
