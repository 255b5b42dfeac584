"""One line (and its buttons) per thing: follow-ups, renewals, stale accounts, accounts,
interactions, contacts. Lists, the account card, the App Home and nudges share these."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain import (
    Account,
    AccountStatus,
    ActionKind,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    Interaction,
    InteractionKind,
    NextAction,
)
from bot.health import Health
from bot.render import ids
from bot.render.blocks import Block, actions, button, confirm, section
from bot.render.health import health_label
from bot.render.layout import Item
from bot.render.reply import Viewer
from bot.render.text import (
    calendar_day,
    date_token,
    days_phrase,
    link,
    local_day,
    mention,
    money,
    one_line,
    owner_text,
    plural,
    safe,
)

NAME_IN_LINE = 250  # escaped characters of an account name inside a line
TEXT_IN_LINE = 600  # of a follow-up's text
SUMMARY_IN_LIST = 1500  # of an interaction's summary under its line

_KIND_LABELS = {InteractionKind.QBR: "QBR"}


def kind_label(kind: InteractionKind) -> str:
    return _KIND_LABELS.get(kind, kind.value)


def account_name(account: Account, limit: int = NAME_IN_LINE) -> str:
    """The account's name, escaped and bold."""
    return f"*{safe(one_line(account.name), limit)}*"


# --- follow-ups ------------------------------------------------------------------------


def days_overdue(due: datetime, viewer: Viewer) -> int:
    """Calendar days between the due day and today, in the viewer's zone."""
    return (viewer.today - local_day(due, viewer)).days


def follow_up_due(follow_up: FollowUp, viewer: Viewer) -> str:
    if follow_up.status is not FollowUpStatus.OPEN:
        return follow_up.status.value
    due = follow_up.effective_due
    verb = "snoozed to" if follow_up.snoozed_until is not None else "due"
    shown = f"{verb} {date_token(due, viewer, with_time=True)}"
    if due >= viewer.now:
        return shown
    days = days_overdue(due, viewer)
    return f"{shown} — {plural(days, 'day')} overdue" if days > 0 else f"{shown} — overdue"


def follow_up_line(
    follow_up: FollowUp,
    account: Account | None,
    viewer: Viewer,
    *,
    show_owner: bool = True,
    text_limit: int = TEXT_IN_LINE,
) -> str:
    """ "*#3* send the proposal · *Acme Corp* · due Fri 8 Jan 09:00 — 2 days overdue · @bob"."""
    pieces = [f"*#{follow_up.number}* {safe(one_line(follow_up.text), text_limit)}"]
    if account is not None:
        pieces.append(account_name(account))
    pieces.append(follow_up_due(follow_up, viewer))
    if show_owner:
        pieces.append(mention(follow_up.owner_id))
    return " · ".join(pieces)


def follow_up_buttons(number: int, account_id: int) -> list[Block]:
    """Done, Snooze 1 day, Snooze 1 week (value: the follow-up number), Log a touch."""
    value = str(number)
    return [
        button("Done", ids.FOLLOW_UP_DONE, value, style="primary"),
        button("Snooze 1 day", ids.FOLLOW_UP_SNOOZE_DAY, value),
        button("Snooze 1 week", ids.FOLLOW_UP_SNOOZE_WEEK, value),
        log_touch_button(account_id),
    ]


def follow_up_actions(number: int, account_id: int) -> Block:
    return actions(f"{ids.FOLLOW_UP_BLOCK_PREFIX}{number}", follow_up_buttons(number, account_id))


def follow_up_item(
    follow_up: FollowUp,
    account: Account | None,
    viewer: Viewer,
    *,
    show_owner: bool = True,
    text_limit: int = TEXT_IN_LINE,
) -> Item:
    line = follow_up_line(follow_up, account, viewer, show_owner=show_owner, text_limit=text_limit)
    blocks: tuple[Block, ...] = (section(line),)
    if follow_up.status is FollowUpStatus.OPEN:
        blocks += (follow_up_actions(follow_up.number, follow_up.account_id),)
    return Item(line, blocks)


# --- renewals --------------------------------------------------------------------------


