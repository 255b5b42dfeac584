"""The console's loop: read a line, send it to the app as Slack would, print what came back.

`/crm …` lines are slash commands, other lines are DMs to the bot, `:…` lines are the
console's own commands (`:help`). It reads from one stream and writes to another, so tests
drive it with strings and a terminal gets readline's history and arrow keys.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.console import demo
from bot.console.blocks_text import Style
from bot.console.display import Display
from bot.console.reader import LineReader, make_reader
from bot.console.session import ConsoleSession, UnknownZone, local_zone_name
from bot.settings import Settings

logger = logging.getLogger(__name__)

HELP = """\
Console commands:
  /crm <command>   a slash command, e.g. /crm help, /crm add Acme Corp, /crm mine
  <text>           any other line is a DM to the bot (the same commands, without /crm)
  :click N         press button N of the latest message (or Home) that has buttons
  :home            open your App Home tab
  :shortcut        the global shortcut "Log an interaction" (a form)
  :as @name        act as another teammate (a new name joins the workspace)
  :users           who is in the workspace
  :tz Area/City    your Slack time zone until you quit (`/crm settings timezone …` stays)
  :cancel          close a form without submitting it
  :help            this list
  :quit            leave (Ctrl-D too)
Write @name for a teammate: it is sent as Slack sends a mention."""


class Shell:
    def __init__(
        self, session: ConsoleSession, reader: LineReader, out: TextIO, style: Style
    ) -> None:
        self.session = session
        self.reader = reader
        self.out = out
        self.style = style
        self.display = Display(session, style, self.say, lambda prompt: self.reader.read(prompt))

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    # -- the loop ------------------------------------------------------------------------

    def banner(self, database_url: str) -> None:
        user = self.session.user
        teammates = ", ".join(
            "@" + u.name for u in self.session.members() if u.id != self.session.user.id
        )
        shown_url = make_url(database_url).render_as_string(hide_password=True)
        self.say(self.style.bold("Rapport console") + " — the Slack app, no Slack needed.")
        self.say(f"You are @{user.name} ({user.tz}); teammates {teammates}.")
        self.say(f"Database: {shown_url}")
        self.say("Type /crm help for commands; other lines are DMs to the bot; :help; :quit.")

    def prompt(self) -> str:
        return f"{self.session.user.name}> "

    def run(self) -> int:
        try:
            while True:
                line = self.reader.read(self.prompt())
                if line is None:
                    return 0
                try:
                    if not self.handle(line.strip()):
                        return 0
                except Exception as error:  # the console must outlive any one line
                    logger.exception("console line failed", extra={"line": line})
                    self.say(f"⚠️ The console could not do that: {error}")
        finally:
            self.reader.close()

    def handle(self, line: str) -> bool:
        """Act on one line; False to quit."""
        if not line:
            return True
        if line.startswith(":"):
            return self.meta(line)
        if line == "/crm" or line.startswith("/crm "):
            outcome = self.session.command(line.removeprefix("/crm").strip())
            self.display.reply(outcome)
            self.display.calls(outcome.calls)
            return True
        if line.startswith("/"):
            self.say("Only /crm is a slash command here; any other line is a DM to the bot.")
            return True
        self.display.calls(self.session.direct_message(line).calls)
        return True

    def meta(self, line: str) -> bool:
        name, _, argument = line.partition(" ")
        argument = argument.strip()
        match name.lower():
            case ":quit" | ":exit" | ":q":
                return False
            case ":help" | ":?":
                self.say(HELP)
            case ":click":
                self.click(argument)
            case ":home":
                self.display.calls(self.session.open_home().calls, home=True)
            case ":shortcut":
                self.display.calls(self.session.global_shortcut().calls)
            case ":as":
                self.act_as(argument)
            case ":users":
                for user in self.session.members():
                    you = "  ← you" if user.id == self.session.user.id else ""
                    self.say(f"  @{user.name} ({user.id}, {user.tz}){you}")
            case ":tz":
                self.zone(argument)
            case ":cancel":
                self.say("There is no open form to cancel.")
            case _:
                self.say(f"I don't know {name}; :help lists the console commands.")
        return True

    # -- meta commands -------------------------------------------------------------------

    def act_as(self, argument: str) -> None:
        if not argument:
            self.say("Whom? e.g. :as @bob")
            return
        try:
            user, added = self.session.as_user(argument)
        except ValueError as error:
            self.say(f"{error}.")
            return
        self.display.forget()  # what they saw is not what you saw
        joined = " (new in the workspace)" if added else ""
        self.say(f"You are now @{user.name}{joined}.")

    def zone(self, argument: str) -> None:
        user = self.session.user
        if not argument:
            self.say(f"@{user.name}'s Slack time zone is {user.tz}.")
            return
        try:
            setting = self.session.set_zone(argument)
        except UnknownZone:
            self.say(f"“{argument}” is not a time zone; try one like Europe/Berlin.")
            return
        self.say(f"@{user.name}'s Slack time zone is now {argument} (until the console quits).")
        if setting is not None and setting != argument:
            self.say(
                f"Rapport still reads your dates in {setting}: your `/crm settings timezone` "
                "wins over Slack's zone (change it there)."
            )

    def click(self, argument: str) -> None:
        where, buttons = self.display.clickable, self.display.buttons
        if where is None or not buttons:
            self.say("Nothing to click: no message with buttons yet.")
            return
        numbers = f"1–{len(buttons)}" if len(buttons) > 1 else "1"
        if not argument.isdigit() or not 1 <= int(argument) <= len(buttons):
            self.say(f"Which button? The latest message has buttons {numbers}: :click N")
            return
        button = buttons[int(argument) - 1]
        if button.confirm is not None:
            answer = self.reader.read(f"{button.confirm} [y/N] ")
            if (answer or "").strip().lower() not in ("y", "yes"):
                self.say("Not pressed.")
                return
        outcome = self.session.click(where, button.action_id, button.value, button.block_id)
        self.display.calls(outcome.calls, clicked=where)


def run_console(
    settings: Settings,
    *,
    with_demo: bool,
    inp: TextIO,
    out: TextIO,
    zone: str | None = None,
    directory: Path | None = None,
) -> int:
    """`python app.py console [--demo]`: the shell on the configured (or the demo) database."""
    database_url = settings.database_url
    zone = zone or local_zone_name()
    if with_demo:
        database_url = demo.fresh_demo_database(directory or Path.cwd())
        count = demo.seed_demo(database_url, zone=zone, now=SystemClock().now())
        print(f"Demo: {count} commands replayed into a fresh {demo.DEMO_DATABASE}.", file=out)
    with ConsoleSession.open(database_url, zone=zone) as session:
        shell = Shell(session, make_reader(inp, out), out, Style(ansi=out.isatty()))
        shell.banner(database_url)
        return shell.run()
