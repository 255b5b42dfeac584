"""Replies that list things: find, history, who owns, mine, accounts, overdue, due, renewals,
notices, stale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot import commands as c
from bot.domain import Account, RenewalPeriod, name_key
from bot.health import Health
from bot.paging import More, Page
from bot.parser.lists import accounts_line, renewals_line
from bot.render import ids
from bot.render.blocks import MESSAGE_BLOCKS, SECTION_TEXT, Block, actions, button, context, section
from bot.render.health import health_label
from bot.render.items import (
    account_line,
    account_name,
    follow_up_item,
    interaction_item,
    renewal_item,
    stale_item,
)
from bot.render.layout import FALLBACK_TEXT, Item, Part, fallback_text, fit
from bot.render.reply import Reply, Viewer
from bot.render.text import mention, more_line, one_line, owner_text, pack_lines, safe, to_plain
from bot.services.queries import (
    DEFAULT_RENEWAL_WINDOW_DAYS,
    UNRESOLVED_OWNER_QUERY,
    AccountList,
    FollowUpItem,
    Found,
    History,
    MySummary,
    RenewalList,
)

# How to ask for fewer, said under a list that has more than it shows.
NARROW_EVERYONES = "Narrow it: `{what} @user`, or `{what}` for your own."
NARROW_RENEWALS = "Narrow it: `renewals in 30 days`."
NARROW_MY_FOLLOW_UPS = "Narrow it: `overdue` or `due today`."
CLOSE = "Close several at once: `done <id> <id> …`."


def list_reply(parts: Sequence[Part], *, lead: str | None = None) -> Reply:
    """Parts within one message's 50 blocks; the fallback text lists the same lines."""
    head: list[Block] = [section(lead)] if lead else []
    blocks = head + fit(parts, MESSAGE_BLOCKS - len(head))
    return Reply(text=fallback_text(lead, parts), blocks=blocks)


def _whose(scope: c.Scope, user_id: str | None, viewer: Viewer, mine: str, what: str) -> str:
    if scope is c.Scope.ALL:
        return f"*{what} (everyone)*"
    if scope is c.Scope.USER and user_id and user_id != viewer.user_id:
        return f"*{what} of* {mention(user_id)}"
    return f"*{mine}*"


def found(result: Found) -> Reply:
    query = safe(one_line(result.query), 200)
    if name_key(result.query) == UNRESOLVED_OWNER_QUERY:
        title = "*Accounts whose owner is not a Slack user yet*"
        empty = "Every account's owner is a Slack user."
    else:
        title = f"*Accounts matching “{query}”*"
        if result.archived:
            names = " and ".join(f"*{safe(a.name, 250)}*" for a in result.archived[:3])
            more = len(result.archived) - 3
            names += f" and {more} more" if more > 0 else ""
            first = safe(one_line(result.archived[0].name), 250)
            empty = (
                f"No active account matches “{query}”; archived: {names}. "
                f"`find {query} archived` lists {'them' if len(result.archived) > 1 else 'it'}; "
                f"`status {first} active` brings it back."
            )
        elif result.suggestions:
            names = " or ".join(f"*{safe(s, 250)}*" for s in result.suggestions)
            empty = f"No account matches “{query}”. Did you mean {names}?"
        else:
            empty = f"No account matches “{query}”. Add one with `add {query}`."
    items = []
    for account in result.accounts:
        line = account_line(account)
        items.append(Item(line, (section(line),)))
    return list_reply([Part(title, items, empty)])


def history(result: History, viewer: Viewer) -> Reply:
    name = account_name(result.account)
    key = safe(one_line(result.account.name), 250)
    items = [interaction_item(i, viewer) for i in result.interactions]
    empty = f"Nothing logged with {name} yet. Log a touch with `log call with {key}: …`."
    return list_reply([Part(f"History of {name}, newest first", items, empty)])


def who_owns(account: Account) -> Reply:
    name = account_name(account)
    if account.owner.user_id is None and not account.owner.unresolved:
        key = safe(one_line(account.name), 250)
        line = f"Nobody owns {name} yet — `assign {key} @user`."
    else:
        line = f"{name} is owned by {owner_text(account.owner, assign_hint=account.name)}."
    return list_reply([], lead=line)


