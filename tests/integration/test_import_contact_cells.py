"""What an import writes fits where it is stored: a contact's title, phone and Slack user,
an interaction's permalink and a Slack user id as owner are held to what the chat holds
them to and the columns hold. A cell too long is left out and reported, the row kept (on
PostgreSQL the file used to fail as a whole; SQLite stored what no other path stores)."""

from __future__ import annotations

from bot.domain import Actor
from bot.services.importing import Importer, ImportReport
from bot.transfer.reader import read_records
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import NOW, Harness

TEAM = "T3"


def _import(app: Harness, text: str) -> ImportReport:
    with unit_of_work(app.sessions, TEAM) as work:
        return Importer(work, Actor(team_id=TEAM, user_id="import"), NOW).run(read_records(text))


def _contacts(app: Harness) -> dict[str, tuple[str | None, str | None, str | None]]:
    return {
        c.name: (c.title, c.phone, c.slack_user_id)
        for c in app.read(TEAM, lambda w: w.contacts.all())
    }


def test_a_contact_cell_too_long_for_a_contact_is_left_out_and_reported(app: Harness) -> None:
    report = _import(
        app,
        "Account,Name,Title,Phone,Slack User\n"
        f"Acme,Ann Lee,{'t' * 201},{'1' * 65},U{'A' * 32}\n"
        f"Acme,Bo,{'t' * 200},{'2' * 64},U{'B' * 31}\n",
    )
    assert (report.created, report.skipped) == (2, [])
    assert [(n.line, n.column) for n in report.cell_notes] == [
        (2, "Title"),
        (2, "Phone"),
        (2, "Slack User"),
    ]
    assert "at most 200 characters (this one has 201)" in report.cell_notes[0].message
    assert _contacts(app) == {
        "Ann Lee": (None, None, None),
        "Bo": ("t" * 200, "2" * 64, "U" + "B" * 31),
    }
    again = _import(app, "Account,Name,Title\nAcme,Bo,\u0007CFO\n")  # a bell is no title
    assert (again.updated, _contacts(app)["Bo"][0]) == (1, "CFO")


def test_a_permalink_too_long_is_left_out_and_the_interaction_kept(app: Harness) -> None:
    _import(app, "Name\nAcme\n")
    long_link = "https://x.slack.com/archives/C1/p" + "1" * 1_000
    report = _import(
        app,
        "Account,Kind,Occurred At,Summary,Logged By,Permalink\n"
        f"Acme,call,2026-12-01T10:00:00Z,a call,U{'A' * 40},{long_link}\n",
    )
    assert report.skipped == []
    assert [(n.line, n.column) for n in report.cell_notes] == [(2, "Permalink")]
    [interaction] = app.read(TEAM, lambda w: w.interactions.all())
    # A "user id" longer than Slack's is nobody's: the importer logged it.
    assert (interaction.permalink, interaction.logged_by) == (None, "import")
