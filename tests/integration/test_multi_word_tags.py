"""A tag with spaces on the real database: typed in a line, shown, found, listed page after
page, imported from the files CRMs export, and exported and imported again unchanged."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import AccountKind, Actor, Owner
from bot.errors import InvalidInput, NothingToDo
from bot.execute import Executed, run_more, run_text
from bot.paging import More
from bot.render import ids, render_result
from bot.render.reply import Reply, Viewer
from bot.services import accounts, exporting
from bot.services.importing import Importer, ImportReport
from bot.services.queries import ACCOUNTS_PAGE, AccountCard, AccountList, Found
from bot.transfer.reader import read_records
from bot.transfer.writer import EXPORT_FILES
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.integration.conftest import ALICE, NOW, Harness

IMPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def say(app: Harness, text: str, actor: Actor = ALICE) -> Executed:
    return app.read(actor.team_id, lambda w: run_text(w, actor, NOW, text))


def shown(executed: Executed, actor: Actor = ALICE) -> Reply:
    return render_result(executed, Viewer(actor.user_id, ZoneInfo(actor.timezone), NOW))


def tags_of(app: Harness, name: str, team: str = "T1") -> tuple[str, ...]:
    account = app.read(team, lambda w: w.accounts.by_key(name.casefold()))
    assert account is not None, name
    return account.tags


def _add(work: SqlUnitOfWork, name: str, tags: tuple[str, ...]) -> None:
    work.accounts.add(
        name=name,
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id=ALICE.user_id),
        tier=None,
        cadence_days=30,
        now=NOW - timedelta(days=3),
        tags=tags,
    )


@pytest.fixture
def acme(app: Harness) -> Harness:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    return app


def test_a_tag_with_spaces_typed_in_quotes_is_one_tag_shown_and_found(acme: Harness) -> None:
    tagged = shown(say(acme, "tag Acme Corp “Key Account” emea"))
    assert tags_of(acme, "Acme Corp") == ("Key Account", "emea")
    assert "Tagged *Acme Corp* with `Key Account` `emea`." in tagged.text
    # Between commas, and in another case or spacing, it is the same tag.
    say(acme, "tag Acme Corp key  account, apac")
    assert tags_of(acme, "Acme Corp") == ("Key Account", "emea", "apac")
    with pytest.raises(NothingToDo):
        say(acme, 'tag Acme Corp "KEY ACCOUNT"')

    card = say(acme, "show Acme Corp")
    assert isinstance(card.value, AccountCard)
    assert "`Key Account` `emea` `apac`" in json.dumps(shown(card).blocks, ensure_ascii=False)
    for query in ('find "key account"', "find key account", "find “Key Account”"):
        found = say(acme, query).value
        assert isinstance(found, Found)
        assert [a.name for a in found.accounts] == ["Acme Corp"], query

    gone = shown(say(acme, 'untag Acme Corp "key   ACCOUNT"'))
    assert tags_of(acme, "Acme Corp") == ("emea", "apac")
    assert "Removed `Key Account` from *Acme Corp*." in gone.text


def test_the_same_tag_twice_in_one_change_is_kept_once(acme: Harness) -> None:
    """Tags are unique by their key: two spellings of one would break the unique index."""
    acme.run(
        ALICE, accounts.tag_account, NOW, account="Acme Corp", tags=("Key Account", "key  account")
    )
    assert tags_of(acme, "Acme Corp") == ("Key Account",)
    acme.run(ALICE, accounts.add_account, NOW, name="Globex", tags=("VIP Gold", "vip gold", "x"))
    assert tags_of(acme, "Globex") == ("VIP Gold", "x")


@pytest.mark.parametrize("tag", ["emea; apac", "a|b", 'say "hi"'])
def test_a_tag_holding_a_separator_or_a_quote_is_refused_and_nothing_is_saved(
    acme: Harness, tag: str
) -> None:
    before = acme.snapshot()
    with pytest.raises(InvalidInput):
        acme.run(ALICE, accounts.tag_account, NOW, account="Acme Corp", tags=("ok", tag))
    assert acme.snapshot() == before


def test_a_tag_kept_before_separators_were_refused_can_still_be_taken_off(app: Harness) -> None:
    def seed(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        _add(work, "Legacy", ("a;b", "o'brien"))  # as an older version kept them

    app.read("T1", seed)
    say(app, 'untag Legacy "a;b"')
    assert tags_of(app, "Legacy") == ("o'brien",)


@pytest.fixture
def tagged_book(app: Harness) -> Harness:
    """Alice's 30 accounts tagged "Key Account", 3 tagged "key" and "account", 2 untagged."""

    def seed(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        for n in range(30):
            _add(work, f"Kilo {n:02d}", ("Key Account", "emea") if n % 2 else ("key account",))
        for n in range(3):
            _add(work, f"Split {n}", ("key", "account"))
        _add(work, "Plain 1", ())
        _add(work, "Plain 2", ("emea",))

    app.read("T1", seed)
    return app


def _more_value(reply: Reply) -> str | None:
    for block in reply.blocks:
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("action_id") == ids.SHOW_MORE:
                return str(element["value"])
    return None


def test_show_more_of_a_list_by_a_tag_with_spaces_goes_on_with_that_tag(
    tagged_book: Harness,
) -> None:
    first = say(tagged_book, 'accounts tag "key account"')
    reply = shown(first)
    assert reply.blocks[0]["text"]["text"] == "*Your accounts, tagged `key account`* — 30"
    value = _more_value(reply)
    assert value is not None
    assert More.decode(value).line == 'accounts tag "key account" <@UALICE>'
    second = tagged_book.read("T1", lambda w: run_more(w, ALICE, NOW, value))
    assert isinstance(first.value, AccountList) and isinstance(second.value, AccountList)
    names = [a.name for page in (first.value, second.value) for a in page.page.items]
    assert names == [f"Kilo {n:02d}" for n in range(30)]
    assert len(first.value.page.items) == ACCOUNTS_PAGE
    assert shown(second).blocks[0]["text"]["text"] == (
        f"*Your accounts, tagged `key account`* — {30 - ACCOUNTS_PAGE} left"
    )


def _import(app: Harness, data: bytes | str, team: str) -> ImportReport:
    with unit_of_work(app.sessions, team) as work:
        return Importer(work, Actor(team_id=team, user_id="import"), NOW).run(read_records(data))


@pytest.mark.parametrize(
    ("sample", "name", "tags"),
    [
        ("german-firmenname-bom.csv", "Alpen Consulting AG", ("Key Account",)),
        ("german-firmenname-bom.csv", "Ostsee Handel GmbH", ("Key Account", "Nord")),
        ("pipedrive-organizations.csv", "Northwind Traders", ("Key Account",)),
        ("zoho-accounts.csv", "Northwind Traders", ("Key Account", "EMEA")),
        ("odoo-contacts.csv", "Northwind Traders", ("Key Account", "VIP")),
    ],
)
def test_a_tag_with_spaces_in_a_crms_file_comes_over_as_one_tag(
    app: Harness, sample: str, name: str, tags: tuple[str, ...]
) -> None:
    report = _import(app, (IMPORTS / sample).read_bytes(), "T3")
    assert [note for note in report.cell_notes if note.column == "Tags"] == []
    assert tags_of(app, name, "T3") == tags


def test_an_imported_cell_naming_one_tag_twice_keeps_it_once(app: Harness) -> None:
    cell = '"Key Account| key   account ;#vip,ok;bad""quote"'
    report = _import(app, f"Name,Tags\nAcme,{cell}\n", "T3")
    assert tags_of(app, "Acme", "T3") == ("Key Account", "vip", "ok")
    assert [(note.line, note.column) for note in report.cell_notes] == [(2, "Tags")]
    assert "quote marks" in report.cell_notes[0].message


def test_tags_with_spaces_survive_export_and_import_unchanged(app: Harness, tmp_path: Path) -> None:
    app.run(
        ALICE,
        accounts.add_account,
        NOW,
        name="Acme Corp",
        tags=("Key Account", "emea", "C-level  sponsor", "ümlaut tag & co"),
    )
    first = _export(app, "T1", tmp_path / "first")
    assert "Key Account; emea; C-level sponsor; ümlaut tag & co" in first["accounts.csv"]
    for file_name, _kind in EXPORT_FILES:
        report = _import(app, (tmp_path / "first" / file_name).read_bytes(), "T2")
        assert report.skipped == [] and report.cell_notes == [], file_name
    assert tags_of(app, "Acme Corp", "T2") == tags_of(app, "Acme Corp")
    assert _export(app, "T2", tmp_path / "second") == first


def _export(app: Harness, team: str, directory: Path) -> dict[str, str]:
    export = app.read(team, exporting.collect)
    exporting.write_files(export, directory)
    return {name: (directory / name).read_text(encoding="utf-8") for name, _ in EXPORT_FILES}


def test_a_quoted_tag_after_a_short_name_marks_where_the_tags_begin(acme: Harness) -> None:
    say(acme, 'tag acme "key account" emea')
    assert tags_of(acme, "Acme Corp") == ("key account", "emea")
    say(acme, "tag acme “Strategic Partner” apac")
    assert tags_of(acme, "Acme Corp") == ("key account", "emea", "Strategic Partner", "apac")
    say(acme, 'untag acme "KEY  account"')
    assert tags_of(acme, "Acme Corp") == ("emea", "Strategic Partner", "apac")
