"""A contract whose value is not known reads "value unknown" everywhere, never 0."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from bot.render.items import renewal_terms
from bot.render.text import money
from tests.unit.test_render_support import contract, viewer


def test_money_of_an_unknown_value() -> None:
    assert money(None, "EUR") == "value unknown"
    assert money(Decimal(0), "EUR") == "0 EUR"


def test_renewal_terms_of_an_unknown_value() -> None:
    unknown = dataclasses.replace(contract(), value=None)
    assert renewal_terms(unknown, viewer()).startswith("value unknown · renews ")
