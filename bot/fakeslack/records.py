"""What the fake remembers: recorded calls, stored messages, views and uploaded files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received, as sent (`args` keeps JSON-in-form fields as text).

    `method` is the Web API method name, or "response_url" for a post to a response URL.
    """

    method: str
    args: dict[str, Any]
    http_method: str
    content_type: str | None
    token: str | None
    at: datetime
    status: int = 200
    response: dict[str, Any] | None = None
    violations: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the fake answered `ok: true`."""
        return bool(self.response and self.response.get("ok"))


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message as it stands now; `version` counts chat.update / replace_original edits."""

    channel: str
    ts: str
    text: str | None
    blocks: list[Any] | None = None
    attachments: list[Any] | None = None
    thread_ts: str | None = None
    user: str | None = None
    bot_id: str | None = None
    ephemeral: bool = False
    visible_to: str | None = None
    via: str = "chat.postMessage"
    version: int = 1
    metadata: Any = None
    reactions: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The `message` object of chat.postMessage / chat.update responses."""
        message: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text or ""}
        if self.user:
            message["user"] = self.user
        if self.bot_id:
            message["bot_id"] = self.bot_id
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.attachments is not None:
            message["attachments"] = self.attachments
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if self.metadata is not None:
            message["metadata"] = self.metadata
        if self.version > 1:
            message["edited"] = {"user": self.user or "", "ts": self.ts}
        if self.reactions:
            message["reactions"] = [
                {"name": name, "users": [self.user or ""], "count": 1} for name in self.reactions
            ]
        if self.files:
            message["files"] = [{"id": file_id} for file_id in self.files]
            message["upload"] = True
        return message


@dataclass(frozen=True, slots=True)
class StoredView:
    """A modal (in a stack under `root_view_id`) or a user's Home tab, as last set."""

    id: str
    view: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    user_id: str | None = None
    via: str = "views.open"

    @property
    def type(self) -> str:
        return str(self.view.get("type", ""))

    @property
    def external_id(self) -> str:
        return str(self.view.get("external_id") or "")

    def as_json(self, *, team_id: str, app_id: str, bot_id: str) -> dict[str, Any]:
        """The `view` object of views.* responses."""
        defaults: dict[str, Any] = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
        }
        return {
            **defaults,
            **self.view,
            "id": self.id,
            "team_id": team_id,
            "state": {"values": {}},
            "hash": self.hash,
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": app_id,
            "bot_id": bot_id,
        }


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the bot uploaded (files.getUploadURLExternal, its upload URL, then
    files.completeUploadExternal), as it stands now.

    `content` is None until the bytes arrived at the upload URL; `completed` says whether
    files.completeUploadExternal finished it (only then can blocks show it); `channels` are
    the conversations it was shared to, in order. `image` is (format, width, height) when
    Pillow could read the bytes as an image.
    """

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    title: str | None = None
    content: bytes | None = None
    completed: bool = False
    channels: tuple[str, ...] = ()
    image: tuple[str, int, int] | None = None
    created: int = 0
    user: str = ""

    @property
    def uploaded(self) -> bool:
        """Whether the bytes arrived at the upload URL."""
        return self.content is not None


@dataclass
class ResponseUrl:
    """A response URL handed out by the fake, with where its messages go."""

    id: str
    channel: str
    user_id: str | None
    message_ts: str | None
    uses: int = 0
    posted: list[str] = field(default_factory=list)
