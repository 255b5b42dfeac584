"""Refusals a person reads: each says what was wrong and what to do instead.

Services raise these; the edge (Slack, console, command line) renders them and the
unit of work rolls back, so a refused command changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence


class RapportError(Exception):
    """A friendly refusal. ``message`` is one sentence; ``hint`` an example or usage line."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidInput(RapportError):
    """A value the user gave is not acceptable (empty, too long, out of range)."""

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class DateParseError(RapportError):
    """A date or time that could not be understood; quotes the input and shows examples."""

    EXAMPLES = ("tomorrow", "friday", "next friday 15:00", "in 3 days", "2027-03-31", "31 Mar")

    def __init__(self, text: str, reason: str | None = None) -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"I couldn't read “{text}” as a date{why}.",
            hint="Try: " + ", ".join(f"`{e}`" for e in self.EXAMPLES),
        )
        self.text = text
        self.reason = reason


class NotFound(RapportError):
    """Something named or numbered does not exist in this workspace."""

    def __init__(
        self, what: str, query: str, suggestions: Sequence[str] = (), *, hint: str | None = None
    ) -> None:
        self.what = what
        self.query = query
        self.suggestions = tuple(suggestions)
        message = f"I don't know {what} “{query}”."
        if self.suggestions:
            hint = "Did you mean " + " or ".join(f"“{s}”" for s in self.suggestions) + "?"
        super().__init__(message, hint=hint)


class AccountNotFound(NotFound):
    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__("an account called", query, suggestions)


class AmbiguousAccount(RapportError):
    """Several accounts fit what was typed ("acme": "Acme Corp" and "Acme Labs"). Rapport
    never guesses between them: the person picks one.

    ``choices``: (account id, name) of those shown, best first; ``more``: whether others fit
    too. ``line``: the command line it was typed in, when it came from one (``asked_in``), so
    the reply can offer each account as a button that runs the same line for it."""

    def __init__(
        self,
        query: str,
        choices: Sequence[tuple[int, str]],
        *,
        more: bool = False,
        line: str | None = None,
    ) -> None:
        super().__init__(
            f"More than one account fits “{query}”: which one do you mean?",
            hint="Pick one, or type more of its name.",
        )
        self.query = query
        self.choices = tuple(choices)
        self.more = more
        self.line = line

    def asked_in(self, line: str) -> AmbiguousAccount:
        """The same refusal, knowing the line it answers."""
        return AmbiguousAccount(self.query, self.choices, more=self.more, line=line)


class FollowUpNotFound(NotFound):
    def __init__(self, number: int, *, hint: str | None = None) -> None:
        super().__init__("a follow-up numbered", str(number), hint=hint)
        self.number = number


class AlreadyExists(RapportError):
    """A name that must be unique is taken."""


class PermissionDenied(RapportError):
    """The caller may not do this (reassigning someone else's account, workspace settings)."""


class NothingToDo(RapportError):
    """The request is valid but there is nothing it could change (no open contract, …)."""


class ConcurrentChange(Exception):
    """Another transaction changed or took the same rows first (a stale version, a unique key
    taken meanwhile, a deadlock). Not a refusal: the request runs again on fresh data."""


class WriteWhileReading(Exception):
    """Work run in a read-only unit of work tried to write. Not a refusal: the caller runs it
    again in a unit that may write."""


class ChangedMeanwhile(RapportError):
    """The request met concurrent changes every time it ran; nothing of it was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Someone changed the same thing at the same moment, several times over, so I "
            "saved nothing.",
            hint="Please send it again.",
        )


class Duplicate(RapportError):
    """Slack delivered the same request again (a replay or a retry): it was handled already."""

    def __init__(self) -> None:
        super().__init__(
            "I already handled this exact request (it arrived twice); nothing changed again."
        )
