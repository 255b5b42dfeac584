"""Where the console's lines come from: any stream (tests, pipes), or a terminal with
readline's line editing and a history kept in ~/.rapport_history."""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path
from typing import Protocol, TextIO

from bot.console.modal import CANCEL

logger = logging.getLogger(__name__)

HISTORY_FILE = ".rapport_history"  # in the home directory
HISTORY_LENGTH = 1000


class LineReader(Protocol):
    def read(self, prompt: str) -> str | None:
        """The next line without its newline; None at the end of the input."""
        ...

    def close(self) -> None: ...


class StreamReader:
    """Lines from any stream. When it is not a terminal the line is echoed after its
    prompt, so a piped session prints as a readable transcript."""

    def __init__(self, inp: TextIO, out: TextIO, *, echo: bool) -> None:
        self.inp = inp
        self.out = out
        self.echo = echo

    def read(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.out.write("\n")
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.out.write(line + "\n")
        return line

    def close(self) -> None:
        pass


class TerminalReader:
    """``input()`` with readline: arrow keys, and history kept in ``history``."""

    def __init__(self, history: Path) -> None:
        import readline  # only for a terminal; importing it changes how input() behaves

        self.readline = readline
        self.history = history
        readline.set_history_length(HISTORY_LENGTH)
        with suppress(OSError):  # no history yet
            readline.read_history_file(history)

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            print()
            return None
        except KeyboardInterrupt:
            print()
            return CANCEL  # Ctrl-C closes a form, and clears the line at the prompt

    def close(self) -> None:
        try:
            self.readline.write_history_file(self.history)
        except OSError as error:
            logger.warning("could not save the console history", extra={"error": str(error)})


def make_reader(inp: TextIO, out: TextIO) -> LineReader:
    if inp.isatty() and out.isatty():
        try:
            return TerminalReader(Path.home() / HISTORY_FILE)
        except ImportError:  # a Python built without readline
            pass
    return StreamReader(inp, out, echo=not inp.isatty())
