"""`help` and `help <topic>`, from the parser's USAGE table so they never drift apart."""

from __future__ import annotations

from bot.domain import InteractionKind
from bot.parser.usage import USAGE
from bot.render.blocks import SECTION_TEXT, Block, context, section
from bot.render.reply import Reply
from bot.render.text import one_line, pack_lines, safe, to_plain

_ABOUT = {
    "help": "usage with examples",
    "add": "a new account; you own it unless you name an owner",
    "rename": "rename an account",
    "archive": "archive an account: it leaves lists and nudges, `find … archived` finds it",
    "status": "mark an account active, at risk or churned",
    "tag": "tag an account (tags are found by `find`); a tag with spaces goes in quotes",
    "untag": "remove a tag",
    "contract": "add or replace the open contract",
    "log": "record a touch, optionally with a follow-up",
    "follow up": "a new follow-up, yours unless `for @user`",
    "done": "close follow-ups: all the numbers given, or none",
    "snooze": "move follow-ups: all the numbers given, or none",
    "cancel": "cancel follow-ups: all the numbers given, or none",
    "reopen": "open again follow-ups closed or cancelled by mistake",
    "undo": "take back your own last change of the last hour; again goes one further back",
    "find": "accounts by name, tag or contact, best match first",
    "show": "the account card",
    "history": "interactions, newest first",
    "who owns": "who owns an account",
    "assign": "give an account to someone (its owner or an admin)",
    "contact": "add a contact: name, then title, e-mail and phone in any order",
    "mine": "your accounts, open follow-ups, renewals and notice deadlines in the next 90 days",
    "accounts": "list accounts by name: yours, someone's or all; filters combine",
    "overdue": "overdue follow-ups: yours, someone's, or everyone's",
    "due": "your follow-ups due today or this week",
    "renewals": "contracts whose renewal or notice deadline is in the window, by the next "
    "date that needs action, with value and owner",
    "notices": "coming notice deadlines (renewal date minus notice), soonest first",
    "stale": "accounts past their cadence, longest first",
    "report": "the weekly team report, now and only for you: touches per owner, overdue "
    "follow-ups, the next 90 days' renewals and notices, the week's outcomes, and a chart",
    "renewed": "record a renewal: the next term starts",
    "churned": "record that a contract is not renewing",
    "watch": "an account you don't own: its renewal news in your own digest",
    "unwatch": "stop watching an account",
    "settings": "your preferences; `settings` alone shows them",
}
_NOTES = {
    "log": "Kinds: "
    + ", ".join(k.value for k in InteractionKind)
    + ". A follow-up without its own text takes the summary's first sentence. "
    "`f/u friday`, `followup friday` and `remind me friday: call back` set one too. "
    "A sentence that starts with one of these words and goes on with a date I can't read "
    "(`follow up nxt week: …`) stops the whole line: nothing is logged, and I show you the "
    "line to correct. Inside a sentence (`we agreed to follow up with legal`), or followed by "
    "no date at all (`Follow-up: none needed`), the words are just part of the summary.",
    "tag": "Each word is a tag: `tag Acme Corp vip emea` gives two. A tag with spaces goes in "
    'quotes, straight or curly: `tag Acme Corp "key account" emea`; or separate the tags with '
    "commas, and each is what stands between them: `tag Acme Corp key account, emea`. The same "
    'tag in another case is the same tag. `untag Acme Corp "key account"` and `accounts tag '
    '"key account"` take it in quotes too.',
    "untag": 'One tag at a time; a tag with spaces in quotes: `untag Acme Corp "key account"`.',
    "follow up": "Without a time, a follow-up is due at the start of your working day.",
    "contract": "Amounts: `24000`, `24,000.50`, `24.000,50 €`, `€24.000`, `$24k`, `24000 EUR`; "
    "without a currency, the workspace's (`settings workspace currency EUR`). A lone `24.000` "
    "follows the workspace's number style (`settings workspace dayfirst on`: German). Notice: "
    "`notice 60 days`, `notice 8 weeks`, `notice 3 months` (calendar months before the "
    "renewal date).",
    "snooze": "`snooze 42 for 3 days` moves it by three days and keeps its time of day; "
    "`snooze 42 until monday` moves it to the start of the owner's working day on Monday; "
    "`snooze 42 to friday 15:00` sets the time. `snooze 42 43 until monday` moves both.",
    "undo": "It says what it took back. A change someone else has changed since, or an "
    "import, is not taken back: I say so and change nothing. An added account with nothing "
    "added to it goes; one with contacts, touches, follow-ups or a contract is archived.",
    "show": "An account's name alone shows its card too: `/crm Acme Corp`. A mark after a "
    "name (`show Acme Corp.`) is ignored, unless the name ends in it (`Yahoo!`). Part of a "
    "name works when one account fits it: its first words (`show acme`), a whole word of it "
    "(`show mifflin`), or its words without accents or marks (`show muller`, `show hooli "
    "inc`). When several fit, you get a button for each, and the one you pick runs your line.",
    "overdue": "Ask as you would: `what's overdue?`, `overdue?`, `show me my overdue`.",
    "renewals": "Ask as you would: `renewals?`, `what are renewals in 30 days?`. Each contract "
    "shows once, at its notice deadline while that is still to come, else at its renewal date "
    "(a deadline passed leaves the renewal as what comes next); outcomes overdue first. A long "
    "list shows 20 at a time with a Show more button.",
    "watch": "You get the account's renewal steps, notice deadlines and outcomes (renewed, "
    "churned, cancelled: by whom, and the value) in your own digest, at your digest time and "
    "on your workdays (`settings nudges instant`: as they come; `off`: nothing). Its "
    "follow-ups and stale reminders stay with its owner, and so do the Renewed and Not "
    "renewing buttons. The owner gets all of it already. `show <account>` names its "
    "watchers; `unwatch <account>` stops it.",
    "notices": "Only contracts with a notice period; `notices?` works too.",
    "accounts": "Kinds: customer, prospect, partner, vendor, supplier, distributor, reseller "
    '(`suppliers` works too). A tag with spaces goes in quotes: `accounts tag "key account"`. '
    "Archived accounts are left out. A long list shows 25 at a time "
    "with a Show more button.",
}
_DATES = (
    "Dates: `today`, `tomorrow`, `friday`, `next friday 15:00`, `in 3 days`, `2027-03-31`, "
    "`15. Januar 2027`, `in 2 Wochen`."
)


