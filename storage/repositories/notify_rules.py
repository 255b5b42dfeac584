"""Channel notify rules: which channel hears which event, for which accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.notify import NotifyRule, NotifyRuleSpec
from storage import mapping, models
from storage.repositories.base import Scoped


class SqlNotifyRuleRepository(Scoped):
    """See ``bot.ports.NotifyRuleRepository``."""

    def add(self, spec: NotifyRuleSpec, *, created_by: str, now: datetime) -> NotifyRule:
        row = models.NotifyRuleRow(team_id=self.team_id, created_by=created_by, created_at=now)
        mapping.fill_notify_rule(row, spec)
        self.session.add(row)
        self.session.flush()
        return mapping.notify_rule(row)

    def restore(self, rule: NotifyRule) -> NotifyRule:
        row = models.NotifyRuleRow(
            id=rule.id,
            team_id=self.team_id,
            created_by=rule.created_by,
            created_at=rule.created_at,
        )
        mapping.fill_notify_rule(row, rule.spec)
        self.session.add(row)
        self.session.flush()
        return mapping.notify_rule(row)

    def get(self, rule_id: int) -> NotifyRule | None:
        rule = models.NotifyRuleRow
        row = self.session.scalars(
            select(rule).where(rule.team_id == self.team_id, rule.id == rule_id)
        ).one_or_none()
        return mapping.notify_rule(row) if row else None

    def find(self, spec: NotifyRuleSpec) -> NotifyRule | None:
        rule = models.NotifyRuleRow
        row = self.session.scalars(
            select(rule).where(
                rule.team_id == self.team_id,
                rule.channel_id == spec.channel_id,
                rule.event == spec.event.value,
                rule.filter_key == spec.filter_key,
            )
        ).one_or_none()
        return mapping.notify_rule(row) if row else None

    def remove(self, rule: NotifyRule) -> None:
        row = models.NotifyRuleRow
        self.session.execute(delete(row).where(row.team_id == self.team_id, row.id == rule.id))

    def all(self) -> list[NotifyRule]:
        rule = models.NotifyRuleRow
        rows = self.session.scalars(
            select(rule).where(rule.team_id == self.team_id).order_by(rule.id)
        )
        return [mapping.notify_rule(row) for row in rows]
