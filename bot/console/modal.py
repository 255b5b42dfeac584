"""A modal as a form in the terminal: its input blocks asked one by one, the answers sent
back as a view_submission whose ``view.state.values`` has Slack's shape.

An external select asks the app for its options (a signed ``block_suggestion`` request) with
what was typed; a static select is picked by number or name; a date picker takes a date as
the commands do ("yesterday", "2027-03-31"). When the app answers ``response_action: errors``
the fields it names are asked again. ``:cancel`` closes the modal without submitting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.console.blocks_text import PLAIN, Style, text_object
from bot.console.session import Choice, Outcome
from bot.dates import Direction, parse_when
from bot.errors import DateParseError
from bot.render import ids

CANCEL = ":cancel"
SELECTS = frozenset({"static_select", "external_select"})

Answer = Choice | str | None
Ask = Callable[[str], str | None]  # a prompt in, a line out; None at the end of input
Say = Callable[[str], None]


class FormBackend(Protocol):
    """What a form needs from the app (``ConsoleSession`` in the console)."""

    def options(self, action_id: str, query: str) -> list[Choice]: ...

    def submit(self, view: Mapping[str, Any], values: dict[str, Any]) -> Outcome: ...


class Cancelled(Exception):
    """The user typed ``:cancel`` (or the input ended) inside a modal."""


@dataclass(frozen=True, slots=True)
class FormField:
    """One input block of a modal."""

    block_id: str
    action_id: str
    label: str
    kind: str  # the element type: external_select, static_select, datepicker, plain_text_input
    optional: bool = False
    hint: str = ""
    choices: tuple[Choice, ...] = ()
    initial: Answer = None


def _choice(option: object) -> Choice | None:
    if not isinstance(option, Mapping):
        return None
    return Choice(text_object(option.get("text")), str(option.get("value", "")))


def form_fields(view: Mapping[str, Any]) -> list[FormField]:
    """The modal's input blocks, in order."""
    fields: list[FormField] = []
    for block in view.get("blocks") or []:
        element = block.get("element") if block.get("type") == "input" else None
        if not isinstance(element, Mapping):
            continue
        kind = str(element.get("type", ""))
        initial: Answer = None
        if kind in SELECTS:
            initial = _choice(element.get("initial_option"))
        elif kind == "datepicker":
            initial = element.get("initial_date") or None
        elif kind == "plain_text_input":
            initial = element.get("initial_value") or None
        choices = tuple(c for c in map(_choice, element.get("options") or []) if c is not None)
        fields.append(
            FormField(
                block_id=str(block.get("block_id", "")),
                action_id=str(element.get("action_id", "")),
                label=text_object(block.get("label")),
                kind=kind,
                optional=bool(block.get("optional")),
                hint=text_object(block.get("hint")),
                choices=choices,
                initial=initial,
            )
        )
    return fields


def element_state(field: FormField, answer: Answer) -> dict[str, Any]:
    """One element's entry in ``view.state.values``, as Slack sends it."""
    if field.kind in SELECTS:
        selected = None
        if isinstance(answer, Choice):
            text = {"type": "plain_text", "text": answer.label, "emoji": True}
            selected = {"text": text, "value": answer.value}
        return {"type": field.kind, "selected_option": selected}
    if field.kind == "datepicker":
        return {"type": "datepicker", "selected_date": answer if isinstance(answer, str) else None}
    if field.kind == "plain_text_input":
        return {"type": "plain_text_input", "value": answer if isinstance(answer, str) else None}
    return {"type": field.kind}


def state_values(
    fields: list[FormField], answers: Mapping[str, Answer]
) -> dict[str, dict[str, Any]]:
    return {
        f.block_id: {f.action_id: element_state(f, answers.get(f.block_id, f.initial))}
        for f in fields
    }


def _shown(answer: Answer) -> str:
    if isinstance(answer, Choice):
        return answer.label
    return answer or "none"