def renewal_terms(contract: Contract, viewer: Viewer) -> str:
    """Value, renewal date and distance, notice deadline, auto-renew, direction."""
    today = viewer.today
    days = (contract.renewal_date - today).days
    renewal = calendar_day(contract.renewal_date, viewer)
    pieces = [money(contract.value, contract.currency)]
    if contract.direction is ContractDirection.WE_BUY:
        pieces[0] += " (we buy)"
    if contract.outcome is not None:
        pieces.append(f"{contract.outcome.value} ({renewal})")
    elif days < 0:
        pieces.append(f"renewal date was {renewal} — record the outcome")
    else:
        pieces.append(f"renews {renewal} ({days_phrase(days)})")
    deadline = contract.notice_deadline
    if deadline is not None and contract.outcome is None and days >= 0:
        if deadline >= today:
            pieces.append(
                f"give notice by {calendar_day(deadline, viewer)} "
                f"({days_phrase((deadline - today).days)})"
            )
        else:
            pieces.append(f"notice deadline passed ({calendar_day(deadline, viewer)})")
    if contract.auto_renew:
        pieces.append("auto-renews")
    return " · ".join(pieces)


def _dated(day: date, viewer: Viewer) -> str:
    return f"{calendar_day(day, viewer)} ({days_phrase((day - viewer.today).days)})"


def action_terms(contract: Contract, action: NextAction, viewer: Viewer) -> str:
    """The date that needs action first, and what it is, then the other date, value,
    auto-renew: "notice by Fri 15 Jan (in 46 days) · renews Mon 1 Mar · 24,000 EUR"."""
    renewal = calendar_day(contract.renewal_date, viewer)
    deadline = contract.notice_deadline
    if action.kind is ActionKind.NOTICE:
        pieces = [
            f"notice by {_dated(action.day, viewer)}",
            f"renews {_dated(contract.renewal_date, viewer)}",
        ]
    elif contract.renewal_date < viewer.today:
        pieces = [f"renewal date was {renewal} — record the outcome"]
    else:
        pieces = [f"renews {_dated(contract.renewal_date, viewer)}"]
        if deadline is not None and deadline >= viewer.today:
            pieces.append(f"notice by {_dated(deadline, viewer)}")
        elif deadline is not None:
            pieces.append(f"notice deadline passed ({calendar_day(deadline, viewer)})")
    value = money(contract.value, contract.currency)
    if contract.direction is ContractDirection.WE_BUY:
        value += " (we buy)"
    pieces.append(value)
    if contract.auto_renew:
        pieces.append("auto-renews")
    return " · ".join(pieces)


def renewal_line(
    contract: Contract,
    account: Account,
    viewer: Viewer,
    *,
    show_owner: bool = True,
    action: NextAction | None = None,
) -> str:
    """The account and the contract's terms; led by ``action`` when given (lists in the
    order of the next date that needs action)."""
    terms = (
        renewal_terms(contract, viewer)
        if action is None
        else action_terms(contract, action, viewer)
    )
    pieces = [account_name(account), terms]
    if show_owner:
        pieces.append(owner_text(account.owner))
    return " · ".join(pieces)


def renewal_buttons(contract: Contract, *, snooze: bool = False) -> list[Block]:
    """Renewed, Not renewing, [Snooze 1 week,] Log a touch. A decision names the contract and
    the renewal date it decides, so pressing it twice (or on an old message) decides once."""
    value = ids.renewal_value(contract.id, contract.renewal_date)
    buttons = [
        button("Renewed", ids.RENEWAL_RENEWED, value, style="primary"),
        button(
            "Not renewing",
            ids.RENEWAL_NOT_RENEWING,
            value,
            confirm=confirm(
                "Not renewing?",
                "This records the contract as not renewed (churned when we sell, cancelled "
                "when we buy).",
                "Not renewing",
            ),
        ),
    ]
    if snooze:
        buttons.append(button("Snooze 1 week", ids.RENEWAL_SNOOZE_WEEK, value))
    buttons.append(log_touch_button(contract.account_id))
    return buttons


def renewal_item(
    contract: Contract,
    account: Account,
    viewer: Viewer,
    *,
    show_owner: bool = True,
    snooze: bool = False,
    action: NextAction | None = None,
) -> Item:
    line = renewal_line(contract, account, viewer, show_owner=show_owner, action=action)
    block_id = f"{ids.RENEWAL_BLOCK_PREFIX}{contract.id}"
    return Item(line, (section(line), actions(block_id, renewal_buttons(contract, snooze=snooze))))


# --- accounts --------------------------------------------------------------------------


