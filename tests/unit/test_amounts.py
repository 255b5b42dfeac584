"""bot.amounts: one reader for amounts typed in chat and found in imported files."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.amounts import Amount, AmountError, Separators, read_amount
from bot.domain import MAX_CONTRACT_VALUE

POINT, COMMA, THOUSANDS = Separators.DECIMAL_POINT, Separators.DECIMAL_COMMA, Separators.THOUSANDS


@pytest.mark.parametrize(
    ("text", "separators", "expected"),
    [
        ("24000", POINT, Amount(Decimal("24000"), None)),
        ("24,000.50", POINT, Amount(Decimal("24000.50"), None)),
        ("24,000.50", COMMA, Amount(Decimal("24000.50"), None)),
        ("24.000,50", POINT, Amount(Decimal("24000.50"), None)),
        ("24.000,50", COMMA, Amount(Decimal("24000.50"), None)),
        # A lone separator before three digits is the one shape the convention decides.
        ("24.000", POINT, Amount(Decimal("24"), None)),
        ("24.000", COMMA, Amount(Decimal("24000"), None)),
        ("24.000", THOUSANDS, Amount(Decimal("24000"), None)),
        ("24,000", POINT, Amount(Decimal("24000"), None)),
        ("24,000", COMMA, Amount(Decimal("24"), None)),
        ("24,000", THOUSANDS, Amount(Decimal("24000"), None)),
        # Not before three digits, or with a leading zero: a decimal mark whoever wrote it.
        ("24,5", POINT, Amount(Decimal("24.5"), None)),
        ("24.5", COMMA, Amount(Decimal("24.5"), None)),
        ("0.125", THOUSANDS, Amount(Decimal("0.125"), None)),
        ("1234.567", THOUSANDS, Amount(Decimal("1234.567"), None)),
        ("1.234.567", POINT, Amount(Decimal("1234567"), None)),
        ("1,234,567", COMMA, Amount(Decimal("1234567"), None)),
        ("24k", POINT, Amount(Decimal("24000"), None)),
        ("24 K", POINT, Amount(Decimal("24000"), None)),
        ("2.5k", POINT, Amount(Decimal("2500"), None)),
        ("2,5k", COMMA, Amount(Decimal("2500"), None)),
        ("24 000", POINT, Amount(Decimal("24000"), None)),
        ("24\u00a0000,50", POINT, Amount(Decimal("24000.50"), None)),
        ("24'000.50", COMMA, Amount(Decimal("24000.50"), None)),
        ("24_000", POINT, Amount(Decimal("24000"), None)),
        ("+24000", POINT, Amount(Decimal("24000"), None)),
        ("24.000,-", POINT, Amount(Decimal("24000"), None)),
        ("24.000,– €", POINT, Amount(Decimal("24000"), "EUR", "€")),
        # Currencies: a code or word before or after, a symbol before or after.
        ("24.000,00 EUR", POINT, Amount(Decimal("24000"), "EUR")),
        ("24.000 €", COMMA, Amount(Decimal("24000"), "EUR", "€")),
        ("€24.000", COMMA, Amount(Decimal("24000"), "EUR", "€")),
        ("€ 24.000", POINT, Amount(Decimal("24"), "EUR", "€")),
        ("$24k", POINT, Amount(Decimal("24000"), None, "$")),
        ("£1,000", POINT, Amount(Decimal("1000"), "GBP", "£")),
        ("EUR 24000", POINT, Amount(Decimal("24000"), "EUR")),
        ("eur24000", POINT, Amount(Decimal("24000"), "EUR")),
        ("24k EUR", POINT, Amount(Decimal("24000"), "EUR")),
        ("24000 Euro", POINT, Amount(Decimal("24000"), "EUR")),
        ("24000 dollars", POINT, Amount(Decimal("24000"), "USD")),
        ("£100 GBP", POINT, Amount(Decimal("100"), "GBP", "£")),
        ("$100 CAD", POINT, Amount(Decimal("100"), "CAD", "$")),
        ("¥5000 JPY", POINT, Amount(Decimal("5000"), "JPY", "¥")),
        ("¥5000", POINT, Amount(Decimal("5000"), None, "¥")),
    ],
)
def test_amounts_people_write(text: str, separators: Separators, expected: Amount) -> None:
    assert read_amount(text, separators=separators) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not an amount"),
        ("twelve", "is not an amount"),
        ("1e5", "is not an amount"),
        ("24kEUR", "is not an amount"),
        ("24 EUR USD", "is not an amount"),
        ("EUR 5 USD", "is not an amount: it names two currencies, EUR and USD"),
        ("€100 USD", "is not an amount I can trust: € is EUR, not USD"),
        ("-5", "is negative, and a contract value can't be"),
        ("€ −5", "is negative, and a contract value can't be"),
        ("(5)", "is negative, and a contract value can't be"),
        ("1,2,3", "is not a number I can read without guessing"),
        ("1.000,000.5", "is not a number I can read without guessing"),
        ("1 2", "is not a number I can read without guessing"),
        ("12,34,5", "is not a number I can read without guessing"),
        ("1000000000000", "is too large (the limit is 1,000,000,000,000); a typo?"),
        ("1000000000k", "is too large (the limit is 1,000,000,000,000); a typo?"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_the_text_quoted(text: str, reason: str) -> None:
    for separators in Separators:
        with pytest.raises(AmountError) as refused:
            read_amount(text, separators=separators)
        assert str(refused.value) == f"“{text}” {reason}"
        assert (refused.value.text, refused.value.reason) == (text, reason)


def test_hostile_length_is_refused_cheaply() -> None:
    with pytest.raises(AmountError, match="too long"):
        read_amount("1" * 10_000, separators=POINT)


def _written(value: Decimal, separators: Separators, *, grouped: bool, comma_decimals: bool) -> str:
    """``value`` as a person (or a spreadsheet) writes it in a convention."""
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if value == value.to_integral_value():
        text = text[:-3]  # "24,000": no cents
    german = separators is COMMA or (separators is THOUSANDS and comma_decimals)
    return text.translate(str.maketrans(",.", ".,")) if german else text


# Whole thousands ("24,000", "24.000") are the shape the convention decides: drawn often.
VALUES = st.one_of(
    st.integers(0, 999_999).map(Decimal),
    st.integers(0, int(MAX_CONTRACT_VALUE) - 1).map(Decimal),
    st.decimals(min_value=0, max_value=MAX_CONTRACT_VALUE - Decimal("0.01"), places=2),
)


@settings(max_examples=300, deadline=None)
@given(
    value=VALUES,
    separators=st.sampled_from(Separators),
    grouped=st.booleans(),
    comma_decimals=st.booleans(),
    before=st.sampled_from(["", "€", "$ ", "EUR ", "eur"]),
    after=st.sampled_from(["", " €", "€", " USD", "k"]),
)
def test_a_value_written_in_its_convention_reads_back_to_itself(
    value: Decimal,
    separators: Separators,
    grouped: bool,
    comma_decimals: bool,
    before: str,
    after: str,
) -> None:
    if after == "k":
        value = (value / 1000).quantize(Decimal("0.01"), ROUND_DOWN)  # "24.5k" is 24,500
    if before and after not in ("", "k"):
        after = ""  # one currency at a time
    text = before + _written(value, separators, grouped=grouped, comma_decimals=comma_decimals)
    amount = read_amount(text + after, separators=separators)
    assert amount.value == value * (1000 if after == "k" else 1)
