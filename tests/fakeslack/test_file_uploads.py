"""File uploads the current way (get an upload URL, POST the bytes, complete), image blocks
that show an uploaded file through `slack_file`, and the retired `files.upload`."""

from __future__ import annotations

import json
import struct
import urllib.error
import urllib.request
import zlib
from io import BytesIO
from typing import Any

import pytest
from PIL import Image
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.fakeslack import FakeSlack
from bot.fakeslack.uploads import RETIRED_UPLOAD


def png(width: int = 300, height: int = 200) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 300, height: int = 200) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "JPEG")
    return out.getvalue()


def with_idat(data: bytes, body: bytes | None = None, *, crc_ok: bool = True) -> bytes:
    """A PNG with its IDAT chunk's data replaced by `body`, and a right or wrong checksum."""
    out, pos = bytearray(data[:8]), 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IDAT":
            chunk = chunk if body is None else body
            crc = zlib.crc32(kind + chunk) ^ (0 if crc_ok else 1)
        else:
            (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        out += struct.pack(">I", len(chunk)) + kind + chunk + struct.pack(">I", crc)
        pos += 12 + length
    return bytes(out)


def idat(data: bytes) -> bytes:
    start = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[start - 4 : start])
    return data[start + 4 : start + 4 + length]


# Each caught by one of Pillow's two passes only: verify() checks checksums, load() decodes.
BAD_CHECKSUM_PNG = with_idat(png(), crc_ok=False)
CUT_PIXELS_PNG = with_idat(png(), idat(png())[: len(idat(png())) // 2])


def upload_url(client: WebClient, filename: str, length: int) -> tuple[str, str]:
    answer = client.files_getUploadURLExternal(filename=filename, length=length)
    return str(answer["file_id"]), str(answer["upload_url"])


def post_bytes(url: str, data: bytes, content_type: str | None = None) -> tuple[int, str]:
    """POST as slack_sdk does (urllib, raw body); the HTTP status and text answered."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def uploaded(client: WebClient, filename: str, data: bytes) -> str:
    """A file whose bytes arrived but which was not completed yet."""
    file_id, url = upload_url(client, filename, len(data))
    assert post_bytes(url, data)[0] == 200
    return file_id


def completed(client: WebClient, filename: str = "chart.png", data: bytes | None = None) -> str:
    file_id = uploaded(client, filename, data if data is not None else png())
    client.files_completeUploadExternal(files=[{"id": file_id, "title": "Chart"}])
    return file_id


def rejected(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as excinfo:
        call()
    data: dict[str, Any] = excinfo.value.response.data
    assert data["ok"] is False
    return data


def image_block(**fields: Any) -> dict[str, Any]:
    return {"type": "image", "alt_text": "Touches per week", **fields}


# -- the round trip ----------------------------------------------------------------------


def test_files_upload_v2_round_trip(client: WebClient, fake: FakeSlack) -> None:
    chart = png(640, 480)

    answer = client.files_upload_v2(
        content=chart,
        filename="weekly.png",
        title="Weekly report",
        alt_txt="Touches per week",
        channel="C0001",
        initial_comment="This week's report",
    )

    assert [call.method for call in fake.calls] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]
    assert fake.violations == []
    assert str(fake.last("files.getUploadURLExternal").response["upload_url"]).startswith(  # type: ignore[index]
        fake.base_url + "upload/v1/"
    )
    (file,) = fake.uploaded_files()
    assert answer["file"]["id"] == file.id and file.id.startswith("F")
    assert answer["file"]["title"] == "Weekly report"
    assert answer["file"]["original_w"] == 640 and answer["file"]["channels"] == ["C0001"]
    assert file.content == chart
    assert file.filename == "weekly.png" and file.title == "Weekly report"
    assert file.alt_txt == "Touches per week"
    assert file.completed and file.channels == ("C0001",)
    (share,) = fake.messages("C0001")
    assert share.files == (file.id,) and share.text == "This week's report"
    assert share.via == "files.completeUploadExternal"


def test_a_private_upload_then_an_image_block_showing_it(
    client: WebClient, fake: FakeSlack
) -> None:
    file_id = client.files_upload_v2(content=png(), filename="chart.png")["file"]["id"]

    client.chat_postMessage(
        channel="C0001", text="Report", blocks=[image_block(slack_file={"id": file_id})]
    )
    url = client.files_info(file=file_id)["file"]["url_private"]
    client.chat_postMessage(
        channel="C0001", text="Again", blocks=[image_block(slack_file={"url": url})]
    )

    assert fake.violations == []
    assert fake.uploaded_file(file_id) is not None
    assert fake.uploaded_file(file_id).channels == ()  # type: ignore[union-attr]
    assert [m.text for m in fake.messages("C0001")] == ["Report", "Again"]


def test_multipart_bytes_are_accepted_too(client: WebClient, fake: FakeSlack) -> None:
    chart = png()
    file_id, url = upload_url(client, "chart.png", len(chart))
    boundary = "xyz"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="filename"; '
            f'filename="chart.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + chart
        + f"\r\n--{boundary}--\r\n".encode()
    )

    status, text = post_bytes(url, body, f"multipart/form-data; boundary={boundary}")

    assert (status, text) == (200, f"OK - {len(chart)}")
    assert fake.uploaded_file(file_id).content == chart  # type: ignore[union-attr]
    assert fake.violations == []


def test_the_read_api_shows_pending_files_and_clear_forgets_them(
    client: WebClient, fake: FakeSlack
) -> None:
    file_id, _ = upload_url(client, "chart.png", 10)

    (file,) = fake.uploaded_files()
    assert (file.id, file.length, file.content, file.completed) == (file_id, 10, None, False)
    fake.clear()
    assert fake.uploaded_files() == []


# -- files.getUploadURLExternal ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "violation"),
    [
        ({"filename": "a.png", "length": 0}, "missing_argument", "length must be at least 1"),
        ({"filename": "a.png", "length": -5}, "missing_argument", "length must be at least 1"),
        ({"filename": "a.png", "length": "ten"}, "invalid_arguments", "length must be a number"),
        (
            {"filename": "a.png", "length": 1024**3 + 1},
            "file_upload_size_restricted",
            "length must be at most 1073741824 bytes",
        ),
        ({"filename": "a.png"}, "invalid_arguments", "argument `length`: missing required"),
        ({"length": 10}, "invalid_arguments", "argument `filename`: missing required"),
        (
            {"filename": "a.png", "length": 10, "alt_txt": "a" * 1001},
            "alt_txt_too_large",
            "alt_txt must be at most 1000 characters",
        ),
        (
            {"filename": "a.py", "length": 1024**2 + 1, "snippet_type": "python"},
            "snippet_too_large",
            "a snippet must be at most",
        ),
    ],
)
def test_get_upload_url_refuses_what_slack_refuses(
    client: WebClient, fake: FakeSlack, args: dict[str, Any], error: str, violation: str
) -> None:
    data = rejected(lambda: client.api_call("files.getUploadURLExternal", params=args))

    assert data["error"] == error
    assert len(fake.violations) == 1 and violation in fake.violations[0]
    assert fake.uploaded_files() == []


def test_alt_txt_of_1000_characters_is_fine(client: WebClient, fake: FakeSlack) -> None:
    client.files_getUploadURLExternal(filename="a.png", length=10, alt_txt="a" * 1000)

    assert fake.violations == []


# -- the upload URL ----------------------------------------------------------------------


def test_bytes_of_another_length_than_declared_are_refused(
    client: WebClient, fake: FakeSlack
) -> None:
    chart = png()
    file_id, url = upload_url(client, "chart.png", len(chart) + 1)

    assert post_bytes(url, chart)[0] == 400
    assert fake.violations == [
        f"upload_url: {len(chart)} bytes arrived for 'chart.png' ({file_id}), but "
        f"files.getUploadURLExternal declared length={len(chart) + 1}"
    ]
    assert not fake.uploaded_file(file_id).uploaded  # type: ignore[union-attr]
    assert fake.last("upload_url").args["content"] == chart


def test_an_unknown_upload_url_is_refused(client: WebClient, fake: FakeSlack) -> None:
    status, _ = post_bytes(fake.base_url + "upload/v1/made-up", png())

    assert status == 404
    assert fake.violations == ["upload_url: unknown upload URL 'made-up'"]


def test_an_upload_url_works_once(client: WebClient, fake: FakeSlack) -> None:
    chart = png()
    file_id, url = upload_url(client, "chart.png", len(chart))
    assert post_bytes(url, chart) == (200, f"OK - {len(chart)}")

    status, _ = post_bytes(url, chart)

    assert status == 410
    assert fake.violations == [
        f"upload_url: upload URL of {file_id} used again (its bytes already arrived)"
    ]


@pytest.mark.parametrize(
    ("filename", "data", "problem"),
    [
        ("chart.png", b"not a png at all", "'chart.png' claims to be a PNG but is unreadable"),
        ("chart.png", png()[:-40], "'chart.png' claims to be a PNG but is unreadable"),
        ("chart.png", BAD_CHECKSUM_PNG, "'chart.png' claims to be a PNG but is unreadable"),
        ("chart.png", CUT_PIXELS_PNG, "'chart.png' claims to be a PNG but is unreadable"),
        ("chart.png", jpeg(), "'chart.png' claims to be a PNG but is a JPEG image"),
        ("chart.png", png(99, 200), "'chart.png' is 99x200 px; each side must be 100 to 4000"),
        ("chart.png", png(200, 99), "'chart.png' is 200x99 px; each side must be 100 to 4000"),
        ("chart.png", png(4001, 100), "'chart.png' is 4001x100 px; each side must be 100 to"),
        ("chart.PNG", jpeg(), "'chart.PNG' claims to be a PNG but is a JPEG image"),
        ("chart", png(50, 50), "'chart' is 50x50 px"),  # a PNG by its first bytes
    ],
)
def test_a_png_must_be_a_real_png_of_a_sensible_size(
    client: WebClient, fake: FakeSlack, filename: str, data: bytes, problem: str
) -> None:
    file_id, url = upload_url(client, filename, len(data))

    status, _ = post_bytes(url, data)

    assert status == 200  # Slack takes any bytes; the rule is the fake's own
    assert len(fake.violations) == 1
    assert fake.violations[0].startswith(f"upload_url: {problem}"), fake.violations
    assert fake.uploaded_file(file_id).content == data  # type: ignore[union-attr]


@pytest.mark.parametrize(("width", "height"), [(100, 100), (4000, 100), (100, 4000)])
def test_pngs_at_the_size_limits_pass(
    client: WebClient, fake: FakeSlack, width: int, height: int
) -> None:
    uploaded(client, "chart.png", png(width, height))

    assert fake.violations == []


def test_other_files_are_not_checked_as_images(client: WebClient, fake: FakeSlack) -> None:
    uploaded(client, "notes.txt", b"plain text")

    assert fake.violations == []


def test_an_injected_upload_failure(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("upload_url", status=500)
    chart = png()
    file_id, url = upload_url(client, "chart.png", len(chart))

    assert post_bytes(url, chart)[0] == 500
    assert post_bytes(url, chart)[0] == 200
    assert fake.uploaded_file(file_id).content == chart  # type: ignore[union-attr]


# -- files.completeUploadExternal --------------------------------------------------------


def test_completing_before_the_bytes_arrived_is_refused(client: WebClient, fake: FakeSlack) -> None:
    file_id, _ = upload_url(client, "chart.png", 100)

    data = rejected(lambda: client.files_completeUploadExternal(files=[{"id": file_id}]))

    assert data["error"] == "file_not_found"
    assert fake.violations == [
        f"files.completeUploadExternal: {file_id} was completed before its bytes arrived at "
        "its upload URL"
    ]
    assert not fake.uploaded_file(file_id).completed  # type: ignore[union-attr]
    assert rejected(lambda: client.files_info(file=file_id))["error"] == "file_not_found"


def test_completing_an_unknown_or_completed_file_is_refused(
    client: WebClient, fake: FakeSlack
) -> None:
    file_id = completed(client)

    unknown = rejected(lambda: client.files_completeUploadExternal(files=[{"id": "F0NOPE"}]))
    again = rejected(lambda: client.files_completeUploadExternal(files=[{"id": file_id}]))

    assert unknown["error"] == again["error"] == "file_not_found"
    assert fake.violations == [
        "files.completeUploadExternal: 'F0NOPE' is not a file id from files.getUploadURLExternal",
        f"files.completeUploadExternal: {file_id} was already completed",
    ]


def test_a_failed_completion_changes_nothing(client: WebClient, fake: FakeSlack) -> None:
    good = uploaded(client, "chart.png", png())
    pending, _ = upload_url(client, "other.png", 100)

    rejected(lambda: client.files_completeUploadExternal(files=[{"id": good}, {"id": pending}]))
    rejected(lambda: client.files_completeUploadExternal(files=[{"id": good}], channel_id="C0NOPE"))

    assert not fake.uploaded_file(good).completed  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("files", "rule"),
    [
        ("not json", "files: is not valid JSON"),
        ("[]", "files: must be a JSON array"),
        ('[{"title": "x"}]', "files: item 0 needs a string `id`"),
        ('[{"id": "F1", "highlight_type": "abcdefghijk"}]', "`highlight_type` is at most 10"),
    ],
)
def test_a_malformed_files_argument_is_refused(
    client: WebClient, fake: FakeSlack, files: str, rule: str
) -> None:
    data = rejected(
        lambda: client.api_call("files.completeUploadExternal", params={"files": files})
    )

    assert data["error"] == "invalid_arguments"
    assert len(fake.violations) == 1 and rule in fake.violations[0]


def test_sharing_to_several_channels_and_a_dm(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C0002", "reports")
    file_id = uploaded(client, "chart.png", png())

    answer = client.files_completeUploadExternal(
        files=[{"id": file_id}], channels=["C0001", "C0002", "U0001"]
    )

    assert answer["files"][0]["title"] == "chart.png"  # the filename when no title is given
    assert fake.uploaded_file(file_id).channels == ("C0001", "C0002", "DU0001")  # type: ignore[union-attr]
    assert [m.files for m in fake.messages("C0002")] == [(file_id,)]
    assert answer["files"][0]["ims"] == ["DU0001"]
    assert fake.violations == []


def test_at_most_100_channels_per_share(client: WebClient, fake: FakeSlack) -> None:
    file_id = uploaded(client, "chart.png", png())
    channels = [f"C{n:04d}" for n in range(101)]

    data = rejected(
        lambda: client.files_completeUploadExternal(files=[{"id": file_id}], channels=channels)
    )

    assert data["error"] == "channels_limit_exceeded"
    assert not fake.uploaded_file(file_id).completed  # type: ignore[union-attr]


def test_a_thread_reply_needs_exactly_one_channel(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C0002", "reports")
    file_id = uploaded(client, "chart.png", png())

    data = rejected(
        lambda: client.files_completeUploadExternal(
            files=[{"id": file_id}], channels=["C0001", "C0002"], thread_ts="1.000100"
        )
    )

    assert data["error"] == "invalid_arguments"
    assert fake.violations == [
        "files.completeUploadExternal: thread_ts needs exactly one channel (got 2)"
    ]


def test_share_blocks_are_checked_and_kept_unless_there_is_a_comment(
    client: WebClient, fake: FakeSlack
) -> None:
    first, second = uploaded(client, "a.png", png()), uploaded(client, "b.png", png())
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "*Report*"}}

    # slack_sdk passes `blocks` through as it is given: a list would go as its Python repr.
    client.files_completeUploadExternal(
        files=[{"id": first}], channel_id="C0001", blocks=json.dumps([section])
    )
    bad = rejected(
        lambda: client.files_completeUploadExternal(
            files=[{"id": second}], channel_id="C0001", blocks=json.dumps([{"type": "section"}])
        )
    )
    not_json = rejected(
        lambda: client.files_completeUploadExternal(
            files=[{"id": second}], channel_id="C0001", blocks=[section]
        )
    )
    client.files_completeUploadExternal(
        files=[{"id": second}],
        channel_id="C0001",
        initial_comment="Report",
        blocks=json.dumps([section]),
    )

    first_share, second_share = fake.messages("C0001")
    assert first_share.blocks == [section] and first_share.text is None
    assert second_share.blocks is None and second_share.text == "Report"
    assert bad["error"] == "invalid_blocks"
    assert not_json["error"] == "invalid_blocks_format"


# -- files.upload is retired -------------------------------------------------------------


def test_files_upload_is_retired(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(
        lambda: client.api_call(
            "files.upload",
            data={"channels": "C0001", "filename": "chart.png"},
            files={"file": png()},
        )
    )

    assert data["error"] == "method_deprecated"
    assert fake.violations == [f"files.upload: {RETIRED_UPLOAD}"]
    assert fake.messages("C0001") == [] and fake.uploaded_files() == []


# -- image blocks with slack_file --------------------------------------------------------


def test_an_unknown_slack_file_id_is_refused(client: WebClient, fake: FakeSlack) -> None:
    data = rejected(
        lambda: client.chat_postMessage(
            channel="C0001", text="x", blocks=[image_block(slack_file={"id": "F0NOPE"})]
        )
    )

    assert data["error"] == "invalid_blocks"
    assert fake.violations == [
        "chat.postMessage argument `blocks`: /blocks/0/slack_file: slack_file id 'F0NOPE' is "
        "not a file uploaded to this workspace"
    ]
    assert fake.messages("C0001") == []


def test_a_file_never_completed_cannot_be_shown(client: WebClient, fake: FakeSlack) -> None:
    file_id = uploaded(client, "chart.png", png())

    data = rejected(
        lambda: client.chat_postMessage(
            channel="C0001", text="x", blocks=[image_block(slack_file={"id": file_id})]
        )
    )

    assert data["error"] == "invalid_blocks"
    assert "was never completed" in fake.violations[0]


def test_a_completed_file_that_is_no_image_cannot_be_shown(
    client: WebClient, fake: FakeSlack
) -> None:
    file_id = completed(client, "notes.txt", b"plain text")

    rejected(
        lambda: client.chat_postMessage(
            channel="C0001", text="x", blocks=[image_block(slack_file={"id": file_id})]
        )
    )

    assert "is not a png, jpg or gif image" in fake.violations[0]


def test_an_unknown_slack_file_url_is_refused(client: WebClient, fake: FakeSlack) -> None:
    url = "https://files.slack.com/files-pri/T0001-F0NOPE/x.png"

    rejected(
        lambda: client.chat_postMessage(
            channel="C0001", text="x", blocks=[image_block(slack_file={"url": url})]
        )
    )

    assert f"slack_file url {url!r} is not a file uploaded" in fake.violations[0]


@pytest.mark.parametrize(
    ("block", "rule"),
    [
        (
            image_block(image_url="https://example.com/a.png", slack_file={"id": "F1"}),
            "/blocks/0: an image takes `image_url` or `slack_file`, not both",
        ),
        (image_block(), "/blocks/0: an image needs `image_url` or `slack_file`"),
        (
            {"type": "image", "slack_file": {"id": "F1"}},
            "/blocks/0/alt_text: image alt_text is required",
        ),
        (
            image_block(slack_file={"id": "F1", "url": "https://files.slack.com/x.png"}),
            "/blocks/0/slack_file: slack_file takes `id` or `url`, not both",
        ),
        (image_block(slack_file={}), "/blocks/0/slack_file: slack_file needs `id` or `url`"),
        (image_block(slack_file="F1"), "/blocks/0/slack_file: slack_file must be an object"),
        (
            image_block(slack_file={"id": "F1"}, alt_text="a" * 2001),
            "/blocks/0/alt_text: image alt_text must be at most 2000 characters",
        ),
        (
            image_block(slack_file={"id": "F1"}, title={"type": "mrkdwn", "text": "Weekly report"}),
            "/blocks/0/title/type: image title must be plain_text",
        ),
    ],
)
def test_image_block_shape(
    client: WebClient, fake: FakeSlack, block: dict[str, Any], rule: str
) -> None:
    completed(client)  # F1 stays unknown: ids here are F0000000n

    data = rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=[block]))

    assert data["error"] == "invalid_blocks"
    assert any(rule in violation for violation in fake.violations), fake.violations


def test_image_block_with_a_title_and_a_known_file(client: WebClient, fake: FakeSlack) -> None:
    file_id = completed(client)
    title = {"type": "plain_text", "text": "Weekly report"}

    client.chat_postMessage(
        channel="C0001", text="x", blocks=[image_block(slack_file={"id": file_id}, title=title)]
    )

    assert fake.violations == []


def test_slack_file_in_elements_views_and_response_urls_is_checked(
    client: WebClient, fake: FakeSlack
) -> None:
    unknown = {"type": "image", "slack_file": {"id": "F0NOPE"}, "alt_text": "chart"}
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": unknown}
    context = {"type": "context", "elements": [unknown]}

    rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=[section]))
    rejected(lambda: client.chat_postMessage(channel="C0001", text="x", blocks=[context]))
    view = rejected(
        lambda: client.views_publish(user_id="U0001", view={"type": "home", "blocks": [unknown]})
    )
    webhook = WebhookClient(fake.response_url(channel_id="C0001"))
    response = webhook.send(text="x", blocks=[unknown])

    assert view["error"] == "invalid_arguments"
    assert response.status_code == 400
    assert [v.split(": ")[1] for v in fake.violations] == [
        "/blocks/0/accessory/slack_file",
        "/blocks/0/elements/0/slack_file",
        "/view/blocks/0/slack_file",
        "/blocks/0/slack_file",
    ]
