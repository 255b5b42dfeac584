"""Use cases. Each takes a unit of work, the actor and ``now``, returns a value, never sends.

Refusals are raised as ``bot.errors.RapportError``; the caller's boundary rolls back.
"""
