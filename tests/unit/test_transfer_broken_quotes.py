"""A malformed quote costs the lines it really spans, and every line is accounted for."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.transfer import AccountRow, ImportFile, RowError, read_records

HEADER = "Record ID,Company name,Company owner,Type,Create Date,Notes"


def hubspot_rows(count: int, *, notes: str = "") -> list[str]:
    """``count`` company rows after HUBSPOT's header; row n is on line n + 2."""
    return [
        f"{5012000000 + n},Company {n},owner{n % 5}@ourco.example,Prospect,2024-03-14 10:22,{notes}"
        for n in range(count)
    ]


def text(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def names(result: ImportFile) -> list[tuple[int, str]]:
    return [(row.line, row.name) for row in result.rows if isinstance(row, AccountRow)]


@pytest.mark.parametrize("notes", ["", "x" * 200], ids=["short rows", "rows past csv's limit"])
def test_a_stray_quote_on_line_301_of_1000_rows_costs_line_301_only(notes: str) -> None:
    rows = hubspot_rows(1_000, notes=notes)
    rows[299] = rows[299].replace(",Company 299,", ',"Company 299,')  # line 301
    result = read_records(text(HEADER, *rows))
    assert len(result.rows) == 999
    assert [line for line, _ in names(result)] == [n + 2 for n in range(1_000) if n != 299]
    (error,) = result.errors
    assert error.line == 301
    assert "quote" in error.message


def test_a_stray_quote_closed_by_a_later_stray_quote_costs_its_own_line() -> None:
    # Line 3 opens a quote; line 7's inch mark closes it in the same column, so csv alone
    # would read lines 3 to 7 as one record with the right number of fields.
    result = read_records(
        text(
            "Name,Owner,Tier",
            "Acme,U1,gold",
            '"Globex,U2,gold',
            "Initech,U3,gold",
            "Umbrella,U4,gold",
            "Hooli,U5,gold",
            'Monitor 24",U6,gold',
            "Stark,U7,gold",
        )
    )
    assert names(result) == [
        (2, "Acme"),
        (4, "Initech"),
        (5, "Umbrella"),
        (6, "Hooli"),
        (7, 'Monitor 24"'),
        (8, "Stark"),
    ]
    assert [e.line for e in result.errors] == [3]


def test_a_stray_quote_closed_by_a_quoted_value_costs_its_own_line() -> None:
    result = read_records(
        text(
            "Name,Owner,Tier",
            '"Acme,U1,gold',
            "Globex,U2,gold",
            '"Tailspin Toys, Inc.",U3,gold',
            "Initech,U4,gold",
        )
    )
    assert names(result) == [(3, "Globex"), (4, "Tailspin Toys, Inc."), (5, "Initech")]
    assert [e.line for e in result.errors] == [2]


def test_a_stray_quote_before_a_multi_line_record_leaves_that_record_whole() -> None:
    result = read_records(
        text(
            "Name,Address,Tier",
            '"Acme,Main St 1,gold',
            'Globex,"Elm St 2',
            'Springfield",silver',
            "Initech,Oak St 3,bronze",
        )
    )
    assert names(result) == [(3, "Globex"), (5, "Initech")]
    assert [e.line for e in result.errors] == [2]


def test_a_value_with_junk_after_its_closing_quote_costs_its_line() -> None:
    result = read_records(text("Name,Owner", '"Acme" Corp,U1', "Globex,U2"))
    assert names(result) == [(3, "Globex")]
    (error,) = result.errors
    assert error.line == 2
    assert "quote" in error.message


def test_a_broken_record_whose_next_lines_are_no_records_is_reported_once() -> None:
    # The quote on line 3 closes on line 5, followed by junk; lines 4 and 5 are part of
    # that record (they have too few fields to be rows of their own).
    result = read_records(
        text(
            "Name,Notes,Owner",
            "Acme,fine,U1",
            'Globex,"first line',
            "second line",
            'third line" junk,U2',
            "Initech,fine,U3",
        )
    )
    assert names(result) == [(2, "Acme"), (6, "Initech")]
    (error,) = result.errors
    assert error.line == 3
    assert error.message.startswith("Lines 3–5 are one record")


@pytest.mark.parametrize("columns", [2, 3, 8])
def test_multi_line_addresses_with_commas_are_read_whole(columns: int) -> None:
    header = ",".join(["Name", "Address", *(f"Extra {n}" for n in range(columns - 2))])
    extras = "," * (columns - 2)
    address = "Main St 1\nSuite 4, Floor 2\nSpringfield, IL 62701\nUSA"
    result = read_records(
        text(header, f'Acme,"{address}"{extras}', f"Globex,Elm St 2{extras}"),
    )
    assert result.errors == []
    assert names(result) == [(2, "Acme"), (6, "Globex")]


def test_a_value_too_long_for_csv_costs_its_line_only() -> None:
    result = read_records(text("Name,Notes", "Acme,", f"Globex,{'x' * 200_000}", "Initech,"))
    assert names(result) == [(2, "Acme"), (4, "Initech")]
    (error,) = result.errors
    assert error.line == 3
    assert "131,072" in error.message


def test_an_unclosed_quote_in_the_header_is_one_file_level_error() -> None:
    result = read_records(text('Name,"Owner', "Acme,U1", "Globex,U2"))
    assert result.rows == []
    (error,) = result.errors
    assert error.line == 1
    assert "header" in error.message


# -- properties ------------------------------------------------------------------------

_VALUE = st.text(st.sampled_from(list('ab ,;\t"\r\n=-1')), max_size=8)


def _written(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def _tables(draw: st.DrawFn, *, to_break: bool = False) -> tuple[list[list[str]], str]:
    """Rows as a CSV writer writes them, each with a name; a value that spans lines holds
    no delimiter (see the cases the splitter cannot tell apart). Rows ``to_break`` with a
    stray quote hold no quotes, and no value starts with a delimiter or a line break."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(min_value=2, max_value=5))  # a header with a delimiter

    def fits(value: str) -> bool:
        if ("\r" in value or "\n" in value) and delimiter in value:
            return False
        return not to_break or ('"' not in value and value[:1] not in (delimiter, "\r", "\n"))

    value = _VALUE.filter(fits)
    rows = draw(st.lists(st.lists(value, min_size=width, max_size=width), max_size=6))
    return [["n" + row[0], *row[1:]] for row in rows], delimiter


def _physical_lines(text: str) -> list[str]:
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)", text)


def _header(width: int) -> list[str]:
    return ["Name", *(f"Extra {n}" for n in range(1, width))]


@given(_tables())
def test_whatever_a_csv_writer_writes_is_read_back(table: tuple[list[list[str]], str]) -> None:
    rows, delimiter = table
    width = len(rows[0]) if rows else 2
    result = read_records(_written([_header(width), *rows], delimiter))
    assert result.errors == []
    assert [row.name for row in result.rows if isinstance(row, AccountRow)] == [
        row[0].strip() for row in rows
    ]


@given(_tables(to_break=True), st.data())
def test_a_stray_quote_costs_at_most_the_lines_of_its_row(
    table: tuple[list[list[str]], str], data: st.DataObject
) -> None:
    rows, delimiter = table
    if not rows or len(rows[0]) < 3:
        return
    lines = _physical_lines(_written([_header(len(rows[0]))], delimiter))
    starts: list[int] = []  # the line each row starts on
    for row in rows:
        starts.append(len(lines) + 1)
        lines += _physical_lines(_written([row], delimiter))
    broken = data.draw(st.sampled_from(range(len(rows))), label="broken row")
    lines[starts[broken] - 1] = '"' + lines[starts[broken] - 1]
    result = read_records("".join(lines))

    # The broken row's own lines may be reported, or even read as another row (`"n,,"`
    # is a good line); no other line may be either.
    own = range(starts[broken], [*starts, len(lines) + 1][broken + 1])
    kept = {r.line: r.name for r in result.rows if isinstance(r, AccountRow) and r.line not in own}
    assert kept == {starts[n]: row[0].strip() for n, row in enumerate(rows) if n != broken}
    assert all(error.line in own for error in result.errors)


def test_every_record_is_counted_once() -> None:
    rows = hubspot_rows(20)
    rows[4] = rows[4].replace(",Company 4,", ',"Company 4,')
    rows[11] = rows[11].replace(",Prospect,", ',Prospect" junk,')
    result = read_records(text(HEADER, *rows))
    assert len(result.rows) + len({e.line for e in result.errors}) == 20
    assert sorted([r.line for r in result.rows] + [e.line for e in result.errors]) == list(
        range(2, 22)
    )
    assert result.errors[0] == RowError(6, result.errors[0].message)