def mine(summary: MySummary, viewer: Viewer) -> Reply:
    page = summary.accounts
    lines = [account_line(a, show_owner=False) for a in page.items]
    packed = pack_lines(lines, SECTION_TEXT, more=page.more)
    accounts = [Item("\n".join(lines), (section(packed),))] if lines else []
    return list_reply(
        [
            Part(
                f"*Your accounts* ({page.total})" if lines else "*Your accounts*",
                accounts,
                "You don't own any accounts yet. Add one with `add <name>`.",
                count_in_title=False,
            ),
            Part(
                "*Your open follow-ups*",
                [
                    follow_up_item(i.follow_up, i.account, viewer, show_owner=False)
                    for i in summary.follow_ups.items
                ],
                "No open follow-ups.",
                more=summary.follow_ups.more,
                narrow=NARROW_MY_FOLLOW_UPS,
            ),
            Part(
                f"*Your renewals in the next {DEFAULT_RENEWAL_WINDOW_DAYS} days*",
                [
                    renewal_item(i.contract, i.account, viewer, show_owner=False, action=i.action)
                    for i in summary.renewals.items
                ],
                "No renewals coming up.",
                more=summary.renewals.more,
                more_at_least=summary.renewals.capped,
                narrow=NARROW_RENEWALS,
            ),
        ]
    )


def _viewers_own(command: c.ListAccounts, viewer: Viewer) -> bool:
    return command.scope is c.Scope.MINE or (
        command.scope is c.Scope.USER and command.user_id in (None, viewer.user_id)
    )


def _accounts_title(command: c.ListAccounts, viewer: Viewer) -> str:
    """What was understood, in words: "Accounts of @bob, suppliers, tier gold"."""
    if _viewers_own(command, viewer):
        pieces = ["Your accounts"]
    elif command.scope is c.Scope.USER and command.user_id:
        pieces = [f"Accounts of {mention(command.user_id)}"]
    else:
        pieces = ["All accounts"]
    if command.kind is not None:
        pieces.append(f"{command.kind.value}s")
    if command.tier is not None:
        pieces.append(f"tier {safe(one_line(command.tier), 60)}")
    if command.tag is not None:
        pieces.append(f"tagged `{safe(one_line(command.tag), 60)}`")
    if command.at_risk:
        pieces.append("at risk")
    if command.by_health:
        pieces.append("by health")
    return ", ".join(pieces)


def _sections(lines: Sequence[str]) -> list[Block]:
    """Lines packed into as few sections as hold them whole: a page is shown entirely, so
    that "Show more" goes on right after its last line."""
    blocks: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > SECTION_TEXT:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def _with_health(line: str, health: Health | None) -> str:
    """An account's line with its health after it, the reason cut to one line's worth."""
    if health is None:
        return line
    return f"{line} · {health_label(health)}\n      _{safe(one_line(health.reason), 200)}_"


def accounts(result: AccountList, command: c.ListAccounts, viewer: Viewer) -> Reply:
    """A page of `accounts`, its header saying how the line was read, with "Show more"."""
    page = result.page
    title = _accounts_title(command, viewer)
    count = f"{page.total}{'+' if page.capped else ''}"
    if not page.items:
        if result.continued:
            empty = "No more accounts: that was the whole list."
        elif command == c.ListAccounts():
            empty = (
                "You don't own any accounts yet. See everyone's with `accounts all`, "
                "or add one with `add Acme Corp`."
            )
        else:
            empty = (
                f"No accounts match those filters ({title}). "
                "Try fewer filters, or `accounts all` for everyone's."
            )
        return list_reply([], lead=empty)
    heading = f"*{title}* — {count} left" if result.continued else f"*{title}* — {count}"
    show_owner = not _viewers_own(command, viewer)
    lines = [
        _with_health(account_line(a, show_owner=show_owner), result.health.get(a.id))
        for a in page.items
    ]
    blocks = [section(heading), *_sections(lines)]
    text = [heading, *lines]
    if result.kept_order:
        note = (
            "A long list: ordered by the hourly health check; each score shown is as of now. "
            "Narrow it (`accounts @user by health`) for an order as of now."
        )
        blocks.append(context(note))
        text.append(note)
    if page.more:
        more = more_line(page.more, at_least=page.capped)
        blocks.append(context(more, "Narrow it: a kind, `tier gold`, `tag emea` or `at risk`."))
        text.append(more)
    if page.cursor is not None:
        # "mine" would be the clicker's: the button names whose list this is.
        mine = command.scope is c.Scope.MINE
        shown = replace(command, scope=c.Scope.USER, user_id=viewer.user_id) if mine else command
        value = More(accounts_line(shown), page.cursor).encode()
        blocks.append(
            actions(
                f"{ids.MORE_BLOCK_PREFIX}accounts",
                [button("Show more", ids.SHOW_MORE, value)],
            )
        )
    fallback = pack_lines([to_plain(line) for line in text], FALLBACK_TEXT)
    return Reply(text=fallback, blocks=blocks[:MESSAGE_BLOCKS])


