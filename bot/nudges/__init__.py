"""Nudges: planning what is due for whom (pure), the ledger, delivery, the scheduler."""
