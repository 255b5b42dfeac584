"""Splitting CSV text into records so that a broken quote costs only its own lines.

Python's csv module, given a value that opens a quote and never closes it properly,
reads everything up to the next quote as that one value: a stray quote on line 301 of
a 1,000-row file swallows the 700 rows after it. Here csv reads one record at a time
from the file's physical lines, strictly, and a record is believed only when it is well
formed: its quotes pair up, and when it spans lines it has the header's number of fields
and its later lines are not rows of their own. Otherwise the record is reported and
reading goes on at the next line where a good record starts, so a broken line costs
itself (and the lines of its own value), never the rows after it.

Two cases cannot be told apart. In a file of three columns or more, a quoted value whose
later lines each read as a row of the header's width is taken for a stray quote that
swallowed those rows, because that is exactly what one looks like. And a stray quote
that a quoted value starting with a delimiter or a line break closes cleanly, in the
middle of a row whose own value spans lines, merges the lines up to there into one
record (which the importer then usually refuses for its too long or odd values).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

# Physical lines as csv counts them: "\r\n", "\r" and "\n" each end one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FIELD_TOO_LARGE = "field larger than field limit"
# With fewer columns, lines of an address or a note ("Springfield, IL") look like rows.
_MIN_FIELDS_TO_SPOT_SWALLOWED_ROWS = 3


@dataclass(frozen=True, slots=True)
class Record:
    """One record's fields and the physical line it starts on."""

    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class BrokenLines:
    """Physical lines (first and last) that hold no readable record.

    ``too_long`` when a value is longer than csv allows, else the quotes do not pair up;
    ``read_on`` when lines that csv would have swallowed were read as rows of their own.
    """

    line: int
    last_line: int
    too_long: bool
    read_on: bool


@dataclass(frozen=True, slots=True)
class _Attempt:
    start: int  # index of the first physical line
    end: int  # index after the last one
    cells: list[str] | None  # None when csv refused the record
    error: str | None = None


class _Feed:
    """The physical lines, handed to csv one at a time between bounds we can move."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.position = 0
        self.stop = len(lines)

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.position >= self.stop:
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


class RecordSplitter:
    """Reads records one by one; set ``fields`` to the header's width once it is read."""

    def __init__(self, text: str, delimiter: str, *, first_line: int = 1) -> None:
        self._lines: list[str] = _LINE.findall(text)
        self._delimiter = delimiter
        self._first_line = first_line
        self._feed = _Feed(self._lines)
        self._reader = csv.reader(
            self._feed, delimiter=delimiter, skipinitialspace=True, strict=True
        )
        self._next = 0
        self.fields: int | None = None

    def read(self) -> Record | BrokenLines | None:
        """The next record, or the lines that could not be read, or None at the end."""
        attempt = self._attempt(self._next)
        if attempt is None:
            return None
        if attempt.cells is not None and self._believable(attempt):
            self._next = attempt.end
            return Record(self._first_line + attempt.start, attempt.cells)
        one_line = attempt.end - attempt.start == 1
        self._next = self._next_good_start(attempt.start + 1, any_width=one_line)
        read_on = self._next < attempt.end  # csv's record was longer than the broken one
        too_long = bool(attempt.error and attempt.error.startswith(_FIELD_TOO_LARGE))
        return BrokenLines(
            self._first_line + attempt.start,
            self._first_line + self._last_non_blank(attempt.start, self._next),
            too_long=too_long and not read_on,  # else the value only grew by swallowing
            read_on=read_on,
        )

    def _attempt(self, index: int, stop: int | None = None) -> _Attempt | None:
        """csv's strict reading of the record that starts at line ``index`` (and ends
        before line ``stop``, if given)."""
        if index >= len(self._lines):
            return None
        self._feed.position = index
        self._feed.stop = len(self._lines) if stop is None else stop
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as error:
            return _Attempt(index, max(self._feed.position, index + 1), None, str(error))
        return _Attempt(index, self._feed.position, cells)

    def _believable(self, attempt: _Attempt) -> bool:
        assert attempt.cells is not None
        if attempt.end - attempt.start == 1 or self.fields is None:
            return True
        return self._fits(attempt.cells) and not self._swallows_rows(attempt)

    def _fits(self, cells: list[str]) -> bool:
        """The header's number of fields (empty ones past it are a spreadsheet's habit)."""
        assert self.fields is not None
        extra = cells[self.fields :]
        return len(cells) >= self.fields and not any(cell.strip() for cell in extra)

    def _swallows_rows(self, attempt: _Attempt) -> bool:
        """Whether the record's later lines are rows of their own: the mark of a stray
        quote that a later quote happened to close."""
        rows = self._rows_within(attempt.start + 1, attempt.end)
        if not rows:
            return False
        # A quoted value's last line holds its closing quote, which read on its own is a
        # quote inside an unquoted value; a swallowed row closed by its own quoted value
        # has none.
        if not self._has_stray_quote(self._lines[rows[-1].start]):
            return True
        # Closed by a quote inside an unquoted value ('24" screen'): the rows before tell.
        assert self.fields is not None
        return self.fields >= _MIN_FIELDS_TO_SPOT_SWALLOWED_ROWS and len(rows) >= 2

    def _rows_within(self, start: int, end: int) -> list[_Attempt] | None:
        """Lines ``start`` to ``end`` read as rows of the header's width that end exactly
        at ``end``; None if they are not that."""
        rows: list[_Attempt] = []
        index = start
        while index < end:
            if not self._lines[index].strip():
                index += 1
                continue
            row = self._attempt(index, stop=end)
            if row is None or row.cells is None or not self._fits(row.cells):
                return None
            if not self._believable(row):
                return None
            rows.append(row)
            index = row.end
        return rows or None

    def _next_good_start(self, index: int, *, any_width: bool) -> int:
        """The first line from ``index`` on where a good record starts (or the end).

        After a broken value that spans lines, its later lines look like short rows, so
        only a row of the header's width counts; after one broken line, any row does.
        """
        while index < len(self._lines):
            line = self._lines[index]
            if line.strip() and not self._has_stray_quote(line):
                attempt = self._attempt(index)
                if (
                    attempt is not None
                    and attempt.cells is not None
                    and self._believable(attempt)
                    and (any_width or self.fields is None or self._fits(attempt.cells))
                ):
                    return index
            index += 1
        return index

    def _has_stray_quote(self, line: str) -> bool:
        """A quote inside an unquoted value: how the tail of a broken value looks."""
        quoted = False
        value_start = True
        index = 0
        while index < len(line):
            char = line[index]
            if quoted:
                if char == '"':
                    if line.startswith('"', index + 1):
                        index += 1  # a doubled quote inside a quoted value
                    else:
                        quoted = False
            elif char == '"':
                if not value_start:
                    return True
                quoted = True
                value_start = False
            elif char == self._delimiter:
                value_start = True
            elif char != " ":
                value_start = False
            index += 1
        return False

    def _last_non_blank(self, start: int, end: int) -> int:
        for index in range(end - 1, start, -1):
            if self._lines[index].strip():
                return index
        return start
