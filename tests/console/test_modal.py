"""The logging modal as a terminal form: what it asks, and that what it sends is what the app
reads (``read_log_submission``), field errors included."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from bot.console.modal import (
    FormField,
    form_fields,
    run_modal,
    state_values,
)
from bot.console.session import Choice, Outcome
from bot.domain import InteractionKind
from bot.render import ids
from bot.render.modal import LogForm, LogPrefill, log_modal, read_log_submission

TODAY = date(2027, 1, 6)  # a Wednesday
ACCOUNTS = [Choice("Acme Corp", "11"), Choice("Acme Labs", "12"), Choice("Globex", "13")]


def modal(text: str = "") -> dict[str, Any]:
    prefill = LogPrefill(
        account=None, text=text, permalink=None, kind=InteractionKind.CALL, today=TODAY
    )
    return log_modal(prefill)


class FakeApp:
    """Answers options and submissions the way the app does, from the real modal code."""

    def __init__(self) -> None:
        self.submitted: list[dict[str, Any]] = []
        self.queries: list[str] = []

    def options(self, action_id: str, query: str) -> list[Choice]:
        assert action_id == ids.ACCOUNT_SELECT
        self.queries.append(query)
        return [c for c in ACCOUNTS if query.lower() in c.label.lower()]

    def submit(self, view: Mapping[str, Any], values: dict[str, Any]) -> Outcome:
        self.submitted.append(values)
        read = read_log_submission(values, str(view["private_metadata"]), today=TODAY)
        if isinstance(read, LogForm):
            return Outcome(200, {})
        return Outcome(200, {"response_action": "errors", "errors": read})


class Typing:
    """Answers prompts from a script, recording what was asked and said."""

    def __init__(self, *lines: str) -> None:
        self.lines: Iterator[str] = iter(lines)
        self.transcript: list[str] = []

    def ask(self, prompt: str) -> str | None:
        line = next(self.lines, None)
        self.transcript.append(f"{prompt}{line}")
        return line

    def say(self, text: str) -> None:
        self.transcript.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.transcript)


def fill(app: FakeApp, typing: Typing, view: dict[str, Any] | None = None) -> Outcome | None:
    return run_modal(view or modal(), app, typing.ask, typing.say, today=TODAY)


def test_the_fields_of_the_logging_modal() -> None:
    fields = form_fields(modal("from a message"))
    assert [(f.block_id, f.kind, f.optional) for f in fields] == [
        (ids.LOG_ACCOUNT_BLOCK, "external_select", False),
        (ids.LOG_KIND_BLOCK, "static_select", False),
        (ids.LOG_DAY_BLOCK, "datepicker", False),
        (ids.LOG_SUMMARY_BLOCK, "plain_text_input", False),
        (ids.LOG_FOLLOW_UP_DAY_BLOCK, "datepicker", True),
        (ids.LOG_FOLLOW_UP_TEXT_BLOCK, "plain_text_input", True),
    ]
    kind, day, summary = fields[1], fields[2], fields[3]
    assert kind.initial == Choice("Call", "call") and len(kind.choices) == len(InteractionKind)
    assert day.initial == "2027-01-06"
    assert summary.initial == "from a message"


def test_state_values_have_slacks_shape() -> None:
    field = FormField("b", "a", "Account", "external_select")
    assert state_values([field], {"b": Choice("Acme", "11")}) == {
        "b": {
            "a": {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Acme", "emoji": True},
                    "value": "11",
                },
            }
        }
    }
    empty = FormField("d", "day", "Follow up on", "datepicker", optional=True)
    assert state_values([empty], {}) == {
        "d": {"day": {"type": "datepicker", "selected_date": None}}
    }


def test_a_filled_form_is_what_the_app_reads_back() -> None:
    app, typing = FakeApp(), Typing("acme", "2", "2", "yesterday", "Pricing call", "friday", "")
    assert fill(app, typing) == Outcome(200, {})
    [values] = app.submitted
    read = read_log_submission(values, "{}", today=TODAY)
    assert read == LogForm(
        account_id=12,
        kind=InteractionKind.MEETING,
        day=date(2027, 1, 5),
        summary="Pricing call",
        follow_up_day=date(2027, 1, 8),
        follow_up_text=None,
        permalink=None,
    )
    assert "[1] Acme Corp  [2] Acme Labs" in typing.text


def test_enter_keeps_what_is_shown_and_one_match_is_picked_at_once() -> None:
    app, typing = FakeApp(), Typing("glo", "", "", "Quick note", "", "")
    fill(app, typing)
    read = read_log_submission(app.submitted[0], "{}", today=TODAY)
    assert isinstance(read, LogForm)
    assert (read.account_id, read.kind, read.day) == (13, InteractionKind.CALL, TODAY)
    assert "→ Globex" in typing.text


def test_unreadable_input_is_asked_again_before_anything_is_sent() -> None:
    app = FakeApp()
    typing = Typing("zzz", "globex", "9", "call", "tomorrow", "today", "x", "blursday", "", "")
    fill(app, typing)
    assert len(app.submitted) == 1
    assert "Nothing matches “zzz”" in typing.text
    assert "“9” is not one of these" in typing.text
    assert "couldn't read “tomorrow”" in typing.text  # the day it happened is not ahead
    assert "couldn't read “blursday”" in typing.text


def test_the_apps_field_errors_are_shown_and_only_those_fields_asked_again() -> None:
    # A follow-up text without its day: the app names the day field.
    app = FakeApp()
    typing = Typing("globex", "", "", "Call", "", "send the deck", "next monday")
    fill(app, typing)
    assert len(app.submitted) == 2
    assert "Follow up on: Pick a day for this follow-up, or clear its text." in typing.text
    read = read_log_submission(app.submitted[1], "{}", today=TODAY)
    assert isinstance(read, LogForm)
    assert (read.follow_up_day, read.follow_up_text) == (date(2027, 1, 11), "send the deck")


def test_cancel_or_the_end_of_input_submits_nothing() -> None:
    for typing in (Typing("globex", ":cancel"), Typing("globex")):
        app = FakeApp()
        assert fill(app, typing) is None
        assert app.submitted == []
        assert "Cancelled: nothing was submitted." in typing.text
