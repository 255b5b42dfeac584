"""What a "which account?" button carries: the line as it was typed, and the account picked.

When several accounts fit a name (``AmbiguousAccount``), the reply offers each as a button;
pressing one runs the same line for that account (``bot.execute.run_choice``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.validation import row_id


@dataclass(frozen=True, slots=True)
class AccountChoice:
    account_id: int
    line: str

    def encode(self) -> str:
        return f"{self.account_id}\n{self.line}"

    @classmethod
    def decode(cls, text: str) -> AccountChoice:
        """The value ``encode`` wrote; ``ValueError`` for anything else (a forged button)."""
        number, separator, line = text.partition("\n")
        account_id = row_id(number)
        if account_id is None or not separator or not line.strip():
            raise ValueError(f"not an account choice: {text[:100]!r}")
        return cls(account_id, line)
