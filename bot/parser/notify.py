"""`settings workspace notify …`: which channel hears which event, for which accounts.

    notify #channel when <event> [for <kind> | tier <t> | tag <t>]      add a rule
    notify #channel when <event> [filter] off                           remove it
    notify remove <N>                               remove rule N of `settings workspace`

Events as people type them: `renewal step` (renewal, renewals), `notice deadline` (notice,
notices), `outcome recorded` (outcome, outcomes), `account at risk` (at risk), `follow-up
overdue 7 days` (overdue, follow-up overdue). `escalation` sets the escalation channel, the
one rule that is a workspace setting of its own (`settings workspace escalation #channel`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.commands import AddNotifyRule, Command, RemoveNotifyRule, SetEscalationChannel
from bot.domain import MAX_TAG_LENGTH, MAX_TIER_LENGTH, AccountKind
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRuleSpec
from bot.parser import reading, tags
from bot.parser.reading import Unreadable

ESCALATION = "escalation"
_EVENT_WORDS: Mapping[str, NotifyEvent | str] = {
    **dict.fromkeys(
        ("renewal step", "renewal steps", "renewal", "renewals", "ladder", "ladder steps"),
        NotifyEvent.RENEWAL_STEP,
    ),
    **dict.fromkeys(
        ("notice deadline", "notice deadlines", "notice", "notices"), NotifyEvent.NOTICE_DEADLINE
    ),
    **dict.fromkeys(
        ("outcome recorded", "outcomes recorded", "outcome", "outcomes"),
        NotifyEvent.OUTCOME_RECORDED,
    ),
    **dict.fromkeys(
        ("account at risk", "accounts at risk", "at risk", "at-risk"), NotifyEvent.ACCOUNT_AT_RISK
    ),
    **dict.fromkeys(
        (
            "follow-up overdue 7 days",
            "follow-up overdue",
            "overdue",
            "overdue 7 days",
            "overdue follow-up",
            "follow-up 7 days overdue",
            "7 days overdue",
        ),
        NotifyEvent.FOLLOW_UP_OVERDUE,
    ),
    ESCALATION: ESCALATION,
    "escalations": ESCALATION,
}
_KINDS = {kind.value: kind for kind in AccountKind} | {
    f"{kind.value}s": kind for kind in AccountKind
}
_FILTER_WORDS = ("for", "tier", "tag")
EVENTS_TEXT = ", ".join(f"`{event.words}`" for event in NotifyEvent)
_USAGE = "`settings workspace notify #channel when renewal step for customer`"


def _event_key(words: list[str]) -> str:
    """The event as typed, folded: spacing, case, and every spelling of "follow-up"."""
    text = " ".join(words).casefold()
    text = re.sub(r"\bfollow[\s-]*ups?\b", "follow-up", text)
    return re.sub(r"\bseven\b", "7", text).strip(" .!")


def parse_notify(value: str) -> Command:
    """A rule to add or remove (see the module docstring)."""
    found = tags.pieces(value)
    words = [piece.text for piece in found]
    if words and words[0].casefold() in ("remove", "delete") and len(words) == 2:
        number = reading.small_int(words[1].lstrip("#"))
        if number is None or number < 1:
            raise Unreadable(
                "Which rule? Give its number in `settings workspace`, not "
                f"{reading.quote(words[1])}."
            )
        return RemoveNotifyRule(number=number)
    channel = reading.CHANNEL.fullmatch(words[0]) if words else None
    if channel is None:
        typed = reading.quote(words[0]) if words else "nothing"
        raise Unreadable(
            f"Which channel should hear it? Type # and pick it from Slack's list (not {typed}), "
            f"like {_USAGE}."
        )
    rest, pieces = words[1:], found[1:]
    if rest and rest[0].casefold() == "when":
        rest, pieces = rest[1:], pieces[1:]
    off = bool(rest) and rest[-1].casefold() in ("off", "remove", "stop")
    if off:
        rest, pieces = rest[:-1], pieces[:-1]
    # The filter starts at `for`, `tier`, `tag`, or a kind written without `for`.
    starts = (*_FILTER_WORDS, *_KINDS)
    cut = next(
        (i for i, p in enumerate(pieces) if not p.quoted and p.text.casefold() in starts),
        len(rest),
    )
    event = _EVENT_WORDS.get(_event_key(rest[:cut]))
    if event is None:
        typed = reading.quote(" ".join(rest[:cut])) if cut else "no event"
        raise Unreadable(
            f"A channel can hear of {EVENTS_TEXT} (or escalations), not {typed}: say it {_USAGE}."
        )
    chosen = _filter(pieces[cut:])
    if not isinstance(event, NotifyEvent):  # the escalation channel
        if chosen is not None or off:
            raise Unreadable(
                "Escalations go to one channel for every account: "
                "`settings workspace escalation #channel` moves them."
            )
        return SetEscalationChannel(channel[1])
    spec = NotifyRuleSpec(channel[1], event, chosen)
    return RemoveNotifyRule(rule=spec) if off else AddNotifyRule(spec)


def _filter(found: list[tags.Piece]) -> NotifyFilter | None:
    """`for <kind>`, `[for] tier <t>` or `[for] tag <t>`: at most one, nothing after it."""
    if not found:
        return None
    words = [p.text.casefold() for p in found]
    if words[0] == "for":
        found, words = found[1:], words[1:]
    if not found:
        raise Unreadable(f"For which accounts? A kind, `tier <t>` or `tag <t>`: {_USAGE}.")
    if words[0] in ("tier", "tag"):
        if len(found) != 2:
            raise Unreadable(
                f"A rule has at most one filter: one {words[0]}, written like `{words[0]} gold` "
                '(a tag with spaces in quotes: `tag "key account"`).'
            )
        value = found[1].text if words[0] == "tier" else tags.filter_tag(found[1])
        limit = MAX_TIER_LENGTH if words[0] == "tier" else MAX_TAG_LENGTH
        if not value or len(value) > limit:
            raise Unreadable(f"A {words[0]} is 1 to {limit} characters.")
        return NotifyFilter(FilterBy(words[0]), value)
    kind = _KINDS.get(words[0])
    if kind is None or len(found) != 1:
        kinds = ", ".join(k.value for k in AccountKind)
        raise Unreadable(
            f"A rule is for one kind ({kinds}), one `tier <t>` or one `tag <t>`, not "
            f"{reading.quote(' '.join(p.text for p in found))}."
        )
    return NotifyFilter(FilterBy.KIND, kind.value)
