"""Replies to commands that changed something: each says what was resolved and stored."""

from __future__ import annotations

from bot import commands as c
from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    Contract,
    InteractionKind,
    RenewalOutcome,
)
from bot.render import ids
from bot.render.blocks import SECTION_TEXT, Block, actions, context, section
from bot.render.items import (
    account_name,
    follow_up_due,
    kind_label,
    log_touch_button,
    renewal_terms,
    tags_text,
)
from bot.render.reply import Reply, Viewer
from bot.render.text import (
    calendar_day,
    clip,
    date_token,
    local_day,
    mention,
    money,
    one_line,
    owner_text,
    pack_lines,
    plural,
    safe,
    to_plain,
)
from bot.services.accounts import AccountChange, ContactSaved
from bot.services.contracts import ContractChange, RenewalRecorded
from bot.services.follow_ups import FollowUpChange, FollowUpChanges
from bot.services.interactions import LoggedInteraction

FALLBACK_TEXT = 3000


def confirmation(line: str, *details: str, extra: tuple[Block, ...] = ()) -> Reply:
    """One line saying what happened, optional details in small print, optional buttons."""
    blocks: list[Block] = [section(line)]
    if details:
        blocks.append(context(*details))
    blocks.extend(extra)
    text = to_plain(" · ".join((line, *details)))
    return Reply(text=clip(text, FALLBACK_TEXT), blocks=blocks)


def _touch_actions(account: Account) -> tuple[Block, ...]:
    return (actions(f"{ids.ACCOUNT_BLOCK_PREFIX}{account.id}", [log_touch_button(account.id)]),)


def added(account: Account, viewer: Viewer) -> Reply:
    """ "Added *Acme Corp* (customer, tier gold, owner @bob, every 14 days)"."""
    facts = [account.kind.value]
    if account.tier:
        facts.append(f"tier {safe(account.tier, 60)}")
    facts.append(f"owner {owner_text(account.owner)}")
    facts.append(f"every {plural(account.cadence_days, 'day')}")
    line = f"Added {account_name(account)} ({', '.join(facts)})"
    name = safe(one_line(account.name), 250)
    return confirmation(
        line,
        f"Next touch due {date_token(account.next_touch_due, viewer)}",
        f"Next: `log call with {name}: …` or `contract {name}: 12000 EUR renews …`",
        extra=_touch_actions(account),
    )


def account_changed(command: c.Command, change: AccountChange, viewer: Viewer) -> Reply:
    before, after = change.before, change.after
    name = account_name(after)
    match command:
        case c.RenameAccount():
            return confirmation(f"Renamed {account_name(before)} to {name}.")
        case c.ArchiveAccount():
            key = safe(one_line(after.name), 250)
            return confirmation(
                f"Archived {name}.",
                f"It leaves lists and nudges; `find {key} archived` still finds it.",
            )
        case c.TagAccount():
            new = tuple(t for t in after.tags if t not in before.tags)
            return confirmation(f"Tagged {name} with {tags_text(new)}.", _all_tags(after))
        case c.UntagAccount():
            gone = tuple(t for t in before.tags if t not in after.tags)
            return confirmation(f"Removed {tags_text(gone)} from {name}.", _all_tags(after))
        case c.AssignAccount():
            return confirmation(
                f"{name} is now owned by {owner_text(after.owner)} "
                f"(was {owner_text(before.owner)})."
            )
        case c.SetAccountField(tier=str()):
            return confirmation(
                f"{name} is now tier *{safe(after.tier or '', 50)}* (was {_tier(before)})."
            )
        case c.SetAccountField(kind=AccountKind()):
            return confirmation(f"{name} is now a *{after.kind.value}* (was {before.kind.value}).")
        case c.SetAccountField(cadence_days=int()):
            return confirmation(
                f"{name} is now touched every *{after.cadence_days} days* "
                f"(was every {before.cadence_days}).",
                f"Next touch due {date_token(after.next_touch_due, viewer)}.",
            )
    if before.status is not after.status:
        line = f"{name} is now *{after.status.label}* (was {before.status.label})."
        if after.status is AccountStatus.ARCHIVED:
            line += " It leaves lists and nudges."
        return confirmation(line)
    return confirmation(f"Updated {name}.")


def _tier(account: Account) -> str:
    return safe(account.tier, 50) if account.tier else "no tier"


def _all_tags(account: Account) -> str:
    return f"Tags: {tags_text(account.tags)}" if account.tags else "No tags left."


def contact_added(saved: ContactSaved) -> Reply:
    contact = saved.contact
    facts = [safe(v, 200) for v in (contact.title, contact.email, contact.phone) if v]
    shown = f" ({' · '.join(facts)})" if facts else ""
    name, account = safe(one_line(contact.name), 200), account_name(saved.account)
    if saved.before is None:
        return confirmation(f"Added contact *{name}*{shown} to {account}.")
    return confirmation(
        f"Updated contact *{name}*{shown} at {account}.",
        f"A contact there had that {'name' if saved.by_name else 'e-mail'} already, "
        "so no second one was added.",
    )


def contract_set(
    change: ContractChange, viewer: Viewer, *, read_as: c.AmountReading | None = None
) -> Reply:
    verb = "Replaced the contract" if change.replaced else "Added a contract"
    line = f"{verb} for {account_name(change.account)}: {renewal_terms(change.contract, viewer)}"
    details: list[str] = []
    if read_as is not None:
        details.append(_amount_reading(read_as, change.contract))
    if change.replaced is not None:
        old = change.replaced
        details.append(
            f"Was {money(old.value, old.currency)}, "
            f"renewing {calendar_day(old.renewal_date, viewer)}."
        )
    return confirmation(line, *details)


