"""Log lines with their structured fields: `logger.info("sent", extra={"user": …})` prints
`… sent user=U123`, so a log search can filter on the fields."""

from __future__ import annotations

import logging

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if not fields:
            return line
        return line + " " + " ".join(f"{k}={v!r}" for k, v in sorted(fields.items()))


def configure(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # a line per migration step
