"""Rapport's command line: parse arguments, read settings, build the parts, start.

python app.py run                          # the bot: Socket Mode, or HTTP (gunicorn) on $PORT
python app.py console [--demo]             # a local chat shell, no Slack needed
python app.py manifest [--url URL]         # the Slack app manifest (YAML)
python app.py nudge [--now ISO] [--dry-run] [--team T…]   # one scheduler pass
python app.py db upgrade
python app.py import FILE.csv|DIR [--dry-run] [--team T…] [--currency USD] [--dayfirst]
                                   [--encoding NAME]
python app.py export DIR [--team T…]
python app.py report [--now ISO] [--dry-run] [--png FILE] [--team T…] [--zone ZONE]  # preview
python app.py workspace delete T… (--dry-run | --yes)
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from bot import logs, serving
from bot.app_factory import create_nudge_pass, nudge_installed_workspaces, open_database
from bot.clock import SystemClock
from bot.console.blocks_text import render_blocks
from bot.console.shell import run_console
from bot.domain import OPERATOR_TEAM, Actor
from bot.errors import RapportError
from bot.manifest import manifest
from bot.nudges.planning import zone_named
from bot.nudges.preview import print_preview
from bot.render.reply import Viewer
from bot.render.team_report import chart_png, render_team_report
from bot.services import exporting
from bot.services.import_owners import known_owners, owner_texts, slack_owners
from bot.services.importing import Importer, ImportReport, import_file
from bot.services.team_report import build_report
from bot.services.workspace_deletion import WorkspaceDeletion, delete_workspace
from bot.settings import Settings, SettingsError, read_dotenv
from bot.transfer.decoding import UnknownEncoding, UnreadableFile
from bot.transfer.reader import read_records
from bot.transfer.records import ImportFile
from bot.transfer.writer import EXPORT_FILES
from handlers.client import make_client
from handlers.directory import SlackDirectory
from storage import migrate
from storage.unit_of_work import team_ids, unit_of_work, workspace_erasure

EXIT_USAGE = 2
PROGRESS_THRESHOLD = 2_000  # rows; smaller files finish before a bar would help
IMPORT_ACTOR = "import"

logger = logging.getLogger("rapport.cli")


class UsageError(Exception):
    """A command-line mistake: one line to the user, exit code 2."""


def main(argv: Sequence[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ, read_dotenv(Path.cwd()))
        logs.configure(settings.log_level)
        command: Callable[[argparse.Namespace, Settings, TextIO], int] = arguments.command
        return command(arguments, settings, out)
    except (SettingsError, UsageError, migrate.SchemaOutdated) as problem:
        print(f"rapport: {problem}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Rapport, the Slack CRM.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot (Socket Mode or HTTP on $PORT)")
    run.set_defaults(command=_run)

    manifest_ = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest_.add_argument(
        "--url",
        type=_public_url,
        help="HTTP mode (one or many workspaces): the app's public URL, e.g. "
        "https://rapport.example.com",
    )
    manifest_.set_defaults(command=_manifest)

    console = commands.add_parser("console", help="try it without Slack: a local chat shell")
    console.add_argument(
        "--demo", action="store_true", help="a fresh demo database (rapport-demo.db) to play with"
    )
    console.set_defaults(command=_console)

    nudge = commands.add_parser("nudge", help="run one scheduler pass (or preview it)")
    nudge.add_argument("--now", type=_instant, help="plan as if it were this ISO-8601 time")
    nudge.add_argument("--dry-run", action="store_true", help="show what would go out and why")
    nudge.add_argument("--team", help="the workspace (T…); default: every workspace")
    nudge.set_defaults(command=_nudge)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade"], help="bring the schema up to date")
    db.set_defaults(command=_db)

    reporting = commands.add_parser(
        "report", help="preview the weekly team report (its text, its chart as a PNG)"
    )
    reporting.add_argument("--now", type=_instant, help="report as if it were this ISO-8601 time")
    reporting.add_argument("--dry-run", action="store_true", help="preview it: post nothing")
    reporting.add_argument("--png", type=Path, metavar="FILE", help="write the chart to FILE")
    reporting.add_argument("--team", help="the workspace (T…)")
    reporting.add_argument(
        "--zone",
        type=_zone,
        help="the weeks' zone (default: the weekly report's, set with the report's channel)",
    )
    reporting.set_defaults(command=_report)

    importing = commands.add_parser("import", help="import a CRM export or a Rapport export")
    importing.add_argument("path", type=Path, help="a CSV file, or a directory `export` wrote")
    importing.add_argument("--dry-run", action="store_true", help="show what would change")
    importing.add_argument("--team", help="the workspace (T…) to import into")
    importing.add_argument(
        "--currency", help="for values without one (default: the workspace currency, USD)"
    )
    importing.add_argument("--dayfirst", action="store_true", help="read 03/04/2027 as 3 April")
    importing.add_argument(
        "--encoding", help="the file's encoding (e.g. shift_jis), if not UTF-8 or Windows-1252"
    )
    importing.set_defaults(command=_import)

    exporting_ = commands.add_parser("export", help="write every record as CSV files")
    exporting_.add_argument("directory", type=Path)
    exporting_.add_argument("--team", help="the workspace (T…) to export")
    exporting_.set_defaults(command=_export)

    workspace = commands.add_parser("workspace", help="administer a workspace's data")
    workspace_actions = workspace.add_subparsers(required=True, metavar="ACTION")
    deleting = workspace_actions.add_parser(
        "delete", help="delete every row of a workspace (audited)"
    )
    deleting.add_argument("team", metavar="T…", help="the workspace's Slack id")
    deleting.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted; change nothing"
    )
    deleting.add_argument("--yes", action="store_true", help="delete (there is no prompt)")
    deleting.set_defaults(command=_workspace_delete)
    return parser


def _run(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    missing = settings.missing_for_run()
    if missing:
        raise SettingsError(
            " and ".join([", ".join(missing[:-1]), missing[-1]] if missing[:-1] else missing)
            + (" is" if len(missing) == 1 else " are")
            + " not set; `run` needs them (README: Connecting Slack)."
        )
    if settings.slack_app_token:
        serving.run_socket_mode(settings)
    else:
        serving.run_http(settings)
    return 0


def _console(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    return run_console(settings, with_demo=arguments.demo, inp=sys.stdin, out=out)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not an ISO-8601 time, e.g. 2027-03-29T09:05:00+02:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"“{text}” needs a UTC offset, e.g. +02:00 or Z")
    return moment


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ValueError, ZoneInfoNotFoundError):
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a time zone, e.g. Europe/Berlin"
        ) from None


def _public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a public URL of the app, e.g. https://rapport.example.com"
        )
    return text


def _nudge(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    sessions = open_database(settings)
    teams = [arguments.team] if arguments.team else team_ids(sessions)
    now = arguments.now or SystemClock().now()
    if arguments.dry_run:
        preview = create_nudge_pass(settings, session_factory=sessions, preview=True)
        for team_id in teams:
            print_preview(preview.preview(team_id, now), out)
        return 0
    if settings.installs_by_oauth:  # each installed workspace with its own bot token
        passes = nudge_installed_workspaces(settings, sessions, only=teams)(now)
        reports = list(passes.values())
    else:
        reports = [create_nudge_pass(settings, session_factory=sessions).run(teams, now)]

    def total(field: str) -> int:
        return sum(getattr(report, field) for report in reports)

    print(
        f"Planned {total('planned')}, sent {total('messages')} messages with "
        f"{total('delivered')} items, skipped {total('skipped')}, failed {total('failed')}, "
        f"auto-renewed {total('auto_renewed')}, leases returned {total('reaped')}.",
        file=out,
    )
    return 1 if total("failed") else 0


def _report(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """The weekly team report, printed as text (and its chart written with --png). Posting it
    is the scheduled report's job: without --dry-run this says so and changes nothing."""
    if not arguments.dry_run:
        raise UsageError(
            "the report is posted by the scheduled weekly report (`settings workspace report …`);"
            " preview it here with --dry-run"
        )
    sessions = open_database(settings)
    team_id = _team(sessions, arguments.team, settings)
    now = arguments.now or SystemClock().now()
    with unit_of_work(sessions, team_id, dry_run=True) as work:
        zone = arguments.zone or zone_named(work.workspaces.get_or_create(now).report_timezone)
        report = build_report(work, now, zone)
    reader = Viewer(user_id="", tz=zone, now=now)
    print(render_blocks(render_team_report(report, reader).blocks).text, file=out)
    if arguments.png is not None:
        png = chart_png(report, reader)
        if png is None:
            print("No chart: nothing with a known value renews in the next 12 months.", file=out)
        else:
            arguments.png.write_bytes(png)
            print(f"Chart written to {arguments.png}.", file=out)
    return 0


