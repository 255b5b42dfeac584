"""`/crm report` through the real app: the report answered at once (ephemeral), then its
chart drawn, uploaded with the current flow and shown through a `slack_file` image block."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PIL import Image

from bot.domain import AccountKind, ContractDirection, InteractionKind, Owner
from bot.fakeslack import requests as r
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import NOW, Harness
from tests.scenario.conftest import Slack


def _seed(work: SqlUnitOfWork) -> None:
    work.workspaces.get_or_create(NOW)
    for name, value, currency, renews in [
        ("Acme <!channel>", "24000", "EUR", date(2027, 2, 15)),
        ("Globex", "1200.50", "USD", date(2027, 6, 1)),
    ]:
        account = work.accounts.add(
            name=name,
            kind=AccountKind.CUSTOMER,
            owner=Owner(user_id="UALICE"),
            tier=None,
            cadence_days=30,
            now=NOW - timedelta(days=40),
        )
        work.contracts.add(
            account_id=account.id,
            value=Decimal(value),
            currency=currency,
            renewal_date=renews,
            direction=ContractDirection.WE_SELL,
            start_date=None,
            notice_days=None,
            auto_renew=False,
            previous_id=None,
            now=NOW - timedelta(days=40),
        )
        work.interactions.add(
            account_id=account.id,
            kind=InteractionKind.CALL,
            occurred_at=NOW - timedelta(days=1),
            summary="call",
            logged_by="UALICE",
            contact_id=None,
            permalink=None,
            now=NOW,
        )


def _known(slack: Slack) -> None:
    """Alice has used the bot before: Slack told it her zone, so answers come at once."""
    slack.send(slack.command("help"))


def _blocks_text(message: dict[str, Any]) -> str:
    blocks = message["blocks"]
    return json.dumps(json.loads(blocks) if isinstance(blocks, str) else blocks, ensure_ascii=False)


def test_crm_report_answers_then_uploads_the_chart_and_shows_it(
    slack: Slack, app_db: Harness
) -> None:
    app_db.read(r.TEAM, _seed)
    _known(slack)
    request = slack.command("report")
    response = slack.answer_only(request)
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_type"] == "ephemeral"
    shown = _blocks_text(answer)
    assert "Team report — week of Mon 4 Jan" in shown
    assert "<@UALICE>: 2 · 0" in shown
    assert "Acme &lt;!channel&gt;" in shown  # the name echoed inert
    assert slack.fake.uploaded_files() == []  # nothing uploaded before the answer left

    slack.background.run_pending()
    (chart,) = slack.fake.uploaded_files()
    assert chart.completed and chart.channels == ()  # shared with nobody but the image block
    assert chart.filename == "renewals-2027-01-06.png"
    assert chart.content is not None
    with Image.open(io.BytesIO(chart.content)) as image:
        assert image.format == "PNG" and image.size == (1200, 800)  # EUR and USD panels
    assert chart.alt_txt and "EUR" in chart.alt_txt
    assert slack.fake.calls_to("files.upload") == []  # never the retired method
    followed = slack.fake.calls_to("response_url")[-1].args
    assert followed["response_type"] == "ephemeral"
    (image_block,) = (
        json.loads(followed["blocks"])
        if isinstance(followed["blocks"], str)
        else followed["blocks"]
    )
    assert image_block["type"] == "image"
    assert image_block["slack_file"] == {"id": chart.id}


def test_a_failed_upload_is_said_and_logged_never_a_stack_trace(
    slack: Slack, app_db: Harness
) -> None:
    app_db.read(r.TEAM, _seed)
    slack.fake.fail_next("files.getUploadURLExternal", error="invalid_auth")
    slack.send(slack.command("report"))
    followed = slack.fake.calls_to("response_url")[-1].args
    assert "could not be attached" in followed["text"]
    assert "Traceback" not in json.dumps(followed)
    assert not any(f.completed for f in slack.fake.uploaded_files())


def test_no_chart_when_nothing_renews_in_twelve_months(slack: Slack, app_db: Harness) -> None:
    app_db.read(r.TEAM, lambda work: work.workspaces.get_or_create(NOW))
    _known(slack)
    answer = slack.answer(slack.command("report"))
    assert "Nothing to report yet" in _blocks_text(answer)
    assert slack.fake.uploaded_files() == []
    assert (
        "nothing renews in the next 12 months"
        in slack.fake.calls_to("response_url")[-1].args["text"]
    )


def test_a_direct_message_gets_the_report_then_the_chart_in_the_dm(
    slack: Slack, app_db: Harness
) -> None:
    app_db.read(r.TEAM, _seed)
    slack.send(r.direct_message("report"))
    report, chart_message = slack.posted()
    assert report["channel"] == "DUALICE" and "Team report" in report["text"]
    (chart,) = slack.fake.uploaded_files()
    assert chart_message["channel"] == "DUALICE"
    assert f'"slack_file": {{"id": "{chart.id}"}}' in _blocks_text(chart_message)


def test_a_mention_gets_both_messages_only_for_its_sender(slack: Slack, app_db: Harness) -> None:
    app_db.read(r.TEAM, _seed)
    slack.send(r.mention("report"))
    assert slack.posted() == []  # nothing for the whole channel
    report, chart_message = slack.posted("chat.postEphemeral")
    assert report["user"] == chart_message["user"] == "UALICE"
    assert "Team report" in report["text"]
    (chart,) = slack.fake.uploaded_files()
    assert f'"slack_file": {{"id": "{chart.id}"}}' in _blocks_text(chart_message)
