"""`python app.py nudge --dry-run`: what would go out now, to whom, and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import TextIO

from bot.nudges.model import NudgeStatus, Occasion

_STATE = {
    None: "would be sent now",
    NudgeStatus.PENDING: "planned, waiting for delivery",
    NudgeStatus.CLAIMED: "being sent",
    NudgeStatus.SENT: "already sent",
    NudgeStatus.FAILED: "failed earlier",
    NudgeStatus.SKIPPED: "skipped (the item changed)",
}


def print_preview(
    team_id: str,
    plan: Sequence[tuple[Occasion, NudgeStatus | None]],
    now: datetime,
    out: TextIO,
) -> None:
    print(f"Workspace {team_id}, planning as of {now.isoformat()}:", file=out)
    if not plan:
        print("  Nothing is due.", file=out)
        return
    for recipient, group in groupby(plan, key=lambda pair: pair[0].recipient):
        shown = "<#" + recipient + ">" if recipient.startswith(("C", "G")) else "@" + recipient
        entries = list(group)
        print(f"  to {shown} ({len(entries)}):", file=out)
        for occasion, status in entries:
            print(
                f"    - {occasion.kind.value}: {occasion.reason}"
                f"  [{_STATE[status]}; key {occasion.key}]",
                file=out,
            )