def overdue(page: Page[FollowUpItem], command: c.Overdue, viewer: Viewer) -> Reply:
    title = _whose(
        command.scope, command.user_id, viewer, "Your overdue follow-ups", "Overdue follow-ups"
    )
    show_owner = command.scope is not c.Scope.MINE
    narrow = NARROW_EVERYONES.format(what="overdue") if command.scope is c.Scope.ALL else CLOSE
    return list_reply(
        [
            Part(
                title,
                [
                    follow_up_item(i.follow_up, i.account, viewer, show_owner=show_owner)
                    for i in page.items
                ],
                "Nothing overdue. :tada:",
                more=page.more,
                narrow=narrow,
            )
        ]
    )


def due(page: Page[FollowUpItem], command: c.Due, viewer: Viewer) -> Reply:
    this_week = command.period == "this week"
    title = "*Due this week*" if this_week else "*Due today*"
    empty = "Nothing due this week." if this_week else "Nothing due today."
    return list_reply(
        [
            Part(
                title,
                [
                    follow_up_item(i.follow_up, i.account, viewer, show_owner=False)
                    for i in page.items
                ],
                empty,
                more=page.more,
                narrow="Narrow it: `due today`." if this_week else CLOSE,
            )
        ]
    )


def _renewals_title(command: c.Renewals | c.Notices, result: RenewalList) -> str:
    window = result.window
    if isinstance(command, c.Notices):
        days = command.within_days or DEFAULT_RENEWAL_WINDOW_DAYS
        return f"*Notice deadlines in the next {days} days*"
    if command.period is RenewalPeriod.NEXT_QUARTER:
        first, last = window.first_day, window.last_day
        return f"*Renewals next quarter* ({first:%-d %b} – {last:%-d %b %Y})"
    if command.period is not None:
        return f"*Renewals {command.period.value}* (to {window.last_day:%-d %b})"
    days = command.within_days or DEFAULT_RENEWAL_WINDOW_DAYS
    return f"*Renewals in the next {days} days*"


def renewals(result: RenewalList, command: c.Renewals | c.Notices, viewer: Viewer) -> Reply:
    """A page of `renewals` or `notices`, each row led by its date that needs action, with a
    "Show more" button when the list goes on."""
    page = result.page
    title = _renewals_title(command, result)
    notices = isinstance(command, c.Notices)
    if result.continued:
        title += " — continued"
        empty = "No more: that was the whole list."
    elif notices:
        empty = "No notice deadlines in that window."
    else:
        empty = "No renewals or notice deadlines in that window."
    part = Part(
        title,
        [renewal_item(i.contract, i.account, viewer, action=i.action) for i in page.items],
        empty,
        more=page.more,
        more_at_least=page.capped,
        narrow="Narrow it: `notices in 30 days`." if notices else NARROW_RENEWALS,
    )
    if page.cursor is None:
        return list_reply([part])
    button_row = actions(
        f"{ids.MORE_BLOCK_PREFIX}{'notices' if notices else 'renewals'}",
        [button("Show more", ids.SHOW_MORE, More(renewals_line(command), page.cursor).encode())],
    )
    blocks = [*fit([part], MESSAGE_BLOCKS - 1), button_row]
    return Reply(text=fallback_text(None, [part]), blocks=blocks)


def stale(page: Page[Account], command: c.Stale, viewer: Viewer) -> Reply:
    title = _whose(command.scope, command.user_id, viewer, "Your stale accounts", "Stale accounts")
    # Longest past cadence first, whatever order the query returned.
    ordered = sorted(page.items, key=lambda a: a.next_touch_due)
    show_owner = command.scope is not c.Scope.MINE
    narrow = (
        NARROW_EVERYONES.format(what="stale")
        if command.scope is c.Scope.ALL
        else "Log a touch to take one off the list."
    )
    return list_reply(
        [
            Part(
                title,
                [stale_item(a, viewer, show_owner=show_owner) for a in ordered],
                "No stale accounts: every one was touched within its cadence. :sparkles:",
                more=page.more,
                more_at_least=page.capped,
                narrow=narrow,
            )
        ]
    )
