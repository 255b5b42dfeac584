"""Finding the people an import file names, before the import runs."""

from __future__ import annotations

from bot.domain import SlackProfile
from bot.services.import_owners import owner_texts, slack_owners
from bot.transfer import read_records


class ListedDirectory:
    """Slack's directory as a list of members; counts the calls each method gets."""

    def __init__(self, *members: SlackProfile) -> None:
        self._members = list(members)
        self.calls: list[str] = []

    def profile(self, user_id: str) -> SlackProfile | None:
        self.calls.append("users.info")
        return next((m for m in self._members if m.user_id == user_id), None)

    def user_id_by_email(self, email: str) -> str | None:
        self.calls.append("users.lookupByEmail")
        wanted = email.casefold()
        return next((m.user_id for m in self._members if (m.email or "") == wanted), None)

    def members(self) -> list[SlackProfile]:
        self.calls.append("users.list")
        return list(self._members)


def member(user_id: str, name: str, email: str, **flags: bool) -> SlackProfile:
    return SlackProfile(user_id=user_id, real_name=name, display_name=None, email=email, **flags)


def test_every_person_a_file_names_once_except_slack_user_ids() -> None:
    accounts = read_records(
        "Name,Owner\r\nA, maria@ourco.example \r\nB,U02BOB\r\nC,Sam Okafor\r\nD,\r\n"
        "E,maria@ourco.example\r\n"
    )
    follow_ups = read_records(
        "Account,Owner,Due At,Text,Created By,Completed By\r\n"
        "A,Jan Becker,2027-02-01,x,Ann Lee,U0DONE\r\n"
    )
    interactions = read_records(
        "Account,Kind,Occurred At,Logged By\r\nA,call,2026-02-01,Bo Chen\r\nA,call,2026-02-02,\r\n"
    )
    assert owner_texts([accounts, follow_ups, interactions]) == [
        "maria@ourco.example",
        "Sam Okafor",
        "Jan Becker",
        "Ann Lee",
        "Bo Chen",
    ]


def test_slack_finds_emails_one_by_one_and_names_in_one_member_list() -> None:
    directory = ListedDirectory(
        member("UMARIA", "Maria Lopez", "maria@ourco.example"),
        member("UJAN", "Jan Becker", "jan@ourco.example"),
        member("USAM1", "Sam Okafor", "sam@ourco.example"),
        member("USAM2", "Sam Okafor", "sam.o@ourco.example"),  # two Sams: neither counts
        member("UGONE", "Gone Person", "gone@ourco.example", deleted=True),
    )
    found = slack_owners(
        directory,
        ["maria@ourco.example", "nobody@ourco.example", "jan becker", "Sam Okafor", "Gone Person"],
    )
    assert found == {"maria@ourco.example": "UMARIA", "jan becker": "UJAN"}
    assert directory.calls == ["users.lookupByEmail", "users.lookupByEmail", "users.list"]


def test_no_member_list_without_a_name_to_find() -> None:
    directory = ListedDirectory(member("UMARIA", "Maria Lopez", "maria@ourco.example"))
    assert slack_owners(directory, ["maria@ourco.example"]) == {"maria@ourco.example": "UMARIA"}
    assert directory.calls == ["users.lookupByEmail"]
