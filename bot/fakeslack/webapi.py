"""The fake's state and its answers to the methods a bot like Rapport calls.

`SlackState` is not thread-safe on its own: `FakeSlack` calls it under its lock. Arguments
reach it already validated and with JSON-in-form fields decoded. Documented methods without
a handler here answer `{"ok": true}`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.fakeslack.records import ResponseUrl, StoredMessage, StoredView
from bot.fakeslack.workspace import FakeUser, Workspace

FIRST_TS_MICROS = 1_700_000_000_000_100
TS_STEP_MICROS = 100
CHANNEL_CREATED = 1_700_000_000
MODAL_STACK_MAX = 3
RESPONSE_URL_MAX_USES = 5
SCHEDULE_MAX_SECONDS = 120 * 24 * 3600

Args = Mapping[str, Any]
Result = dict[str, Any]


class ApiError(Exception):
    """An `ok: false` answer; `violation` is set when the error means the bot misbehaved."""

    def __init__(self, error: str, *, violation: str | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.violation = violation
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def _text(args: Args, name: str) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _required(args: Args, name: str) -> str:
    value = _text(args, name)
    if value is None:
        raise ApiError("invalid_arguments")
    return value


def _flag(args: Args, name: str) -> bool:
    return args.get(name) in (True, 1, "1", "true", "True")


def _int(args: Args, name: str, default: int) -> int:
    value = args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments") from None


def _list_of_ids(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return []


def _ts_from_micros(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


class SlackState:
    """Messages, views and conversations of one fake workspace, and the method handlers."""

    def __init__(self, workspace: Workspace, clock: Callable[[], datetime]) -> None:
        self.workspace = workspace
        self._clock = clock
        self._next_ts = FIRST_TS_MICROS
        self._sequence = 0
        self.messages: dict[str, list[StoredMessage]] = {}
        self.versions: dict[tuple[str, str], list[StoredMessage]] = {}
        self.scheduled: list[StoredMessage] = []
        self.views: dict[str, StoredView] = {}
        self.stacks: list[list[str]] = []
        self.home: dict[str, str] = {}
        self.used_triggers: set[str] = set()
        self.open_ims: set[str] = set()
        self.mpims: dict[str, tuple[str, ...]] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._handlers: dict[str, Callable[[Args], Result]] = {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "bots.info": self.bots_info,
            "users.info": self.users_info,
            "users.lookupByEmail": self.users_lookup_by_email,
            "users.list": self.users_list,
            "conversations.open": self.conversations_open,
            "conversations.info": self.conversations_info,
            "conversations.join": self.conversations_join,
            "conversations.history": self.conversations_history,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "chat.scheduleMessage": self.chat_schedule_message,
            "reactions.add": self.reactions_add,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
        }

    def reset(self) -> None:
        """Forget messages, views and response URLs; keep the workspace and the ts counter."""
        self.messages.clear()
        self.versions.clear()
        self.scheduled.clear()
        self.views.clear()
        self.stacks.clear()
        self.home.clear()
        self.used_triggers.clear()
        self.open_ims.clear()
        self.mpims.clear()
        self.response_urls.clear()

    def now(self) -> datetime:
        """The fake's clock."""
        return self._clock()

    def register(self, handlers: Mapping[str, Callable[[Args], Result]]) -> None:
        """Answer more methods (the file uploads live in a module of their own)."""
        self._handlers.update(handlers)

    def handle(self, method: str, args: Args) -> Result:
        """The `ok: true` body for a valid call; raises ApiError for Slack's `ok: false`."""
        handler = self._handlers.get(method)
        result = handler(args) if handler else {}
        return {"ok": True, **result}

    # -- identifiers ---------------------------------------------------------------------

    def next_ts(self) -> str:
        """The time of the clock, as Slack stamps a message, and never a ts given before:
        a second fake started on the same database (the console run again) does not
        repeat the first one's message ids."""
        now = int(self._clock().timestamp() * 1_000_000)
        self._next_ts = max(self._next_ts, now)
        ts = _ts_from_micros(self._next_ts)
        self._next_ts += TS_STEP_MICROS
        return ts

    def next_id(self, prefix: str) -> str:
        self._sequence += 1
        return f"{prefix}{self._sequence:08X}"

    def new_trigger_id(self) -> str:
        self._sequence += 1
        return (
            f"{self._sequence}.{self.workspace.team_id}.{self._sequence * 2654435761 % 16**12:012x}"
        )

    def _hash(self) -> str:
        self._sequence += 1
        return f"{int(self._clock().timestamp())}.{self._sequence:08x}"

    # -- lookups -------------------------------------------------------------------------

    def _user(self, user_id: str) -> FakeUser:
        user = self.workspace.users.get(user_id)
        if user is None:
            raise ApiError("user_not_found")
        return user

    def _conversation(self, ref: str, *, posting: bool) -> str:
        """The channel id behind `ref` (id, #name, user id for a DM); checks access."""
        ws = self.workspace
        channel = ws.channels.get(ref) or ws.channel_by_name(ref)
        if channel is not None:
            if channel.is_private and not channel.is_member:
                raise ApiError("channel_not_found")
            if posting and channel.is_archived:
                raise ApiError("is_archived")
            if posting and not channel.is_member:
                raise ApiError("not_in_channel")
            return channel.id
        if ref.startswith("D") and ref[1:] in ws.users:
            return ref
        if ref.startswith(("U", "W")) and ref in ws.users and posting:
            return "D" + ref
        if ref in self.mpims:
            return ref
        raise ApiError("channel_not_found")

    def _message(self, channel: str, ts: str) -> StoredMessage:
        for message in self.messages.get(channel, ()):
            if message.ts == ts and not message.ephemeral:
                return message
        raise ApiError("message_not_found")

    def _store(self, message: StoredMessage) -> StoredMessage:
        self.messages.setdefault(message.channel, []).append(message)
        self.versions[(message.channel, message.ts)] = [message]
        return message

    def _replace(self, old: StoredMessage, new: StoredMessage) -> StoredMessage:
        messages = self.messages[old.channel]
        messages[messages.index(old)] = new
        self.versions.setdefault((old.channel, old.ts), []).append(new)
        return new

    def _remove(self, message: StoredMessage) -> None:
        self.messages[message.channel].remove(message)

    def add_user_message(self, channel: str, user: str, text: str) -> StoredMessage:
        """A message a person wrote (not the bot), as Slack would already hold it."""
        return self._store(
            StoredMessage(channel=channel, ts=self.next_ts(), text=text, user=user, via="user")
        )

    def _new_message(
        self, channel: str, args: Args, *, via: str, ts: str | None = None
    ) -> StoredMessage:
        blocks, attachments = args.get("blocks"), args.get("attachments")
        return StoredMessage(
            channel=channel,
            ts=ts or self.next_ts(),
            text=_text(args, "text") or _text(args, "markdown_text"),
            blocks=blocks if isinstance(blocks, list) else None,
            attachments=attachments if isinstance(attachments, list) else None,
            thread_ts=_text(args, "thread_ts"),
            user=self.workspace.bot_user_id,
            bot_id=self.workspace.bot_id,
            via=via,
            metadata=args.get("metadata"),
        )

    def postable_conversation(self, ref: str) -> str:
        """The id of a conversation the bot may post to (raises Slack's error if it may not)."""
        return self._conversation(ref, posting=True)

    def post_file_share(
        self,
        channel: str,
        file_ids: tuple[str, ...],
        *,
        text: str | None,
        blocks: list[Any] | None,
        thread_ts: str | None,
    ) -> StoredMessage:
        """The message files.completeUploadExternal posts when it shares files."""
        return self._store(
            StoredMessage(
                channel=channel,
                ts=self.next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                user=self.workspace.bot_user_id,
                bot_id=self.workspace.bot_id,
                via="files.completeUploadExternal",
                files=file_ids,
            )
        )

    # -- auth, team, bots, users ---------------------------------------------------------

    def auth_test(self, args: Args) -> Result:
        ws = self.workspace
        return {
            "url": ws.url,
            "team": ws.team_name,
            "user": ws.users[ws.bot_user_id].name,
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def team_info(self, args: Args) -> Result:
        ws = self.workspace
        return {
            "team": {
                "id": ws.team_id,
                "name": ws.team_name,
                "domain": ws.domain,
                "email_domain": f"{ws.domain}.example.com",
                "url": ws.url,
                "icon": {"image_default": True},
            }
        }

    def bots_info(self, args: Args) -> Result:
        ws = self.workspace
        wanted = _text(args, "bot")
        if wanted is not None and wanted != ws.bot_id:
            raise ApiError("bot_not_found")
        return {
            "bot": {
                "id": ws.bot_id,
                "deleted": False,
                "name": ws.users[ws.bot_user_id].name,
                "updated": CHANNEL_CREATED,
                "app_id": ws.app_id,
                "user_id": ws.bot_user_id,
                "icons": {},
            }
        }

    def users_info(self, args: Args) -> Result:
        user = self._user(_required(args, "user"))
        return {
            "user": user.as_json(
                self.workspace.team_id, self._clock(), include_locale=_flag(args, "include_locale")
            )
        }

    def users_lookup_by_email(self, args: Args) -> Result:
        user = self.workspace.user_by_email(_required(args, "email"))
        if user is None:
            raise ApiError("users_not_found")
        return {"user": user.as_json(self.workspace.team_id, self._clock())}

    def users_list(self, args: Args) -> Result:
        users = list(self.workspace.users.values())
        start = 0
        cursor = _text(args, "cursor")
        if cursor is not None:
            start = self._cursor_position(cursor, [u.id for u in users])
        limit = _int(args, "limit", 0)
        if limit < 0:
            raise ApiError("invalid_arguments")
        end = len(users) if limit == 0 else min(len(users), start + limit)
        now = self._clock()
        members = [
            u.as_json(self.workspace.team_id, now, include_locale=_flag(args, "include_locale"))
            for u in users[start:end]
        ]
        next_cursor = ""
        if end < len(users):
            next_cursor = base64.b64encode(f"user:{users[end].id}".encode()).decode()
        return {
            "members": members,
            "cache_ts": int(now.timestamp()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    @staticmethod
    def _cursor_position(cursor: str, ids: list[str]) -> int:
        try:
            decoded = base64.b64decode(cursor.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError("invalid_cursor") from None
        kind, _, user_id = decoded.partition(":")
        if kind != "user" or user_id not in ids:
            raise ApiError("invalid_cursor")
        return ids.index(user_id)

    # -- conversations -------------------------------------------------------------------

    def _im_json(self, channel_id: str) -> dict[str, Any]:
        user = self.workspace.users[channel_id[1:]]
        return {
            "id": channel_id,
            "created": CHANNEL_CREATED,
            "is_im": True,
            "is_org_shared": False,
            "user": user.id,
            "is_user_deleted": user.deleted,
            "priority": 0,
        }

    def _mpim_json(self, channel_id: str) -> dict[str, Any]:
        members = self.mpims[channel_id]
        name = "mpdm-" + "--".join(self.workspace.users[m].name for m in members) + "-1"
        return {
            "id": channel_id,
            "name": name,
            "created": CHANNEL_CREATED,
            "is_channel": False,
            "is_group": False,
            "is_im": False,
            "is_mpim": True,
            "is_private": True,
            "is_member": True,
            "is_archived": False,
        }

    def _conversation_json(self, channel_id: str) -> dict[str, Any]:
        if channel_id in self.workspace.channels:
            return self.workspace.channels[channel_id].as_json(
                self.workspace.team_id, CHANNEL_CREATED
            )
        if channel_id in self.mpims:
            return self._mpim_json(channel_id)
        return self._im_json(channel_id)

    def conversations_open(self, args: Args) -> Result:
        channel_ref = _text(args, "channel")
        user_ids = _list_of_ids(args.get("users"))
        if channel_ref is None and not user_ids:
            raise ApiError("users_list_not_supplied")
        if channel_ref is not None:
            channel_id = self._conversation(channel_ref, posting=False)
            if channel_id in self.workspace.channels:
                raise ApiError("method_not_supported_for_channel_type")
        else:
            others = [u for u in dict.fromkeys(user_ids) if u != self.workspace.bot_user_id]
            for user_id in others:
                if self._user(user_id).deleted:
                    raise ApiError("user_disabled")
            if not others:
                raise ApiError("not_enough_users")
            if len(others) > 8:
                raise ApiError("too_many_users")
            if len(others) == 1:
                channel_id = "D" + others[0]
            else:
                members = tuple(sorted(others))
                digest = hashlib.sha1(",".join(members).encode()).hexdigest()
                channel_id = "G" + digest[:10].upper()
                self.mpims[channel_id] = members
        result: Result = {}
        if channel_id in self.open_ims:
            result.update(no_op=True, already_open=True)
        self.open_ims.add(channel_id)
        full = _flag(args, "return_im")
        result["channel"] = self._conversation_json(channel_id) if full else {"id": channel_id}
        return result

    def conversations_info(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        return {"channel": self._conversation_json(channel_id)}

    def conversations_join(self, args: Args) -> Result:
        ref = _required(args, "channel")
        channel = self.workspace.channels.get(ref) or self.workspace.channel_by_name(ref)
        if channel is None:
            self._conversation(ref, posting=False)  # raises channel_not_found for unknown ids
            raise ApiError("method_not_supported_for_channel_type")
        if channel.is_private:
            raise ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise ApiError("is_archived")
        result: Result = {}
        if channel.is_member:
            result = {
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        else:
            channel = dataclasses.replace(channel, is_member=True)
            self.workspace.channels[channel.id] = channel
        return {"channel": channel.as_json(self.workspace.team_id, CHANNEL_CREATED), **result}

    def conversations_history(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        limit = _int(args, "limit", 100) or 100
        oldest = float(_text(args, "oldest") or 0)
        latest = float(_text(args, "latest") or "inf")
        visible = [
            m
            for m in self.messages.get(channel_id, ())
            if not m.ephemeral and m.thread_ts in (None, m.ts) and oldest <= float(m.ts) <= latest
        ]
        newest_first = list(reversed(visible))
        return {
            "messages": [m.as_json() for m in newest_first[:limit]],
            "has_more": len(newest_first) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }

    # -- chat ----------------------------------------------------------------------------

    def chat_post_message(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=True)
        message = self._store(self._new_message(channel_id, args, via="chat.postMessage"))
        return {"channel": channel_id, "ts": message.ts, "message": message.as_json()}

    def chat_post_ephemeral(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=True)
        user = self.workspace.users.get(_required(args, "user"))
        if user is None or user.deleted:
            raise ApiError("user_not_in_channel")
        message = self._new_message(channel_id, args, via="chat.postEphemeral")
        self._store(dataclasses.replace(message, ephemeral=True, visible_to=user.id))
        return {"message_ts": message.ts}

    def chat_update(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        old = self._message(channel_id, _required(args, "ts"))
        changes: dict[str, Any] = {"version": old.version + 1, "via": "chat.update"}
        if "text" in args or "markdown_text" in args:
            changes["text"] = _text(args, "text") or _text(args, "markdown_text")
        for key in ("blocks", "attachments"):
            if key in args:
                value = args[key]
                changes[key] = value if isinstance(value, list) and value else None
        if "metadata" in args:
            changes["metadata"] = args["metadata"]
        new = self._replace(old, dataclasses.replace(old, **changes))
        return {
            "channel": channel_id,
            "ts": new.ts,
            "text": new.text or "",
            "message": new.as_json(),
        }

    def chat_delete(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        message = self._message(channel_id, _required(args, "ts"))
        self._remove(message)
        return {"channel": channel_id, "ts": message.ts}

    def permalink(self, channel_id: str, message: StoredMessage) -> str:
        digits = message.ts.replace(".", "")
        link = f"https://{self.workspace.domain}.slack.com/archives/{channel_id}/p{digits}"
        if message.thread_ts and message.thread_ts != message.ts:
            link += f"?thread_ts={message.thread_ts}&cid={channel_id}"
        return link

    def chat_get_permalink(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        message = self._message(channel_id, _required(args, "message_ts"))
        return {"channel": channel_id, "permalink": self.permalink(channel_id, message)}

    def chat_schedule_message(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=True)
        post_at = _int(args, "post_at", 0)
        now = int(self._clock().timestamp())
        if post_at <= now:
            raise ApiError("time_in_past")
        if post_at - now > SCHEDULE_MAX_SECONDS:
            raise ApiError("time_too_far")
        message = self._new_message(channel_id, args, via="chat.scheduleMessage", ts=str(post_at))
        self.scheduled.append(message)
        return {
            "channel": channel_id,
            "scheduled_message_id": self.next_id("Q"),
            "post_at": post_at,
            "message": message.as_json(),
        }

    def reactions_add(self, args: Args) -> Result:
        channel_id = self._conversation(_required(args, "channel"), posting=False)
        message = self._message(channel_id, _required(args, "timestamp"))
        name = _required(args, "name").strip(":")
        if name in message.reactions:
            raise ApiError("already_reacted")
        reacted = dataclasses.replace(message, reactions=(*message.reactions, name))
        messages = self.messages[channel_id]
        messages[messages.index(message)] = reacted
        return {}

    # -- views ---------------------------------------------------------------------------

    def _use_trigger(self, args: Args) -> None:
        trigger = _text(args, "trigger_id") or _text(args, "interactivity_pointer") or ""
        if trigger in self.used_triggers:
            raise ApiError(
                "exchanged_trigger_id",
                violation=f"trigger_id {trigger!r} was already used (a trigger_id works once)",
            )
        self.used_triggers.add(trigger)

    def _check_external_id(self, view: dict[str, Any], *, keep: str | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for stored in self.views.values():
            if stored.id != keep and stored.external_id == external_id:
                raise ApiError("duplicate_external_id")

    def _view_json(self, view: StoredView) -> Result:
        ws = self.workspace
        return {"view": view.as_json(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id)}

    def _view_arg(self, args: Args) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            raise ApiError("invalid_arguments")
        return view

    def views_open(self, args: Args) -> Result:
        view = self._view_arg(args)
        self._use_trigger(args)
        self._check_external_id(view)
        view_id = self.next_id("V")
        stored = StoredView(
            id=view_id, view=view, hash=self._hash(), root_view_id=view_id, via="views.open"
        )
        self.views[view_id] = stored
        self.stacks.append([view_id])
        return self._view_json(stored)

    def views_push(self, args: Args) -> Result:
        view = self._view_arg(args)
        self._use_trigger(args)
        self._check_external_id(view)
        if not self.stacks:
            raise ApiError("not_found")
        stack = self.stacks[-1]
        if len(stack) >= MODAL_STACK_MAX:
            raise ApiError("push_limit_reached")
        view_id = self.next_id("V")
        stored = StoredView(
            id=view_id,
            view=view,
            hash=self._hash(),
            root_view_id=stack[0],
            previous_view_id=stack[-1],
            via="views.push",
        )
        self.views[view_id] = stored
        stack.append(view_id)
        return self._view_json(stored)

    def views_update(self, args: Args) -> Result:
        view = self._view_arg(args)
        view_id = _text(args, "view_id")
        external_id = _text(args, "external_id")
        if view_id is not None:
            stored = self.views.get(view_id)
        else:
            stored = next((v for v in self.views.values() if v.external_id == external_id), None)
        if stored is None:
            raise ApiError("not_found")
        expected = _text(args, "hash")
        if expected is not None and expected != stored.hash:
            raise ApiError("hash_conflict")
        self._check_external_id(view, keep=stored.id)
        updated = dataclasses.replace(stored, view=view, hash=self._hash(), via="views.update")
        self.views[stored.id] = updated
        return self._view_json(updated)

    def views_publish(self, args: Args) -> Result:
        view = self._view_arg(args)
        user = self._user(_required(args, "user_id"))
        view_id = self.home.get(user.id)
        current = self.views.get(view_id) if view_id else None
        expected = _text(args, "hash")
        if current is not None and expected is not None and expected != current.hash:
            raise ApiError("hash_conflict")
        self._check_external_id(view, keep=view_id)
        view_id = view_id or self.next_id("V")
        stored = StoredView(
            id=view_id,
            view=view,
            hash=self._hash(),
            root_view_id=view_id,
            user_id=user.id,
            via="views.publish",
        )
        self.views[view_id] = stored
        self.home[user.id] = view_id
        return self._view_json(stored)

    # -- response URLs -------------------------------------------------------------------

    def new_response_url(
        self, channel: str, user_id: str | None, message_ts: str | None
    ) -> ResponseUrl:
        url = ResponseUrl(
            id=self.next_id("R"), channel=channel, user_id=user_id, message_ts=message_ts
        )
        self.response_urls[url.id] = url
        return url

    def respond(self, url: ResponseUrl, body: Args) -> Result:
        """Post, replace or delete a message through a response URL (Bolt's `respond()`)."""
        if url.uses >= RESPONSE_URL_MAX_USES:
            raise ApiError(
                "used_url",
                violation=f"response_url used more than {RESPONSE_URL_MAX_USES} times",
            )
        url.uses += 1
        original_ts = url.message_ts or (url.posted[-1] if url.posted else None)
        original = self._find_any(url.channel, original_ts) if original_ts else None
        if _flag(body, "delete_original"):
            if original is None:
                raise ApiError("message_not_found")
            self._remove(original)
            return {}
        if _flag(body, "replace_original") and original is not None:
            changes: dict[str, Any] = {"version": original.version + 1, "via": "response_url"}
            changes["text"] = _text(body, "text")
            changes["blocks"] = body.get("blocks") if isinstance(body.get("blocks"), list) else None
            changes["attachments"] = (
                body.get("attachments") if isinstance(body.get("attachments"), list) else None
            )
            self._replace(original, dataclasses.replace(original, **changes))
            return {}
        message = self._new_message(url.channel, body, via="response_url")
        if body.get("response_type") != "in_channel":
            message = dataclasses.replace(message, ephemeral=True, visible_to=url.user_id)
        self._store(message)
        url.posted.append(message.ts)
        return {}

    def _find_any(self, channel: str, ts: str) -> StoredMessage | None:
        for message in self.messages.get(channel, ()):
            if message.ts == ts:
                return message
        return None