def _amount_reading(read_as: c.AmountReading, contract: Contract) -> str:
    """`24.000` is 24 or 24,000 depending on who wrote it: say which the workspace chose."""
    stored = money(contract.value, contract.currency)
    typed = safe(one_line(read_as.typed), 60)
    mark = read_as.decimal_mark
    switch = "on" if mark == "." else "off"
    return (
        f"Read “{typed}” as {stored}: this workspace writes decimals after “{mark}”. "
        f"Meant thousands? Write them without a separator (`24000`), or switch the number "
        f"style with `settings workspace dayfirst {switch}`."
    )


def outcome_recorded(result: RenewalRecorded, viewer: Viewer) -> Reply:
    name = account_name(result.account)
    if result.closed.outcome is RenewalOutcome.RENEWED:
        line = f"Recorded {name} as *renewed*."
        nxt = result.next_term
        if nxt is None:
            return confirmation(line)
        start = f"from {calendar_day(nxt.start_date, viewer)} " if nxt.start_date else ""
        return confirmation(
            line,
            f"New term {start}to {calendar_day(nxt.renewal_date, viewer)}, "
            f"{money(nxt.value, nxt.currency)}.",
        )
    outcome = result.closed.outcome.value if result.closed.outcome else "not renewing"
    line = f"Recorded {name} as *not renewing* ({outcome})."
    if result.account.status is AccountStatus.CHURNED:
        return confirmation(line, "The account is now marked churned.")
    return confirmation(line)


_PREPOSITIONS = {InteractionKind.NOTE: "on", InteractionKind.SUPPORT: "for"}


def _a(kind: InteractionKind) -> str:
    label = kind_label(kind)
    if kind is InteractionKind.SUPPORT:
        return "a support touch"
    return f"an {label}" if label[0].lower() in "aeiou" else f"a {label}"


def logged(result: LoggedInteraction, viewer: Viewer) -> Reply:
    """ "Logged a call with *Acme Corp* · follow-up #3 due Fri 8 Jan 09:00"."""
    interaction = result.interaction
    preposition = _PREPOSITIONS.get(interaction.kind, "with")
    line = f"Logged {_a(interaction.kind)} {preposition} {account_name(result.account)}"
    if local_day(interaction.occurred_at, viewer) != viewer.today:
        line += f" on {date_token(interaction.occurred_at, viewer)}"
    details = [f"Next touch due {date_token(result.account.next_touch_due, viewer)}"]
    if result.follow_up is not None:
        follow_up = result.follow_up.follow_up
        line += f" · follow-up *#{follow_up.number}* {follow_up_due(follow_up, viewer)}"
        details.append(f"Follow-up: {safe(one_line(follow_up.text), 300)}")
    return confirmation(line, *details)


def follow_ups_changed(command: c.Command, changes: FollowUpChanges, viewer: Viewer) -> Reply:
    """One follow-up as `follow_up_changed` says it; several (`done 4 10`) one line each."""
    if len(changes.changes) == 1:
        return follow_up_changed(command, changes.changes[0], viewer)
    match command:
        case c.CompleteFollowUp():
            lead, each = "Done", _closed_line
        case c.CancelFollowUp():
            lead, each = "Cancelled", _closed_line
        case c.ReopenFollowUp():
            lead, each = "Reopened", _reopened_line
        case _:
            lead, each = "Snoozed", _snoozed_line
    lines = [each(change, viewer) for change in changes.changes]
    line = f"{lead} {plural(len(lines), 'follow-up')}:"
    return confirmation(f"{line}\n{pack_lines(lines, SECTION_TEXT - len(line) - 1)}")


def _closed_line(change: FollowUpChange, viewer: Viewer) -> str:
    text = safe(one_line(change.follow_up.text), 300)
    return f"• *#{change.follow_up.number}* {text} ({account_name(change.account)})"


def _reopened_line(change: FollowUpChange, viewer: Viewer) -> str:
    follow_up = change.follow_up
    due = date_token(follow_up.effective_due, viewer, with_time=True)
    text = safe(one_line(follow_up.text), 300)
    return f"• *#{follow_up.number}* ({account_name(change.account)}) due {due}: {text}"


def _snoozed_line(change: FollowUpChange, viewer: Viewer) -> str:
    follow_up = change.follow_up
    until = date_token(follow_up.effective_due, viewer, with_time=True)
    text = safe(one_line(follow_up.text), 300)
    return f"• *#{follow_up.number}* ({account_name(change.account)}) to {until}: {text}"


def follow_up_changed(command: c.Command, change: FollowUpChange, viewer: Viewer) -> Reply:
    follow_up = change.follow_up
    number = f"*#{follow_up.number}*"
    name = account_name(change.account)
    text = safe(one_line(follow_up.text), 600)
    match command:
        case c.CompleteFollowUp():
            return confirmation(f"Done: {number} {text} ({name}).")
        case c.CancelFollowUp():
            return confirmation(f"Cancelled {number} {text} ({name}).")
        case c.SnoozeFollowUp():
            until = date_token(follow_up.effective_due, viewer, with_time=True)
            return confirmation(f"Snoozed {number} ({name}) to {until}.", text)
        case c.ReopenFollowUp():
            due = date_token(follow_up.effective_due, viewer, with_time=True)
            return confirmation(f"Reopened {number} {text} ({name}), due {due}.")
    owner = "" if follow_up.owner_id == viewer.user_id else f" for {mention(follow_up.owner_id)}"
    due = date_token(follow_up.due_at, viewer, with_time=True)
    return confirmation(
        f"Follow-up {number} on {name}{owner}, due {due}: {text}",
        f"Close it with `done {follow_up.number}`, move it with `snooze {follow_up.number} …`.",
    )
