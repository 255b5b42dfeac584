"""What the benchmark asks: the `/crm` text of each measured command, request by request.

Single-account commands walk through the seed's sample names (each request another account,
so no answer comes from a warm cache of the one before); `find` searches a word of one.
`log` writes, with a follow-up, and is measured last so that its App Home refreshes cannot
land in another workload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.parser import USAGE


@dataclass(frozen=True, slots=True)
class Workload:
    name: str  # as the table shows it
    text: Callable[[int], str]  # the command text of request number n
    single_account: bool  # the scale target: p50(L)/p50(S) ≤ 1.5 (lists: ≤ 2)
    usage_key: str  # the command's key in the parser's USAGE table: present or not


def workloads(sample_names: Sequence[str], run: str) -> list[Workload]:
    """Every command the issue names, in the order they are measured. ``run`` makes each
    logged summary unique to this run."""
    names = list(sample_names)
    if not names:
        raise ValueError("the seed gave no sample account names")

    def name(n: int) -> str:
        return names[n % len(names)]

    def word(n: int) -> str:
        return name(n).split()[0]

    return [
        Workload("show", lambda n: f"show {name(n)}", True, "show"),
        Workload("find", lambda n: f"find {word(n)}", False, "find"),
        Workload("history", lambda n: f"history {name(n)}", True, "history"),
        Workload("mine", lambda n: "mine", False, "mine"),
        Workload("overdue all", lambda n: "overdue all", False, "overdue"),
        Workload("renewals", lambda n: "renewals", False, "renewals"),
        Workload("stale all", lambda n: "stale all", False, "stale"),
        Workload("accounts", lambda n: "accounts all", False, "accounts"),
        # Issue 12: every account of the list is scored to order them; one owner's book, and
        # the whole workspace's (which grows with it: reported, not held to the L/S target).
        Workload("accounts by health", lambda n: "accounts by health", False, "accounts"),
        Workload("accounts all by health", lambda n: "accounts all by health", False, "accounts"),
        Workload(
            "log",
            lambda n: (
                f"log note with {name(n)}: bench {run} note {n} follow up tomorrow: call back"
            ),
            True,
            "log",
        ),
    ]


def missing(workload: Workload) -> bool:
    """A command the product does not have yet (`accounts` before issue 9): it is reported as
    missing, never measured as something else."""
    return workload.usage_key not in USAGE


HOME = "App Home"