class FormFiller:
    """Asks for each field in turn; every prompt accepts ``:cancel``."""

    def __init__(
        self,
        ask: Ask,
        say: Say,
        find_options: Callable[[str, str], list[Choice]],
        today: date,
        style: Style = PLAIN,
    ) -> None:
        self.ask = ask
        self.say = say
        self.find_options = find_options
        self.today = today
        self.style = style

    def line(self, prompt: str) -> str:
        typed = self.ask(prompt)
        if typed is None or typed.strip() == CANCEL:
            raise Cancelled
        return typed.strip()

    def fill(self, field: FormField, current: Answer) -> Answer:
        if field.kind == "external_select":
            return self._external(field, current)
        if field.kind == "static_select":
            return self._static(field, current)
        if field.kind == "datepicker":
            return self._date(field, current)
        return self._text(field, current)

    def _default_note(self, field: FormField, current: Answer) -> str:
        if current is not None:
            return f"Enter keeps {_shown(current)}"
        return "Enter leaves it empty" if field.optional else "required"

    def _label(self, field: FormField, how: str, current: Answer) -> str:
        optional = "optional; " if field.optional else ""
        default = self._default_note(field, current)
        return f"{self.style.bold(field.label)} ({optional}{how}; {default}): "

    def _external(self, field: FormField, current: Answer) -> Answer:
        while True:
            typed = self.line(self._label(field, "type part of a name", current))
            if not typed and current is not None:
                return current
            if not typed and field.optional:
                return None
            choices = self.find_options(field.action_id, typed)
            if not choices:
                self.say(f"  Nothing matches “{typed}”; try fewer letters.")
                continue
            if len(choices) == 1:
                self.say(f"  → {choices[0].label}")
                return choices[0]
            picked = self._pick(choices)
            if picked is not None:
                return picked

    def _pick(self, choices: list[Choice]) -> Choice | None:
        self.say("  " + "  ".join(f"[{n}] {c.label}" for n, c in enumerate(choices, 1)))
        while True:
            typed = self.line("  Which one? (a number; Enter to search again): ")
            if not typed:
                return None
            if typed.isdigit() and 1 <= int(typed) <= len(choices):
                return choices[int(typed) - 1]
            self.say(f"  Type a number from 1 to {len(choices)}.")

    def _static(self, field: FormField, current: Answer) -> Answer:
        self.say("  " + "  ".join(f"[{n}] {c.label}" for n, c in enumerate(field.choices, 1)))
        while True:
            typed = self.line(self._label(field, "a number or a name", current))
            if not typed:
                if current is not None or field.optional:
                    return current
                self.say("  Pick one.")
                continue
            if typed.isdigit() and 1 <= int(typed) <= len(field.choices):
                return field.choices[int(typed) - 1]
            matches = [
                c
                for c in field.choices
                if c.label.lower().startswith(typed.lower()) or c.value == typed.lower()
            ]
            if len(matches) == 1:
                return matches[0]
            self.say(f"  “{typed}” is not one of these; type its number.")

    def _date(self, field: FormField, current: Answer) -> Answer:
        # The day something happened looks back ("friday" = last Friday); a follow-up ahead.
        past = field.block_id == ids.LOG_DAY_BLOCK
        direction = Direction.PAST if past else Direction.FUTURE
        while True:
            typed = self.line(
                self._label(field, "a date like today, friday or 2027-03-31", current)
            )
            if not typed:
                if current is not None or field.optional:
                    return current
                self.say("  A date is needed here.")
                continue
            if field.optional and typed.lower() in ("none", "-"):
                return None
            try:
                when = parse_when(
                    typed,
                    now=datetime.combine(self.today, time(12), tzinfo=UTC),
                    tz=ZoneInfo("UTC"),
                    direction=direction,
                )
            except DateParseError as error:
                self.say(f"  {error.message} Try `today`, `yesterday`, `friday` or `2027-03-31`.")
                continue
            return when.day.isoformat()

    def _text(self, field: FormField, current: Answer) -> Answer:
        if field.hint:
            self.say(self.style.dim(f"  {field.hint}"))
        while True:
            typed = self.line(self._label(field, "text", current))
            if typed:
                return typed
            if current is not None or field.optional:
                return current
            self.say("  This one is required.")


def _today(fields: list[FormField], fallback: date) -> date:
    """The app's today for this user: the "When" picker opens on it."""
    for field in fields:
        if field.kind == "datepicker" and isinstance(field.initial, str):
            try:
                return date.fromisoformat(field.initial)
            except ValueError:
                continue
    return fallback


def run_modal(
    view: Mapping[str, Any],
    session: FormBackend,
    ask: Ask,
    say: Say,
    *,
    today: date,
    style: Style = PLAIN,
) -> Outcome | None:
    """Fill in and submit the modal; the app's final answer, or None when cancelled."""
    fields = form_fields(view)
    title = text_object(view.get("title"))
    say(style.bold(f"── {title} ──") + "  (a form: Enter keeps what is shown, :cancel closes it)")
    filler = FormFiller(ask, say, session.options, _today(fields, today), style)
    answers: dict[str, Answer] = {f.block_id: f.initial for f in fields}
    to_ask = fields
    try:
        while True:
            for field in to_ask:
                answers[field.block_id] = filler.fill(field, answers[field.block_id])
            outcome = session.submit(view, state_values(fields, answers))
            errors = outcome.body.get("errors") if outcome.body else None
            if outcome.body.get("response_action") != "errors" or not isinstance(errors, dict):
                return outcome
            say("  The form came back with problems:")
            by_block = {f.block_id: f for f in fields}
            for block_id, message in errors.items():
                label = by_block[block_id].label if block_id in by_block else block_id
                say(f"  ⚠️ {label}: {message}")
            to_ask = [f for f in fields if f.block_id in errors] or fields
    except Cancelled:
        say("  Cancelled: nothing was submitted.")
        return None
