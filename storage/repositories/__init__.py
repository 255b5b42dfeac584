"""Every query Rapport runs. Each repository is bound to one workspace at construction."""

from storage.repositories.accounts import SqlAccountRepository, SqlContactRepository
from storage.repositories.base import LIVE_STATUSES
from storage.repositories.bulk import SqlBulkWriter
from storage.repositories.contracts import SqlContractRepository
from storage.repositories.ledger import SqlAuditLog, SqlNudgeLedger, SqlSlackEventLog
from storage.repositories.touches import SqlFollowUpRepository, SqlInteractionRepository
from storage.repositories.workspaces import SqlUserRepository, SqlWorkspaceRepository

__all__ = [
    "LIVE_STATUSES",
    "SqlAccountRepository",
    "SqlAuditLog",
    "SqlBulkWriter",
    "SqlContactRepository",
    "SqlContractRepository",
    "SqlFollowUpRepository",
    "SqlInteractionRepository",
    "SqlNudgeLedger",
    "SqlSlackEventLog",
    "SqlUserRepository",
    "SqlWorkspaceRepository",
]
