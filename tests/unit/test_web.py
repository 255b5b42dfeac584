"""The WSGI app in front of Bolt: /healthz says whether the database answers; unknown paths 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handlers.web import health_check
from storage.database import answers, create_database_engine


def _call(app: Callable[..., Any], path: str = "/healthz") -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, start_response))
    return seen["status"], json.loads(body)


@pytest.mark.parametrize(
    ("answers", "status", "body"),
    [
        (True, "200 OK", {"status": "ok", "database": "ok"}),
        (False, "503 Service Unavailable", {"status": "unavailable", "database": "not answering"}),
    ],
)
def test_health_says_whether_the_database_answers(
    answers: bool, status: str, body: dict[str, str]
) -> None:
    assert _call(health_check(lambda: answers)) == (status, body)


def test_a_database_that_does_not_answer_is_reported(tmp_path: Path) -> None:
    refused = create_database_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert answers(refused) is False
    working = create_database_engine(f"sqlite:///{tmp_path / 'up.db'}")
    assert answers(working) is True
