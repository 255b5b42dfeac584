"""File uploads, Slack's current way (docs.slack.dev "Uploading files", changelog
2024-04 "a better way to upload files"), which slack_sdk's `files_upload_v2` follows:

1. `files.getUploadURLExternal(filename, length)` answers a `file_id` and an `upload_url`
   (here an address on the fake itself, `<base_url>upload/v1/<ticket>`);
2. the bytes are POSTed to that URL: raw (slack_sdk) or as a multipart file part;
3. `files.completeUploadExternal(files=[{"id", "title"}], channel_id / channels, ...)`
   finishes them and, given channels, shares them there in a message.

`files.info` reads a completed file back (slack_sdk 3.48's `files_upload_v2` no longer calls
it). `files.upload` answers `method_deprecated`, as Slack has since it was retired on
2025-11-12 (apps created after 2024-05-16, such as Rapport, never had it).

The fake is stricter than Slack in one place: bytes that claim to be a PNG must be one, of
a sensible size (see `images`). Rules broken at the upload URL are violations of the
pseudo-method "upload_url", as posts to response URLs are of "response_url".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.fakeslack.blockkit import SlackFileRef
from bot.fakeslack.images import SLACK_FILE_FORMATS, png_problems, read_image
from bot.fakeslack.records import StoredFile
from bot.fakeslack.webapi import ApiError, Args, Result, SlackState
from bot.fakeslack.wire import MULTIPART, media_type, parse_request

UPLOAD_URL_METHOD = "upload_url"
UPLOAD_PATH = "upload/v1/"
ALT_TXT_MAX = 1000  # files.getUploadURLExternal `alt_txt_too_large`
FILE_SIZE_MAX = 1024**3  # 1 GB, Slack's limit per file (slack_sdk MAX_V2_FILE_SIZE)
SNIPPET_SIZE_MAX = 1024**2  # `snippet_too_large`: snippets are limited to 1 MB
HIGHLIGHT_TYPE_MAX = 10
SHARE_CHANNELS_MAX = 100  # `channels_limit_exceeded`
RETIRED_UPLOAD = (
    "files.upload is retired (sunset 2025-11-12; closed to apps created after 2024-05-16): "
    "use files.getUploadURLExternal, the upload URL, then files.completeUploadExternal "
    "(slack_sdk: files_upload_v2)"
)


@dataclass(frozen=True, slots=True)
class UploadReceipt:
    """The answer of the upload URL: HTTP status, text body, and the rules broken."""

    status: int
    body: str
    file_id: str | None = None
    problems: tuple[str, ...] = ()


class FileUploads:
    """The files of one fake workspace and the methods that make and read them.

    Not thread-safe on its own: `FakeSlack` calls it under its lock, like `SlackState`.
    """

    def __init__(self, state: SlackState, base_url: Callable[[], str]) -> None:
        self._state = state
        self._base_url = base_url
        self._files: dict[str, StoredFile] = {}
        self._tickets: dict[str, str] = {}  # upload URL ticket -> file id
        self._used_tickets: set[str] = set()

    def handlers(self) -> dict[str, Callable[[Args], Result]]:
        return {
            "files.getUploadURLExternal": self.get_upload_url,
            "files.completeUploadExternal": self.complete,
            "files.info": self.info,
            "files.upload": self.retired_upload,
        }

    def reset(self) -> None:
        self._files.clear()
        self._tickets.clear()
        self._used_tickets.clear()

    # -- reading -------------------------------------------------------------------------

    def files(self) -> list[StoredFile]:
        """Every file asked for, completed or not, oldest first."""
        return list(self._files.values())

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def url_private(self, file: StoredFile) -> str:
        return (
            f"https://files.slack.com/files-pri/{self._state.workspace.team_id}-{file.id}/"
            f"{file.filename}"
        )

    def permalink(self, file: StoredFile) -> str:
        ws = self._state.workspace
        return f"https://{ws.domain}.slack.com/files/{ws.bot_user_id}/{file.id}/{file.filename}"

    def slack_file_problem(self, ref: SlackFileRef) -> str | None:
        """Why a block's `slack_file` cannot be shown, or None when it can."""
        if ref.id is not None:
            file = self._files.get(ref.id)
            named = f"slack_file id {ref.id!r}"
        else:
            file = next(
                (
                    f
                    for f in self._files.values()
                    if ref.url in (self.url_private(f), self.permalink(f))
                ),
                None,
            )
            named = f"slack_file url {ref.url!r}"
        if file is None:
            return f"{ref.pointer}: {named} is not a file uploaded to this workspace"
        if not file.completed:
            return f"{ref.pointer}: {named} was never completed (files.completeUploadExternal)"
        if file.image is None or file.image[0] not in SLACK_FILE_FORMATS:
            return f"{ref.pointer}: {named} is not a png, jpg or gif image"
        return None

    # -- step 1: files.getUploadURLExternal ---------------------------------------------

    def get_upload_url(self, args: Args) -> Result:
        filename = str(args.get("filename") or "")
        length = _length(args.get("length"))
        alt_txt = _optional_text(args, "alt_txt")
        snippet_type = _optional_text(args, "snippet_type")
        if alt_txt is not None and len(alt_txt) > ALT_TXT_MAX:
            raise ApiError(
                "alt_txt_too_large",
                violation=f"alt_txt must be at most {ALT_TXT_MAX} characters (got {len(alt_txt)})",
            )
        if snippet_type is not None and length > SNIPPET_SIZE_MAX:
            raise ApiError(
                "snippet_too_large",
                violation=f"a snippet must be at most {SNIPPET_SIZE_MAX} bytes (length {length})",
            )
        file_id = self._state.next_id("F")
        ticket = hashlib.sha1(f"{file_id}:{self._state.workspace.team_id}".encode()).hexdigest()
        self._files[file_id] = StoredFile(
            id=file_id,
            filename=filename,
            length=length,
            alt_txt=alt_txt,
            snippet_type=snippet_type,
            created=int(self._state.now().timestamp()),
            user=self._state.workspace.bot_user_id,
        )
        self._tickets[ticket] = file_id
        return {"upload_url": f"{self._base_url()}{UPLOAD_PATH}{ticket}", "file_id": file_id}

    # -- step 2: the upload URL ---------------------------------------------------------

    def receive(self, ticket: str, content_type: str | None, body: bytes) -> UploadReceipt:
        """Take the bytes POSTed to an upload URL."""
        file_id = self._tickets.get(ticket)
        if file_id is None:
            return UploadReceipt(404, "Not Found", problems=(f"unknown upload URL {ticket!r}",))
        if ticket in self._used_tickets:
            return UploadReceipt(
                410,
                "Gone",
                file_id,
                (f"upload URL of {file_id} used again (its bytes already arrived)",),
            )
        file = self._files[file_id]
        content = _uploaded_bytes(content_type, body)
        if content is None:
            return UploadReceipt(
                400, "Bad Request", file_id, ("multipart upload without a file part",)
            )
        if len(content) != file.length:
            return UploadReceipt(
                400,
                "Bad Request",
                file_id,
                (
                    f"{len(content)} bytes arrived for {file.filename!r} ({file_id}), but "
                    f"files.getUploadURLExternal declared length={file.length}",
                ),
            )
        image = read_image(content)
        self._used_tickets.add(ticket)
        self._files[file_id] = dataclasses.replace(
            file,
            content=content,
            image=(image.format, image.width, image.height) if image is not None else None,
        )
        problems = tuple(png_problems(file.filename, content, image))
        return UploadReceipt(200, f"OK - {len(content)}", file_id, problems)

    # -- step 3: files.completeUploadExternal --------------------------------------------

    def complete(self, args: Args) -> Result:
        wanted = _files_arg(args.get("files"))
        for file_id, _ in wanted:
            self._completable(file_id)
        channel_refs = _channel_refs(args)
        if len(channel_refs) > SHARE_CHANNELS_MAX:
            raise ApiError("channels_limit_exceeded")
        thread_ts = _optional_text(args, "thread_ts")
        if thread_ts is not None and len(channel_refs) != 1:
            raise ApiError(
                "invalid_arguments",
                violation=f"thread_ts needs exactly one channel (got {len(channel_refs)})",
            )
        channels = [self._state.postable_conversation(ref) for ref in channel_refs]
        file_ids = tuple(file_id for file_id, _ in wanted)
        for file_id, title in wanted:
            file = self._files[file_id]
            self._files[file_id] = dataclasses.replace(
                file, completed=True, title=title or file.filename
            )
        comment = _optional_text(args, "initial_comment")
        blocks = args.get("blocks")
        for channel in channels:
            self._state.post_file_share(
                channel,
                file_ids,
                text=comment,
                # "If the initial_comment field is provided, the blocks field is ignored."
                blocks=blocks if comment is None and isinstance(blocks, list) else None,
                thread_ts=thread_ts,
            )
            for file_id in file_ids:
                file = self._files[file_id]
                if channel not in file.channels:
                    self._files[file_id] = dataclasses.replace(
                        file, channels=(*file.channels, channel)
                    )
        return {"files": [self.file_json(self._files[file_id]) for file_id in file_ids]}

    def _completable(self, file_id: str) -> None:
        file = self._files.get(file_id)
        if file is None:
            rule = f"{file_id!r} is not a file id from files.getUploadURLExternal"
        elif not file.uploaded:
            rule = f"{file_id} was completed before its bytes arrived at its upload URL"
        elif file.completed:
            rule = f"{file_id} was already completed"
        else:
            return
        raise ApiError("file_not_found", violation=rule)

    # -- files.info, files.upload --------------------------------------------------------

    def info(self, args: Args) -> Result:
        file = self._files.get(str(args.get("file") or ""))
        if file is None or not file.completed:
            raise ApiError("file_not_found")
        return {
            "file": self.file_json(file),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    def retired_upload(self, args: Args) -> Result:
        raise ApiError("method_deprecated", violation=RETIRED_UPLOAD)

    # -- the file object -----------------------------------------------------------------

    def file_json(self, file: StoredFile) -> dict[str, Any]:
        """The file object of files.completeUploadExternal and files.info answers."""
        extension = file.filename.rpartition(".")[2].lower() if "." in file.filename else ""
        mimetype = mimetypes.guess_type(file.filename)[0] or "application/octet-stream"
        ws = self._state.workspace
        channels, groups, ims = [], [], []
        for channel_id in file.channels:
            channel = ws.channels.get(channel_id)
            if channel_id.startswith("D"):
                ims.append(channel_id)
            elif channel is None or channel.is_private:
                groups.append(channel_id)
            else:
                channels.append(channel_id)
        result: dict[str, Any] = {
            "id": file.id,
            "created": file.created,
            "timestamp": file.created,
            "name": file.filename,
            "title": file.title or file.filename,
            "mimetype": mimetype,
            "filetype": extension or "binary",
            "pretty_type": extension.upper() or "Binary",
            "user": file.user,
            "user_team": ws.team_id,
            "editable": False,
            "size": file.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": bool(channels),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": self.url_private(file),
            "url_private_download": self.url_private(file),
            "permalink": self.permalink(file),
            "channels": channels,
            "groups": groups,
            "ims": ims,
            "comments_count": 0,
            "has_rich_preview": False,
        }
        if file.alt_txt is not None:
            result["alt_txt"] = file.alt_txt
        if file.image is not None:
            result["original_w"], result["original_h"] = file.image[1], file.image[2]
        return result


def _optional_text(args: Args, name: str) -> str | None:
    value = args.get(name)
    return None if value is None or value == "" else str(value)


def _length(value: object) -> int:
    """files.getUploadURLExternal's `length`: an integer of bytes, 1 to 1 GB."""
    try:
        length = int(str(value))
    except ValueError:
        raise ApiError(
            "invalid_arguments", violation=f"length must be a number of bytes (got {value!r})"
        ) from None
    if length < 1:
        # The docs: `missing_argument` "typically only occurs when the length provided is 0".
        raise ApiError("missing_argument", violation=f"length must be at least 1 (got {length})")
    if length > FILE_SIZE_MAX:
        raise ApiError(
            "file_upload_size_restricted",
            violation=f"length must be at most {FILE_SIZE_MAX} bytes (got {length})",
        )
    return length


def _files_arg(value: object) -> list[tuple[str, str | None]]:
    """files.completeUploadExternal's `files`: (id, title) of each, in order."""

    def broken(rule: str) -> ApiError:
        return ApiError("invalid_arguments", violation=f"files: {rule}")

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise broken(f"is not valid JSON ({error.msg})") from None
    if not isinstance(value, list) or not value:
        raise broken('must be a JSON array of {"id": "F…", "title": "…"} objects')
    wanted: list[tuple[str, str | None]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise broken(f"item {index} needs a string `id`")
        title, highlight = item.get("title"), item.get("highlight_type")
        if title is not None and not isinstance(title, str):
            raise broken(f"item {index}: `title` must be a string")
        if highlight is not None and (
            not isinstance(highlight, str) or len(highlight) > HIGHLIGHT_TYPE_MAX
        ):
            raise broken(f"item {index}: `highlight_type` is at most {HIGHLIGHT_TYPE_MAX} chars")
        wanted.append((item["id"], title))
    ids = [file_id for file_id, _ in wanted]
    if len(set(ids)) != len(ids):
        raise broken("lists a file id twice")
    return wanted


def _channel_refs(args: Args) -> list[str]:
    """`channel_id` and the comma-separated `channels`, each once, in order."""
    refs: list[str] = []
    channel_id = _optional_text(args, "channel_id")
    if channel_id is not None:
        refs.append(channel_id)
    channels = args.get("channels")
    parts = channels if isinstance(channels, list) else str(channels or "").split(",")
    refs += [str(part).strip() for part in parts if str(part).strip()]
    return list(dict.fromkeys(refs))


def _uploaded_bytes(content_type: str | None, body: bytes) -> bytes | None:
    """The file's bytes: the raw body, or the file part of a multipart form."""
    if media_type(content_type) != MULTIPART:
        return body
    parsed = parse_request("", content_type, body)
    parts = [value for value in parsed.args.values() if isinstance(value, bytes)]
    return parts[0] if parsed.error is None and parts else None
