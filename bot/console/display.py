"""What the app did, printed: its answers, its messages and their updates, the Home tab and
forms. It remembers the latest message (or Home) with buttons, for `:click N`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.console.blocks_text import Button, Rendered, Style, render_message
from bot.console.modal import Ask, run_modal
from bot.console.session import COMMAND_CHANNEL, ConsoleSession, MessageRef, Outcome
from bot.fakeslack import Call


def _decoded(value: object) -> Any:
    """Block Kit arguments arrive as JSON text in form-encoded calls."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Display:
    """Prints what the app did and keeps the buttons `:click` presses."""

    def __init__(
        self, session: ConsoleSession, style: Style, say: Callable[[str], None], ask: Ask
    ) -> None:
        self.session = session
        self.style = style
        self.say = say
        self.ask = ask
        self.clickable: MessageRef | None = None  # the latest message or Home with buttons
        self.buttons: tuple[Button, ...] = ()

    def forget(self) -> None:
        """No buttons to click (another user now: they never saw these)."""
        self.clickable, self.buttons = None, ()

    def note(self, text: str) -> None:
        self.say(self.style.dim(f"({text})"))

    def _render(self, text: str | None, blocks: object) -> Rendered:
        decoded = _decoded(blocks)
        listed = [b for b in decoded if isinstance(b, Mapping)] if isinstance(decoded, list) else []
        return render_message(text, listed, names=self.session.names(), style=self.style)

    def _print(self, title: str, rendered: Rendered) -> None:
        self.say(self.style.bold(title))
        for line in rendered.text.splitlines():
            self.say("  " + line if line else "")

    def _offer(self, where: MessageRef, rendered: Rendered) -> None:
        """Make this message's buttons the ones `:click` presses."""
        if rendered.buttons:
            self.clickable, self.buttons = where, rendered.buttons
        elif self.clickable is not None and (self.clickable.kind, self.clickable.ts) == (
            where.kind,
            where.ts,
        ):
            self.forget()  # its last button is gone

    def reply(self, outcome: Outcome) -> None:
        """A slash command's answer: the HTTP body, which only the caller sees."""
        body = outcome.body
        if outcome.status != 200:
            self.note(f"the app answered HTTP {outcome.status}")
            return
        if not body:
            return
        rendered = self._render(str(body.get("text") or ""), body.get("blocks"))
        self._print("rapport (only you can see this):", rendered)
        where = MessageRef(
            kind="reply",
            blocks=_decoded(body.get("blocks")) or [],
            text=str(body.get("text") or ""),
            channel=COMMAND_CHANNEL,
            ts=self.session.next_reply_ts(),
        )
        self._offer(where, rendered)

    def calls(
        self,
        calls: Sequence[Call],
        *,
        home: bool = False,
        clicked: MessageRef | None = None,
    ) -> None:
        """Print what the app asked Slack to do, in order."""
        from_home = home or (clicked is not None and clicked.kind == "home")
        for call in calls:
            if not call.ok and call.method not in ("users.info",):
                error = (call.response or {}).get("error", f"HTTP {call.status}")
                self.note(f"the app's {call.method} call failed: {error}")
                continue
            match call.method:
                case "chat.postMessage" | "chat.postEphemeral":
                    self._posted(call)
                case "chat.update":
                    self._updated(call)
                case "response_url":
                    self._responded(call, clicked)
                case "views.publish":
                    self._published(call, show=from_home)
                case "views.open" | "views.push":
                    self._modal(call)
                case "views.update":
                    self.note("the app changed the open form")

    def _posted(self, call: Call) -> None:
        response = call.response or {}
        channel = str(response.get("channel") or call.args.get("channel", ""))
        rendered = self._render(str(call.args.get("text") or ""), call.args.get("blocks"))
        if call.method == "chat.postEphemeral":
            title = "rapport (only you can see this):"
        elif channel == self.session.dm_channel():
            title = "rapport:"
        elif channel.startswith("D"):
            title = f"rapport → @{self.session.names().get(channel[1:], channel[1:])} (DM):"
        else:
            title = f"rapport in #{channel}:"
        self._print(title, rendered)
        if call.method == "chat.postMessage":
            where = MessageRef(
                kind="message",
                blocks=_decoded(call.args.get("blocks")) or [],
                text=str(call.args.get("text") or ""),
                channel=channel,
                ts=str(response.get("ts", "")),
            )
            self._offer(where, rendered)

    def _updated(self, call: Call) -> None:
        rendered = self._render(str(call.args.get("text") or ""), call.args.get("blocks"))
        self._print("rapport updated its message:", rendered)
        where = MessageRef(
            kind="message",
            blocks=_decoded(call.args.get("blocks")) or [],
            text=str(call.args.get("text") or ""),
            channel=str(call.args.get("channel", "")),
            ts=str(call.args.get("ts", "")),
        )
        self._offer(where, rendered)

    def _responded(self, call: Call, clicked: MessageRef | None) -> None:
        args = call.args
        if args.get("delete_original"):
            self.note("rapport deleted its message")
            if clicked is not None and self.clickable == clicked:
                self.forget()
            return
        rendered = self._render(str(args.get("text") or ""), args.get("blocks"))
        replaced = bool(args.get("replace_original")) and clicked is not None
        self._print(
            "rapport updated its message:" if replaced else "rapport (only you can see this):",
            rendered,
        )
        where = MessageRef(
            kind="reply",
            blocks=_decoded(args.get("blocks")) or [],
            text=str(args.get("text") or ""),
            channel=clicked.channel if replaced and clicked else COMMAND_CHANNEL,
            ts=clicked.ts if replaced and clicked else self.session.next_reply_ts(),
        )
        self._offer(where, rendered)

    def _published(self, call: Call, *, show: bool) -> None:
        user_id = str(call.args.get("user_id", ""))
        if user_id != self.session.user.id:
            self.note(f"@{self.session.names().get(user_id, user_id)}'s Home tab was refreshed")
            return
        if not show:
            self.note("your Home tab was refreshed: :home shows it")
            return
        view = _decoded(call.args.get("view"))
        blocks = view.get("blocks") if isinstance(view, Mapping) else None
        rendered = self._render("", blocks)
        self._print(f"Home of @{self.session.user.name}:", rendered)
        self._offer(MessageRef(kind="home", blocks=blocks or [], ts="home"), rendered)

    def _modal(self, call: Call) -> None:
        view = _decoded(call.args.get("view"))
        if not isinstance(view, Mapping):
            self.note("the app opened a form the console cannot read")
            return
        outcome = run_modal(
            view,
            self.session,
            self.ask,
            self.say,
            today=self._today(),
            style=self.style,
        )
        if outcome is not None:
            self.calls(outcome.calls)

    def _today(self) -> date:
        return self.session.clock.now().astimezone(ZoneInfo(self.session.user.tz)).date()