def log_touch_button(account_id: int) -> Block:
    return button("Log a touch", ids.LOG_TOUCH, str(account_id))


def days_past_cadence(account: Account, viewer: Viewer) -> int:
    return max((viewer.now - account.next_touch_due).days, 0)


def last_touch(account: Account, viewer: Viewer) -> str:
    if account.last_touch_at is None:
        return f"never touched (added {date_token(account.created_at, viewer)})"
    return f"last touch {date_token(account.last_touch_at, viewer)}"


def stale_line(account: Account, viewer: Viewer, *, show_owner: bool = True) -> str:
    """ "*Acme Corp* · 12 days past its 30-day cadence · last touch Tue 5 Jan · @bob"."""
    days = days_past_cadence(account, viewer)
    past = f"{plural(days, 'day')} past" if days else "due for a touch by"
    pieces = [
        account_name(account),
        f"{past} its {account.cadence_days}-day cadence",
        last_touch(account, viewer),
    ]
    if show_owner:
        pieces.append(owner_text(account.owner))
    return " · ".join(pieces)


def stale_buttons(account_id: int, *, snooze_days: int | None = None) -> list[Block]:
    """Log a touch; with ``snooze_days`` (the cadence) also "Snooze N days" (nudges)."""
    buttons = [log_touch_button(account_id)]
    if snooze_days is not None:
        label = f"Snooze {plural(snooze_days, 'day')}"
        buttons.append(button(label, ids.STALE_SNOOZE, str(account_id)))
    return buttons


def stale_item(
    account: Account,
    viewer: Viewer,
    *,
    show_owner: bool = True,
    snooze_days: int | None = None,
) -> Item:
    line = stale_line(account, viewer, show_owner=show_owner)
    block_id = f"{ids.STALE_BLOCK_PREFIX}{account.id}"
    buttons = stale_buttons(account.id, snooze_days=snooze_days)
    return Item(line, (section(line), actions(block_id, buttons)))


def health_item(account: Account, health: Health) -> Item:
    """ "*Acme Corp* · 🔴 27 · at risk" and the reason, with a Log a touch button."""
    line = f"{account_name(account)} · {health_label(health)}\n{safe(one_line(health.reason), 500)}"
    block_id = f"{ids.ACCOUNT_BLOCK_PREFIX}{account.id}"
    return Item(line, (section(line), actions(block_id, [log_touch_button(account.id)])))


def tags_text(tags: tuple[str, ...]) -> str:
    return " ".join(f"`{safe(t, 60)}`" for t in tags)


def account_line(account: Account, *, show_owner: bool = True) -> str:
    """ "*Acme Corp* · customer · gold · at risk · @bob · `emea`"."""
    pieces = [account_name(account), account.kind.value]
    if account.tier:
        pieces.append(safe(account.tier, 60))
    if account.status is not AccountStatus.ACTIVE:
        pieces.append(account.status.label)
    if show_owner:
        pieces.append(owner_text(account.owner))
    if account.tags:
        pieces.append(tags_text(account.tags))
    return " · ".join(pieces)


# --- interactions and contacts ---------------------------------------------------------


def interaction_text(
    interaction: Interaction, viewer: Viewer, *, summary_limit: int = SUMMARY_IN_LIST
) -> str:
    """ "Tue 5 Jan · *call* · by @bob · message" and the summary on the next line."""
    head = [
        date_token(interaction.occurred_at, viewer),
        f"*{kind_label(interaction.kind)}*",
        f"by {mention(interaction.logged_by)}",
    ]
    original = link(interaction.permalink, "message")
    if original is not None:
        head.append(original)
    return " · ".join(head) + "\n" + safe(interaction.summary.strip(), summary_limit)


def interaction_item(
    interaction: Interaction, viewer: Viewer, *, summary_limit: int = SUMMARY_IN_LIST
) -> Item:
    text = interaction_text(interaction, viewer, summary_limit=summary_limit)
    line = text.replace("\n", " — ", 1)
    return Item(line, (section(text),))


def contact_line(contact: Contact) -> str:
    pieces = [f"*{safe(one_line(contact.name), 200)}*"]
    pieces += [safe(v, 200) for v in (contact.title, contact.email, contact.phone) if v]
    if contact.slack_user_id:
        pieces.append(mention(contact.slack_user_id))
    return " · ".join(pieces)
