"""`python app.py nudge --dry-run`: what would go out now, to whom, and why."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from bot.nudges.delivery import Preview
from bot.nudges.model import NudgeStatus

_STATE = {
    None: "would be sent now",
    NudgeStatus.PENDING: "planned, waiting for delivery",
    NudgeStatus.CLAIMED: "being sent",
    NudgeStatus.SENT: "already sent",
    NudgeStatus.FAILED: "failed earlier",
    NudgeStatus.SKIPPED: "skipped (the item changed)",
}


def print_preview(preview: Preview, out: TextIO) -> None:
    print(f"Workspace {preview.team_id}, planning as of {preview.now.isoformat()}:", file=out)
    if not preview.occasions:
        print("  Nothing is due.", file=out)
        return
    for recipient, group in groupby(preview.occasions, key=lambda pair: pair[0].recipient):
        entries = list(group)
        print(f"  to {_who(recipient, preview.names)} ({len(entries)}):", file=out)
        for occasion, status in entries:
            print(
                f"    - {occasion.kind.value}: {occasion.reason}"
                f"  [{_STATE[status]}; key {occasion.key}]",
                file=out,
            )


def _who(recipient: str, names: dict[str, str]) -> str:
    if recipient.startswith(("C", "G")):
        return f"channel {recipient}"
    name = names.get(recipient)
    return f"@{name} ({recipient})" if name else recipient