def _manifest(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    out.write(manifest_yaml(arguments.url))
    return 0


def manifest_yaml(public_url: str | None = None) -> str:
    header = "# Generated by `python app.py manifest`; create the Slack app from it.\n"
    return header + yaml.safe_dump(manifest(public_url), sort_keys=False, allow_unicode=True)


def _team(sessions: sessionmaker[Session], team: str | None, settings: Settings) -> str:
    """The workspace named, else the token's workspace, else the only one in the database."""
    if team:
        return team
    if settings.slack_bot_token:
        client = make_client(settings.slack_bot_token, settings.slack_api_url)
        try:
            return str(client.auth_test()["team_id"])
        except SlackApiError as error:
            raise UsageError(
                f"Slack did not accept SLACK_BOT_TOKEN ({error.response.get('error')}); "
                "name the workspace with --team T…"
            ) from None
    known = team_ids(sessions)
    if len(known) == 1:
        return known[0]
    if not known:
        raise UsageError("the database has no workspace yet; name one with --team T…")
    raise UsageError(
        "the database holds several workspaces (" + ", ".join(known) + "); pick one with --team"
    )


def _db(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    migrate.upgrade(settings.database_url)
    print("The database schema is up to date.", file=out)
    return 0


def _import_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = [path / name for name, _kind in EXPORT_FILES if (path / name).is_file()]
        if not files:
            raise UsageError(f"{path} holds none of the files `export` writes")
        return files
    if not path.is_file():
        raise UsageError(f"there is no file {path}")
    return [path]


def _import(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    files = _import_files(arguments.path)
    # Every file is read before any is imported: one that cannot be read stops them all.
    read = [(path, _read_import_file(path, arguments)) for path in files]
    sessions = open_database(settings)
    team_id = _team(sessions, arguments.team, settings)
    actor = Actor(team_id=team_id, user_id=IMPORT_ACTOR)
    owners = _resolve_owners(sessions, team_id, settings, [data for _, data in read])
    now = SystemClock().now()
    left_out = 0
    for path, data in read:
        try:
            report = _import_one(sessions, team_id, actor, now, data, owners, arguments)
        except RapportError as refused:
            raise UsageError(refused.message) from None
        _print_report(path, report, arguments.dry_run, out)
        left_out += report.skipped_rows + len(report.repeated) + (report.refused is not None)
    return 1 if left_out else 0


def _resolve_owners(
    sessions: sessionmaker[Session], team_id: str, settings: Settings, files: list[ImportFile]
) -> dict[str, str]:
    """The Slack users the files' owners and authors are: the workspace's known users in a
    short read, then, with a token, Slack itself (users.lookupByEmail, users.list) with no
    transaction open."""
    texts = owner_texts(files)
    if not texts:
        return {}
    with unit_of_work(sessions, team_id, dry_run=True) as work:
        owners = known_owners(work, texts)
    directory = _directory(settings)
    if directory is not None:
        owners |= slack_owners(directory, [text for text in texts if text not in owners])
    return owners


def _read_import_file(path: Path, arguments: argparse.Namespace) -> ImportFile:
    data = path.read_bytes()
    try:
        return read_records(data, dayfirst=arguments.dayfirst, encoding=arguments.encoding)
    except UnknownEncoding as refused:
        raise UsageError(refused.message) from None
    except UnreadableFile as refused:
        raise UsageError(f"{path}: {refused.message}") from None


def _directory(settings: Settings) -> SlackDirectory | None:
    """With a token, import resolves owners through Slack too."""
    if not settings.slack_bot_token:
        return None
    return SlackDirectory(make_client(settings.slack_bot_token, settings.slack_api_url))


def _import_one(
    sessions: sessionmaker[Session],
    team_id: str,
    actor: Actor,
    now: datetime,
    data: ImportFile,
    owners: dict[str, str],
    arguments: argparse.Namespace,
) -> ImportReport:
    """One file: in chunks, a transaction each; a dry run in one transaction, rolled back,
    so that what it reports is exactly what a real run would do."""
    with ExitStack() as stack:
        progress = None
        # A bar only for a person watching: never into a log file or a pipe.
        if len(data.rows) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
            bar = stack.enter_context(tqdm(total=len(data.rows), unit="row", file=sys.stderr))
            progress = bar.update
        if arguments.dry_run:
            with unit_of_work(sessions, team_id, dry_run=True) as work:
                importer = Importer(
                    work, actor, now, owners=owners, default_currency=arguments.currency
                )
                return importer.run(data, progress=progress)
        return import_file(
            lambda: unit_of_work(sessions, team_id),
            actor,
            now,
            data,
            owners=owners,
            default_currency=arguments.currency,
            progress=progress,
        )


def _print_report(path: Path, report: ImportReport, dry_run: bool, out: TextIO) -> None:
    print(f"{path.name} ({report.kind.value}):", file=out)
    for note in report.notes:
        print(f"  note: {note}", file=out)
    if report.refused is not None:
        print(f"  refused, nothing was imported: {report.refused}", file=out)
        return
    for change in report.changes:
        print(f"  {change}", file=out)
    print(f"  {_counts(report, dry_run)}", file=out)
    for error in report.skipped:
        print(f"  skipped {error}", file=out)
    for error in report.repeated:
        print(f"  repeated {error}", file=out)
    for cell in report.cell_notes:
        print(f"  not understood: {cell}", file=out)
    if report.unresolved_owners:
        print(
            f"  {len(report.unresolved_owners)} owners are not Slack users yet; they stay "
            "visible with `/crm find owner:unresolved` and can be assigned with `/crm assign`:",
            file=out,
        )
        for account, owner in sorted(report.unresolved_owners.items()):
            print(f"    {account}: {owner}", file=out)
    if dry_run:
        print("  Dry run: nothing was saved.", file=out)


def _counts(report: ImportReport, dry_run: bool) -> str:
    """The rows by what became of them; a count that is 0 is left out ("5 unchanged.")."""
    verb = "would be " if dry_run else ""
    counts = [
        (report.created, f"{verb}created"),
        (report.updated, f"{verb}updated"),
        (report.unchanged, "unchanged"),
        (report.skipped_rows, "skipped"),
        (len(report.repeated), "repeated (the first row kept)"),
        (
            len(report.cell_notes),
            "cells not understood" if len(report.cell_notes) != 1 else "cell not understood",
        ),
    ]
    said = [f"{count} {what}" for count, what in counts if count]
    return (", ".join(said) if said else "no rows") + "."


def _export(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    sessions = open_database(settings)
    team_id = _team(sessions, arguments.team, settings)
    with unit_of_work(sessions, team_id, dry_run=True) as work:
        export = exporting.collect(work)
    counts = exporting.write_files(export, arguments.directory)
    for name, count in counts.items():
        print(f"{arguments.directory / name}: {count} rows", file=out)
    return 0


def _workspace_delete(arguments: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """A dry run counts in a read-only transaction; the real run needs ``--yes`` (no prompt:
    the same in a terminal and a script) and deletes in one transaction with its record."""
    if not arguments.dry_run and not arguments.yes:
        raise UsageError(
            f"deleting workspace {arguments.team} cannot be undone: see what it removes with "
            "--dry-run, then run it again with --yes"
        )
    sessions = open_database(settings)
    operator = f"cli:{_os_user()}"[:64]
    try:
        with workspace_erasure(sessions, arguments.team, read_only=arguments.dry_run) as erasure:
            deletion = delete_workspace(
                erasure, operator, SystemClock().now(), dry_run=arguments.dry_run
            )
    except RapportError as refused:
        print(f"rapport: {refused.message}", file=sys.stderr)
        return 1
    if not deletion.dry_run:  # committed: the record is in the operator's audit trail
        logger.warning(
            "workspace deleted",
            extra={"team_id": deletion.team_id, "operator": operator, "rows": deletion.rows},
        )
    _print_deletion(deletion, out)
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container's anonymous uid)
        return "unknown"


def _print_deletion(deletion: WorkspaceDeletion, out: TextIO) -> None:
    if deletion.dry_run:
        print(f"Workspace {deletion.team_id}: a dry run, these rows would be deleted:", file=out)
    else:
        print(f"Workspace {deletion.team_id}: deleted these rows:", file=out)
    width = max(len(name) for name in [*deletion.rows, "total"])
    for name, count in deletion.rows.items():
        print(f"  {name:<{width}}  {count:>9,}", file=out)
    print(f"  {'total':<{width}}  {deletion.total:>9,}", file=out)
    if deletion.dry_run:
        print("Dry run: nothing was deleted.", file=out)
    else:
        print(
            "Recorded in the operator's audit trail (audit_events, team_id "
            f"{OPERATOR_TEAM!r}, action 'workspace.delete').",
            file=out,
        )


if __name__ == "__main__":
    sys.exit(main())
