"""Export: every record of one workspace as the CSV files that `import` reads back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain import Account, Contact, Contract, FollowUp, Interaction
from bot.ports import UnitOfWork
from bot.transfer import writer
from bot.transfer.records import RecordKind


@dataclass(frozen=True, slots=True)
class WorkspaceExport:
    accounts: list[Account]
    contacts: list[Contact]
    interactions: list[Interaction]
    follow_ups: list[FollowUp]
    contracts: list[Contract]


def collect(uow: UnitOfWork) -> WorkspaceExport:
    return WorkspaceExport(
        accounts=uow.accounts.all(),
        contacts=uow.contacts.all(),
        interactions=uow.interactions.all(),
        follow_ups=uow.follow_ups.all(),
        contracts=uow.contracts.all(),
    )


def write_files(export: WorkspaceExport, directory: Path) -> dict[str, int]:
    """Write one file per record type into ``directory``; returns rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)
    account_names = {a.id: a.name for a in export.accounts}
    contact_names = {c.id: c.name for c in export.contacts}
    counts: dict[str, int] = {}
    for file_name, kind in writer.EXPORT_FILES:
        with (directory / file_name).open("w", encoding="utf-8", newline="") as out:
            match kind:
                case RecordKind.ACCOUNTS:
                    counts[file_name] = writer.write_accounts(out, export.accounts)
                case RecordKind.CONTACTS:
                    counts[file_name] = writer.write_contacts(
                        out, export.contacts, account_names=account_names
                    )
                case RecordKind.INTERACTIONS:
                    counts[file_name] = writer.write_interactions(
                        out,
                        export.interactions,
                        account_names=account_names,
                        contact_names=contact_names,
                    )
                case RecordKind.FOLLOW_UPS:
                    counts[file_name] = writer.write_follow_ups(
                        out, export.follow_ups, account_names=account_names
                    )
                case RecordKind.CONTRACTS:
                    counts[file_name] = writer.write_contracts(
                        out, export.contracts, account_names=account_names
                    )
    return counts