def _topic(topic: str | None) -> str | None:
    """The USAGE key meant by ``topic``: exact, or the only command it starts."""
    if topic is None:
        return None
    key = " ".join(topic.casefold().split())
    if key in USAGE:
        return key
    candidates = [k for k in USAGE if k.startswith(key) and " " not in k.removeprefix(key)[1:]]
    return candidates[0] if len(candidates) == 1 else None


def _usage_line(key: str, *, example: bool) -> str:
    usage, sample = USAGE[key]
    line = f"`{safe(usage)}`"
    about = _ABOUT.get(key)
    if about:
        line += f" — {about}"
    if example:
        line += f"\nExample: `/crm {safe(sample)}`"
    return line


def _sections(lines: list[str]) -> list[Block]:
    """Lines grouped into as few sections as the 3,000-character limit allows."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in lines:
        if current and len("\n".join([*current, line])) > SECTION_TEXT:
            blocks.append(section("\n".join(current)))
            current = []
        current.append(line)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def render_help(topic: str | None) -> Reply:
    key = _topic(topic)
    if key is None:
        return _overview(topic)
    lines = [f"*{safe(key)}* — {_usage_line(key, example=True)}"]
    if key in _NOTES:
        lines.append(_NOTES[key])
    related = [k for k in USAGE if k.startswith(key + " ")]
    lines += [_usage_line(k, example=True) for k in related]
    blocks = [*_sections(lines), context(_DATES, "All commands: `help`")]
    return Reply(text=pack_lines([to_plain(line) for line in lines], SECTION_TEXT), blocks=blocks)


def _overview(topic: str | None) -> Reply:
    lead = "*Rapport commands* — type them after `/crm`, after mentioning me, or in a DM."
    if topic:
        lead = f"I have no help on “{safe(one_line(topic), 100)}”. " + lead
    top = [k for k in USAGE if not k.startswith("settings ")]
    lines = [_usage_line(k, example=False) for k in top]
    blocks = [
        section(lead),
        *_sections(lines),
        context(
            "More on one command: `help log`, `help settings`.",
            "Ask as you would (`what's overdue?`, `show me my accounts`); an account's name "
            "alone shows its card.",
            _DATES,
        ),
    ]
    return Reply(text=pack_lines([lead, *lines], SECTION_TEXT), blocks=blocks)
