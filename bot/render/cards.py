"""The account card (`show <account>`): who, what, the contract, touches, follow-ups,
recent interactions and contacts."""

from __future__ import annotations

from bot.domain import Account
from bot.render import ids
from bot.render.blocks import (
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    Block,
    actions,
    fields_section,
    header,
    section,
    unique_block_ids,
)
from bot.render.health import health_text
from bot.render.items import (
    contact_line,
    days_past_cadence,
    follow_up_item,
    interaction_item,
    kind_label,
    log_touch_button,
    renewal_buttons,
    renewal_terms,
    tags_text,
)
from bot.render.layout import Item, Part, fallback_text, fit
from bot.render.reply import Reply, Viewer
from bot.render.text import date_token, one_line, owner_text, pack_lines, plural, safe
from bot.render.watching import watchers_text
from bot.services.queries import AccountCard

CARD_SUMMARY = 500  # characters of each interaction's summary on the card


def _facts(account: Account, watchers: tuple[str, ...]) -> list[str]:
    return [
        f"*Owner*\n{owner_text(account.owner, assign_hint=account.name)}",
        f"*Kind*\n{account.kind.value}",
        f"*Tier*\n{safe(account.tier, 200) if account.tier else '—'}",
        f"*Status*\n{account.status.label}",
        f"*Cadence*\nevery {plural(account.cadence_days, 'day')}",
        f"*Tags*\n{tags_text(account.tags) if account.tags else '—'}",
        f"*Watchers*\n{watchers_text(watchers) if watchers else '—'}",
    ]


def _touches(card: AccountCard, viewer: Viewer) -> str:
    account = card.account
    last = card.last_touch
    if account.last_touch_at is None:
        shown = "Last touch: never"
    else:
        shown = f"Last touch {date_token(account.last_touch_at, viewer)}"
        if last is not None and last.occurred_at == account.last_touch_at:
            shown += f" ({kind_label(last.kind)})"
    due = f"next touch due {date_token(account.next_touch_due, viewer)}"
    late = days_past_cadence(account, viewer)
    if late:
        due += f" — {plural(late, 'day')} past cadence"
    return f"*Touches*\n{shown} · {due}"


def _contract(card: AccountCard, viewer: Viewer) -> list[Block]:
    if card.contract is None:
        name = safe(one_line(card.account.name), 250)
        return [
            section(
                f"*Contract*\nNo open contract. Add one with "
                f"`contract {name}: 12000 EUR renews 2027-06-30 notice 60 days`."
            )
        ]
    block_id = f"{ids.RENEWAL_BLOCK_PREFIX}{card.contract.id}"
    return [
        section(f"*Contract*\n{renewal_terms(card.contract, viewer)}"),
        actions(block_id, renewal_buttons(card.contract)[:2]),
    ]


def account_card(card: AccountCard, viewer: Viewer) -> Reply:
    account = card.account
    title = safe(one_line(account.name))
    health = [section(f"*Health*\n{health_text(card.health)}")] if card.health else []
    lead: list[Block] = [
        header(title),
        fields_section(_facts(account, card.watchers)),
        *health,
        *_contract(card, viewer),
        section(_touches(card, viewer)),
    ]
    tail: list[Block] = [
        actions(f"{ids.ACCOUNT_BLOCK_PREFIX}{account.id}", [log_touch_button(account.id)])
    ]
    contacts = [contact_line(contact) for contact in card.contacts]
    parts = [
        Part(
            "*Open follow-ups*",
            [follow_up_item(f, None, viewer) for f in card.follow_ups],
            "No open follow-ups.",
        ),
        Part(
            "*Last interactions*",
            [interaction_item(i, viewer, summary_limit=CARD_SUMMARY) for i in card.interactions],
            "Nothing logged yet.",
            count_in_title=False,
        ),
        # Contacts are short: one section of lines rather than a block each.
        Part(
            f"*Contacts* ({len(contacts)})" if contacts else "*Contacts*",
            [Item("\n".join(contacts), (section(pack_lines(contacts, SECTION_TEXT)),))]
            if contacts
            else [],
            "No contacts yet.",
            count_in_title=False,
        ),
    ]
    budget = MESSAGE_BLOCKS - len(lead) - len(tail)
    blocks = unique_block_ids([*lead, *fit(parts, budget), *tail])
    text = fallback_text(f"{title} · {owner_text(account.owner)}", parts)
    return Reply(text=text, blocks=blocks)
