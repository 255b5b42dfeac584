"""Rapport's core: domain, parsing, services. No Slack, database or scheduler imports here."""
