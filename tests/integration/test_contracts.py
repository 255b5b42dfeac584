"""Contracts: add, replace, renewal outcomes and the term roll-forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.domain import (
    AccountKind,
    AccountStatus,
    Contract,
    ContractDirection,
    RenewalOutcome,
)
from bot.errors import InvalidInput, NothingToDo
from bot.fakeslack import FakeSlack
from bot.services import accounts, contracts
from bot.services.contracts import next_term
from bot.settings import Settings
from handlers.client import make_client
from tests.integration.conftest import ALICE, NOW, Harness, when
from tests.scenario.conftest import slack_workspace


def _contract(app: Harness, account: str = "Acme Corp", **overrides: object) -> Contract:
    arguments: dict[str, object] = {
        "account": account,
        "value": Decimal("24000"),
        "currency": "eur",
        "renews": when("2027-03-31"),
        "notice_days": 60,
    }
    arguments.update(overrides)
    return app.run(ALICE, contracts.set_contract, NOW, **arguments).contract


@pytest.fixture(autouse=True)
def acme(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme Corp")
    app.run(ALICE, accounts.add_account, NOW, name="Steel Supply", kind=AccountKind.SUPPLIER)


def test_add_then_replace_the_open_contract(app: Harness) -> None:
    first = _contract(app)
    assert (first.value, first.currency, first.renewal_date) == (
        Decimal("24000.00"),
        "EUR",
        date(2027, 3, 31),
    )
    assert first.notice_deadline == date(2027, 1, 30)
    assert first.direction is ContractDirection.WE_SELL
    replaced = app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account="acme corp",
        value=Decimal("30000.50"),
        currency="USD",
        renews=when("2027-06-30"),
        auto_renew=True,
    )
    assert replaced.replaced == first
    assert replaced.contract.id == first.id
    assert (replaced.contract.value, replaced.contract.auto_renew) == (Decimal("30000.50"), True)
    assert app.read("T1", lambda w: len(w.contracts.all())) == 1
    actions = [e.action for e in app.read("T1", lambda w: w.audit.for_entity("contract", first.id))]
    assert actions == ["contract.create", "contract.replace"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": Decimal("-5")}, "value"),
        ({"value": Decimal("1e13")}, "value"),
        ({"value": Decimal("1.005")}, "value"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "€"}, "currency"),
        ({"notice_days": -1}, "notice"),
        ({"renews": when("2026-12-31")}, "renews"),
    ],
)
def test_bad_contracts_are_refused_with_the_field_named(
    app: Harness, overrides: dict[str, object], field: str
) -> None:
    before = app.snapshot()
    with pytest.raises(InvalidInput) as refused:
        _contract(app, **overrides)
    assert refused.value.field == field
    assert app.snapshot() == before


def test_renewed_rolls_a_term_of_the_same_length_forward(app: Harness) -> None:
    _contract(app, start_date=date(2026, 3, 31))
    recorded = app.run(ALICE, contracts.record_outcome, NOW, account="Acme Corp", renewed=True)
    assert recorded.closed.outcome is RenewalOutcome.RENEWED
    assert recorded.closed.outcome_by == "UALICE"
    following = recorded.next_term
    assert following is not None
    assert (following.start_date, following.renewal_date) == (date(2027, 3, 31), date(2028, 3, 31))
    assert (following.value, following.notice_days, following.previous_id) == (
        Decimal("24000.00"),
        60,
        recorded.closed.id,
    )
    assert app.read("T1", lambda w: w.contracts.open_for_account(following.account_id)) == following


def test_renewed_without_a_start_date_rolls_twelve_months(app: Harness) -> None:
    _contract(app)
    following = app.run(
        ALICE, contracts.record_outcome, NOW, account="Acme Corp", renewed=True
    ).next_term
    assert following is not None
    assert following.renewal_date == date(2028, 3, 31)


def _terms(contract: Contract) -> tuple[object, ...]:
    """What a renewal carries into the next term."""
    return (
        contract.auto_renew,
        contract.notice_days,
        contract.value,
        contract.currency,
        contract.direction,
    )


SUPPLIER_TERMS = (True, 30, Decimal("5000.50"), "GBP", ContractDirection.WE_BUY)


def test_renewed_keeps_auto_renew_notice_value_currency_and_direction(app: Harness) -> None:
    """`renewed <account>` starts a term that still auto-renews, with the same notice period,
    value, currency and direction (read back from the database)."""
    supply = _contract(
        app,
        "Steel Supply",
        value=Decimal("5000.50"),
        currency="gbp",
        notice_days=30,
        auto_renew=True,
        start_date=date(2026, 3, 31),
    )
    assert _terms(supply) == SUPPLIER_TERMS
    app.run(ALICE, contracts.record_outcome, NOW, account="Steel Supply", renewed=True)
    following = app.read("T1", lambda w: w.contracts.open_for_account(supply.account_id))
    assert following is not None and following.previous_id == supply.id
    assert _terms(following) == SUPPLIER_TERMS


def test_the_schedulers_roll_forward_keeps_auto_renew_and_the_terms(app: Harness) -> None:
    """On the renewal date a nudge pass rolls an auto-renew contract forward by itself; the new
    term auto-renews too, with the same notice period, value, currency and direction."""
    supply = _contract(
        app,
        "Steel Supply",
        value=Decimal("5000.50"),
        currency="gbp",
        renews=when("2027-01-08"),
        notice_days=30,
        auto_renew=True,
    )
    friday = datetime(2027, 1, 8, 8, 5, tzinfo=UTC)  # 09:05 in Berlin, the renewal date
    with FakeSlack(slack_workspace("T1"), clock=lambda: friday) as slack:
        nudges = create_nudge_pass(
            Settings(slack_bot_token="xoxb-test"),
            client=make_client("xoxb-test", slack.api_url, sleep=lambda _seconds: None),
            session_factory=app.sessions,
            wall=FixedClock(friday),
            worker="test",
        )
        report = nudges.run(["T1"], friday)
        assert slack.violations == []
    assert report.auto_renewed == 1, report
    [closed, following] = app.read("T1", lambda w: w.contracts.all())
    assert (closed.id, closed.outcome) == (supply.id, RenewalOutcome.RENEWED)
    assert (following.previous_id, following.outcome) == (supply.id, None)
    assert following.renewal_date == date(2028, 1, 8)
    assert _terms(following) == SUPPLIER_TERMS


def test_notice_in_months_counts_back_from_each_terms_own_renewal_date(app: Harness) -> None:
    """3 months before 31 March 2027 is 90 days; before 31 March 2028 (a leap year) it is 91.
    A term rolled forward counts its months again instead of copying the last term's days,
    so its notice deadline is 31 December, not 1 January."""
    first = _contract(
        app,
        renews=when("2027-03-31"),
        notice_days=None,
        notice_months=3,
        start_date=date(2026, 3, 31),
    )
    assert (first.notice_days, first.notice_months) == (90, 3)
    assert first.notice_deadline == date(2026, 12, 31)
    recorded = app.run(ALICE, contracts.record_outcome, NOW, account="Acme Corp", renewed=True)
    following = app.read("T1", lambda w: w.contracts.get(recorded.next_term.id))  # type: ignore[union-attr]
    assert following is not None and following.renewal_date == date(2028, 3, 31)
    assert (following.notice_days, following.notice_months) == (91, 3)
    assert following.notice_deadline == date(2027, 12, 31)


def test_notice_in_days_replaces_notice_in_months(app: Harness) -> None:
    _contract(app, notice_days=None, notice_months=3)
    replaced = _contract(app, notice_days=45)
    assert (replaced.notice_days, replaced.notice_months) == (45, None)


@pytest.mark.parametrize(
    ("start", "renewal", "expected"),
    [
        (date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31)),  # month ends stay month ends
        (date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)),  # whole months roll by months
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)),  # 30 days roll by days
        (date(2026, 3, 31), date(2027, 3, 31), date(2028, 3, 31)),  # a year stays a year
        (date(2027, 1, 15), date(2027, 2, 15), date(2027, 3, 15)),
        (None, date(2027, 2, 28), date(2028, 2, 28)),
    ],
)
def test_next_term(start: date | None, renewal: date, expected: date) -> None:
    contract = Contract(
        id=1,
        team_id="T1",
        account_id=1,
        value=Decimal(1),
        currency="EUR",
        renewal_date=renewal,
        direction=ContractDirection.WE_SELL,
        start_date=start,
    )
    assert next_term(contract) == (renewal, expected)


def test_not_renewing_a_customer_is_churn(app: Harness) -> None:
    _contract(app)
    recorded = app.run(ALICE, contracts.record_outcome, NOW, account="Acme Corp", renewed=False)
    assert recorded.closed.outcome is RenewalOutcome.CHURNED
    assert recorded.next_term is None
    assert recorded.account.status is AccountStatus.CHURNED


def test_not_renewing_a_supplier_is_a_cancellation(app: Harness) -> None:
    _contract(app, account="Steel Supply")
    recorded = app.run(ALICE, contracts.record_outcome, NOW, account="Steel Supply", renewed=False)
    assert recorded.closed.direction is ContractDirection.WE_BUY
    assert recorded.closed.outcome is RenewalOutcome.CANCELLED
    assert recorded.account.status is AccountStatus.ACTIVE


def test_an_outcome_needs_an_open_contract(app: Harness) -> None:
    with pytest.raises(NothingToDo):
        app.run(ALICE, contracts.record_outcome, NOW, account="Acme Corp", renewed=True)
