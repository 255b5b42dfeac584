"""The workspace currency: set by an admin, stored on the workspace, used by `contract` for a
value written without a currency; and amounts and dates in a day-first (German) workspace."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain import Actor
from bot.errors import PermissionDenied
from bot.execute import Executed, run_text
from bot.services.contracts import ContractChange
from bot.services.importing import Importer
from bot.transfer import read_records
from storage import models
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import ADMIN, ALICE, EVE, NOW, Harness


def say(app: Harness, text: str, actor: Actor = ALICE, now: datetime = NOW) -> object:
    executed = app.read(actor.team_id, lambda w: run_text(w, actor, now, text))
    assert isinstance(executed, Executed), executed
    return executed.value


def stored_currency(app: Harness, team_id: str = "T1") -> str:
    with app.sessions() as session:
        row = session.get(models.WorkspaceRow, team_id)
        assert row is not None
        return row.currency


def stored_contract(app: Harness, team_id: str = "T1") -> models.ContractRow:
    with app.sessions() as session:
        [row] = session.query(models.ContractRow).filter_by(team_id=team_id).all()
        session.expunge(row)
        return row


@pytest.fixture
def acme(app: Harness) -> Harness:
    say(app, "add Acme Corp")
    say(app, "add Acme Corp", actor=EVE)  # the same name in another workspace
    return app


def test_a_new_workspace_keeps_values_in_usd(acme: Harness) -> None:
    assert stored_currency(acme) == "USD"
    say(acme, "contract Acme Corp: 24000 renews 2027-03-31")
    row = stored_contract(acme)
    assert (row.value_cents, row.currency) == (2_400_000, "USD")


def test_an_admin_sets_the_currency_and_a_contract_without_one_is_stored_in_it(
    acme: Harness,
) -> None:
    before = acme.count(models.AuditEventRow, "T1")
    saved = say(acme, "settings workspace currency eur", actor=ADMIN)
    assert saved.currency == "EUR"  # type: ignore[attr-defined]
    assert stored_currency(acme) == "EUR"
    [event] = acme.read("T1", lambda w: w.audit.all())[before:]
    assert event.action == "workspace.settings"
    assert (event.before or {}).get("currency") == "USD"
    assert (event.after or {}).get("currency") == "EUR"

    change = say(acme, "contract Acme Corp: 24,000.50 renews 2027-03-31")
    assert isinstance(change, ContractChange)
    row = stored_contract(acme)
    assert (row.value_cents, row.currency) == (2_400_050, "EUR")
    # A currency written with the value still wins.
    say(acme, "contract Acme Corp: $1,000 renews 2027-03-31")
    assert (stored_contract(acme).value_cents, stored_contract(acme).currency) == (100_000, "USD")
    # The other workspace is untouched: its values are still USD.
    assert stored_currency(acme, "T2") == "USD"
    say(acme, "contract Acme Corp: 500 renews 2027-03-31", actor=EVE)
    assert stored_contract(acme, "T2").currency == "USD"


def test_only_an_admin_sets_the_currency(acme: Harness) -> None:
    before = acme.snapshot()
    with pytest.raises(PermissionDenied):
        acme.read("T1", lambda w: run_text(w, ALICE, NOW, "settings workspace currency EUR"))
    assert acme.snapshot() == before
    assert stored_currency(acme) == "USD"


def test_the_issue_line_in_a_dayfirst_euro_workspace(acme: Harness) -> None:
    say(acme, "settings workspace dayfirst on", actor=ADMIN)
    say(acme, "settings workspace currency EUR", actor=ADMIN)
    change = say(acme, "contract Acme Corp: 24.000 renews 15. Januar 2028 notice 3 months")
    assert isinstance(change, ContractChange)
    row = stored_contract(acme)
    assert (row.value_cents, row.currency, row.renewal_date) == (
        2_400_000,
        "EUR",
        date(2028, 1, 15),
    )
    # Three calendar months before 15 January 2028 is 15 October 2027: 92 days.
    assert row.notice_days == 92
    assert change.contract.notice_deadline == date(2027, 10, 15)


def test_without_dayfirst_a_lone_point_is_the_decimal_point(acme: Harness) -> None:
    say(acme, "contract Acme Corp: 24.000 € renews 2028-01-15")
    row = stored_contract(acme)
    assert (row.value_cents, row.currency) == (2_400, "EUR")


def test_an_import_without_a_currency_takes_the_workspaces(acme: Harness) -> None:
    say(acme, "settings workspace currency EUR", actor=ADMIN)
    data = 'Name,Amount,Renewal Date\nGlobex,"24.000,50",2027-03-31\nInitech,$5000,2027-03-31\n'
    with unit_of_work(acme.sessions, "T1") as work:
        report = Importer(work, Actor("T1", "import"), NOW).run(read_records(data))
    assert report.skipped == []
    with acme.sessions() as session:
        rows = session.query(models.ContractRow).filter_by(team_id="T1").all()
        stored = sorted((row.value_cents, row.currency) for row in rows)
    # "$" alone names no currency in a file (which dollar?): the workspace's too.
    assert stored == [(500_000, "EUR"), (2_400_050, "EUR")]
    # Given for the import, a currency wins over the workspace's.
    with unit_of_work(acme.sessions, "T2") as work:
        Importer(work, Actor("T2", "import"), NOW, default_currency="CHF").run(
            read_records("Name,Amount,Renewal Date\nGlobex,24000,2027-03-31\n")
        )
    assert stored_contract(acme, "T2").currency == "CHF"
