"""After a click: one line saying what was decided, put where the buttons were.

The message is updated in place (``chat.update`` or ``replace_original``) so no stale button
stays clickable; the rest of the message is kept as it was.
"""

from __future__ import annotations

from typing import Any

from bot.domain import FollowUpStatus, RenewalOutcome
from bot.errors import RapportError
from bot.render.blocks import context
from bot.render.errors import with_mentions
from bot.render.items import account_name
from bot.render.reply import Viewer
from bot.render.text import calendar_day, clip, date_token, mention
from bot.services.contracts import RenewalRecorded
from bot.services.follow_ups import FollowUpChange
from bot.services.nudge_snoozes import NudgesSnoozed


def decision_note(value: object, viewer: Viewer) -> str:
    """ "✅ Done by @alice", "💤 Snoozed to Mon 11 Jan 09:00 by @alice", "🔁 Renewed …"."""
    by = f"by {mention(viewer.user_id)}"
    match value:
        case FollowUpChange(follow_up=follow_up) if follow_up.status is FollowUpStatus.DONE:
            return f"✅ #{follow_up.number} done {by}"
        case FollowUpChange(follow_up=follow_up) if follow_up.status is FollowUpStatus.CANCELLED:
            return f"✖️ #{follow_up.number} cancelled {by}"
        case FollowUpChange(follow_up=follow_up):
            until = date_token(follow_up.effective_due, viewer, with_time=True)
            return f"💤 #{follow_up.number} snoozed to {until} {by}"
        case RenewalRecorded(account=account, next_term=following) if following is not None:
            renews = calendar_day(following.renewal_date, viewer)
            return f"🔁 {account_name(account)} renewed {by}; the next term renews {renews}"
        case RenewalRecorded(account=account, closed=closed):
            said = "churned" if closed.outcome is RenewalOutcome.CHURNED else "cancelled"
            return f"🛑 {account_name(account)}: not renewing ({said}) {by}"
        case NudgesSnoozed(account=account, until=until, what=what):
            reminders = "renewal reminders" if what == "renewal" else "stale reminders"
            return (
                f"💤 {account_name(account)}: {reminders} snoozed to "
                f"{date_token(until, viewer)} {by}"
            )
    raise TypeError(f"no note for {value!r}")


def refusal_note(error: RapportError) -> str:
    hint = f" {error.hint}" if error.hint else ""
    return "⚠️ " + clip(with_mentions(error.message + hint), 2_000)


def mark_decided(blocks: list[dict[str, Any]], block_id: str, note: str) -> list[dict[str, Any]]:
    """The message's blocks with the clicked item's buttons replaced by ``note``."""
    return [
        context(note) | {"block_id": block_id} if block.get("block_id") == block_id else block
        for block in blocks
    ]
