"""Who the owners and authors an import file names are, found before the import runs.

A file gives people as e-mails or names. Those the workspace already knows come from a
short read of the database; the rest from Slack's directory, called outside any
transaction, so that no Slack call waits while the import holds the database's locks.
The import then runs with a plain mapping from the text in the file to a Slack user id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.domain import SlackProfile, name_key
from bot.ports import Directory, UnitOfWork
from bot.services.importing import SLACK_USER_ID
from bot.transfer.records import (
    AccountRow,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
)


def owner_texts(files: Iterable[ImportFile]) -> list[str]:
    """Every person the files name, once, as the importer will ask for them: stripped, and
    not already a Slack user id."""
    texts: dict[str, None] = {}
    for file in files:
        for row in file.rows:
            match row:
                case AccountRow():
                    people: tuple[str | None, ...] = (row.owner,)
                case InteractionRow():
                    people = (row.logged_by,)
                case FollowUpRow():
                    people = (row.owner, row.created_by, row.completed_by)
                case ContactRow() | ContractRow():
                    people = ()
            for text in people:
                text = (text or "").strip()
                if text and not SLACK_USER_ID.match(text):
                    texts[text] = None
    return list(texts)


def known_owners(uow: UnitOfWork, texts: Iterable[str]) -> dict[str, str]:
    """Those the workspace knows already, by e-mail or display name (a read, no writes; one
    look-up for them all, however many the files name)."""
    return uow.bulk.user_ids(texts)


def slack_owners(directory: Directory, texts: Iterable[str]) -> dict[str, str]:
    """Those Slack knows: users.lookupByEmail for e-mails, the member list (read once, and
    only when a name is asked for) for names. A name counts only when exactly one member
    has it. Call it outside any unit of work."""
    found: dict[str, str] = {}
    by_name: Mapping[str, str | None] | None = None
    for text in texts:
        if "@" in text:
            user_id = directory.user_id_by_email(text)
        else:
            if by_name is None:
                by_name = _unique_names(directory.members())
            user_id = by_name.get(name_key(text))
        if user_id is not None:
            found[text] = user_id
    return found


def _unique_names(members: list[SlackProfile]) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for member in members:
        if member.deleted or member.is_bot:
            continue
        for name in {member.real_name, member.display_name} - {None, ""}:
            key = name_key(name or "")
            names[key] = None if key in names and names[key] != member.user_id else member.user_id
    return names
