"""Import and export as CSV: reading files into typed rows, writing the export files.

Pure: no database, no Slack, no file system; the caller opens files and applies rows.
"""

from bot.transfer.headers import EXPORT_HEADERS, HEADER_ALIASES
from bot.transfer.reader import read_records
from bot.transfer.records import (
    AccountRow,
    CellNote,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
    RecordKind,
    Row,
    RowError,
)
from bot.transfer.values import ACCOUNT_KIND_ALIASES
from bot.transfer.writer import (
    EXPORT_FILES,
    write_accounts,
    write_contacts,
    write_contracts,
    write_follow_ups,
    write_interactions,
)

__all__ = [
    "ACCOUNT_KIND_ALIASES",
    "EXPORT_FILES",
    "EXPORT_HEADERS",
    "HEADER_ALIASES",
    "AccountRow",
    "CellNote",
    "ContactRow",
    "ContractRow",
    "FollowUpRow",
    "ImportFile",
    "InteractionRow",
    "RecordKind",
    "Row",
    "RowError",
    "read_records",
    "write_accounts",
    "write_contacts",
    "write_contracts",
    "write_follow_ups",
    "write_interactions",
]
