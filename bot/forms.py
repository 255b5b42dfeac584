"""The logging modal's submission: checked field by field, then logged like `log …`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.dates import When
from bot.domain import Actor, InteractionKind
from bot.errors import AccountNotFound, RapportError
from bot.ports import UnitOfWork
from bot.render.modal import LogForm, LogPrefill, read_log_submission
from bot.services.interactions import LoggedInteraction, log_interaction
from bot.services.lookup import account_by_id
from bot.validation import row_id, storable


class FieldErrors(RapportError):
    """A submission refused field by field: the errors to show next to the modal's fields
    (``response_action: errors``), by block id. Nothing of it is kept."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def log_from_form(
    uow: UnitOfWork, actor: Actor, now: datetime, values: dict[str, object], metadata: str
) -> LoggedInteraction:
    form = read_log_submission(values, metadata, today=_today(actor, now))
    if not isinstance(form, LogForm):
        raise FieldErrors(form)
    follow_up = (
        When(day=form.follow_up_day, time_of_day=None, text=form.follow_up_day.isoformat())
        if form.follow_up_day
        else None
    )
    return log_interaction(
        uow,
        actor,
        now,
        account=account_by_id(uow, form.account_id),
        kind=form.kind,
        summary=form.summary,
        when=When(day=form.day, time_of_day=None, text=form.day.isoformat()),
        follow_up_when=follow_up,
        follow_up_text=form.follow_up_text,
        permalink=form.permalink,
    )


def _today(actor: Actor, now: datetime) -> date:
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def prefill_for_account(uow: UnitOfWork, actor: Actor, now: datetime, value: str) -> LogPrefill:
    """The modal a "Log a touch" button opens: the account chosen, today, a call."""
    account_id = row_id(value)
    if account_id is None:
        raise AccountNotFound(value)
    account = account_by_id(uow, account_id)
    return LogPrefill(
        account=account,
        text="",
        permalink=None,
        kind=InteractionKind.CALL,
        today=_today(actor, now),
    )


def prefill_for_message(
    actor: Actor, now: datetime, text: str, permalink: str | None
) -> LogPrefill:
    """The modal the shortcuts open: a message's text and link, or empty."""
    text = storable(text)
    kind = InteractionKind.MESSAGE if text else InteractionKind.CALL
    return LogPrefill(
        account=None, text=text, permalink=permalink, kind=kind, today=_today(actor, now)
    )
